// Script injection through what people type — a creator's name and bio, a fan's name, a tip message — stays inert
// text on the creator page, the tip receipt and the creator's dashboard, in Chromium: no dialog opens and no
// payload sets its marker on window.
import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { apiClient } from "../support/api-client";

test.use({ locale: "ko-KR" });
test.describe.configure({ timeout: 90_000 });

const PASSWORD = "correct horse battery";
const PAYLOADS = {
  name: `<img src=x onerror="window.__pwned='name'">`,
  bio: `</p><script>window.__pwned='bio'</script><svg onload="alert('bio')"></svg>`,
  supporter: `<img src=x onerror=alert('supporter')>`,
  message: `"><script>alert('message')</script><img src=x onerror="window.__pwned='message'">`,
};

/** Opens `path`, lets any injected handler run, and checks that none did. */
async function expectInert(page: Page, path: string, visible: string[]) {
  const dialogs: string[] = [];
  const onDialog = (dialog: { message(): string; dismiss(): Promise<void> }) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  };
  page.on("dialog", onDialog);
  await page.goto(path);
  await page.waitForLoadState("load");
  // Broken images fire onerror right after load; give them a moment.
  await page.waitForTimeout(500);
  for (const text of visible) await expect(page.getByText(text, { exact: false }).first()).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  // No element was made from a payload (the loader data in Remix's inline script is escaped JSON, not markup).
  expect(await page.locator("img[src='x'], svg[onload]").count()).toBe(0);
  page.off("dialog", onDialog);
  expect(dialogs, `dialogs on ${path}`).toEqual([]);
}

test("payloads in a creator's name and bio and a fan's name and message are shown as text, never run", async ({ page, baseURL }) => {
  const api = apiClient(baseURL!);
  const creatorUser = await api.signUp("Creator");
  const handle = `x_${randomBytes(5).toString("hex")}`;
  const made = await api.request("POST", "/api/v1/me/creator", { token: creatorUser.token, body: { handle, displayName: PAYLOADS.name, currency: "KRW", bio: PAYLOADS.bio } });
  expect(made.status).toBe(201);

  const fanEmail = `xss-${randomBytes(4).toString("hex")}@example.test`;
  expect((await api.request("POST", "/api/v1/users", { body: { email: fanEmail, password: PASSWORD, displayName: PAYLOADS.supporter } })).status).toBe(201);
  const fanToken = (await api.request("POST", "/api/v1/auth/token", { body: { email: fanEmail, password: PASSWORD } })).body.token;
  await api.topUp(fanToken, 10_000);
  const tip = await api.tip(fanToken, { creator: handle, amount: 1_000, currency: "KRW", message: PAYLOADS.message });
  expect(tip.status).toBe(201);

  await expectInert(page, `/@${handle}`, [PAYLOADS.name, "window.__pwned='bio'", PAYLOADS.supporter, PAYLOADS.message]);
  await expectInert(page, `/tips/${tip.body.id}`, [PAYLOADS.name]);

  await page.goto("/login?redirectTo=%2Fdashboard");
  await page.locator('input[name="email"]').fill(creatorUser.email);
  await page.locator('input[name="password"]').fill(PASSWORD);
  await page.locator('input[name="password"]').press("Enter");
  await page.waitForURL((url) => url.pathname === "/dashboard");
  await expectInert(page, "/dashboard", [PAYLOADS.name]);
  await expectInert(page, "/dashboard/tips", [PAYLOADS.message, PAYLOADS.supporter]);
  await expectInert(page, "/dashboard/settings", []);
  // The bio comes back into its field as text.
  await expect(page.getByLabel("소개")).toHaveValue(PAYLOADS.bio);
});
