import { expect, test } from "@playwright/test";

test("home page lists the demo creators and links to their pages", async ({ page }, testInfo) => {
  await page.goto("/");
  await expect(page).toHaveTitle(/소담|Sodam/);
  await expect(page.getByText("하늘 Haneul").first()).toBeVisible();
  await expect(page.getByText("Lena Park").first()).toBeVisible();
  await expect(page.locator('a[href="/@haneul"]').first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("home.png"), fullPage: true });
});

test("home page switches to English", async ({ page }) => {
  await page.goto("/?lang=en");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
});

test("health check reports Postgres and Redis up", async ({ request }) => {
  const response = await request.get("/healthz");
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ status: "ok", services: { postgres: { status: "up" }, redis: { status: "up" } } });
});
