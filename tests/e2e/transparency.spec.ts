import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext } from "@playwright/test";

/** A fan, a wallet top-up and a tip through the JSON API; returns the tip id. */
async function tipThroughApi(request: APIRequestContext) {
  const email = `verifier-${randomUUID()}@example.test`;
  const password = "correct horse battery";
  expect((await request.post("/api/v1/users", { data: { email, password, displayName: "검증하는 팬" } })).status()).toBe(201);
  const { token } = await (await request.post("/api/v1/auth/token", { data: { email, password } })).json();
  const headers = { Authorization: `Bearer ${token}` };
  const topup = await request.post("/api/v1/me/wallet/topups", { headers: { ...headers, "Idempotency-Key": randomUUID() }, data: { amount: 5000, currency: "KRW", card: "4242424242424242" } });
  expect(topup.status()).toBe(201);
  const tip = await request.post("/api/v1/tips", { headers: { ...headers, "Idempotency-Key": randomUUID() }, data: { creator: "haneul", amount: 1000, currency: "KRW", message: "검증해 보세요" } });
  expect(tip.status()).toBe(201);
  return (await tip.json()).id as string;
}

async function openSealedReceipt(page: import("@playwright/test").Page, tipId: string) {
  await expect(async () => {
    await page.goto(`/receipts/${tipId}`);
    await expect(page.getByRole("button", { name: /검증|Verify/ })).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 20_000 });
}

test("an inclusion proof checks out in the browser", async ({ page, request }, testInfo) => {
  const tipId = await tipThroughApi(request);
  await openSealedReceipt(page, tipId);
  await page.getByRole("button", { name: /검증|Verify/ }).click();
  await expect(page.getByTestId("proof-result")).toContainText(/✓/);
  await page.screenshot({ path: testInfo.outputPath("receipt-verified.png"), fullPage: true });
});

test("a forged proof fails in the browser", async ({ page, request }) => {
  const tipId = await tipThroughApi(request);
  await openSealedReceipt(page, tipId);
  await page.route("**/api/v1/transparency/proof/**", async (route) => {
    const response = await route.fetch();
    const proof = await response.json();
    // Claim the tip was ₩10 larger than the ledger says.
    proof.transaction.entries = proof.transaction.entries.map((e: { amount: number }) => ({ ...e, amount: e.amount > 0 ? e.amount + 10 : e.amount - 10 }));
    await route.fulfill({ response, json: proof });
  });
  await page.getByRole("button", { name: /검증|Verify/ }).click();
  await expect(page.getByTestId("proof-result")).toContainText(/✗/);
});

test("the transparency page explains the log and lists blocks", async ({ page }) => {
  await page.goto("/transparency?lang=en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Anyone can check where the money goes");
  await expect(page.getByRole("table").first()).toBeVisible();
});
