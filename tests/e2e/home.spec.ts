import { expect, test, type Page } from "@playwright/test";
import { recordBrowserErrors } from "../support/browser-errors";

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

/** Waits until React has hydrated the page (Remix's router is there and has its first state). */
function hydrated(page: Page) {
  return page.waitForFunction(() => (window as unknown as { __remixRouter?: { state: { initialized: boolean } } }).__remixRouter?.state.initialized, null, { timeout: 10_000 });
}

test("a key press that arrives before the page has hydrated leaves the page working", async ({ page }) => {
  const errors = recordBrowserErrors(page);
  // The press lands just after React has started hydrating and before Remix's first render has its data: the moment
  // a fast tap on a slow phone hits. React then tried to hydrate synchronously and failed for good (error #345).
  await page.addInitScript(() => {
    const addEventListener = EventTarget.prototype.addEventListener;
    let pressed = false;
    EventTarget.prototype.addEventListener = function (this: EventTarget, ...args: Parameters<EventTarget["addEventListener"]>) {
      addEventListener.apply(this, args);
      if (this === document && args[0] === "keydown" && !pressed) {
        pressed = true;
        queueMicrotask(() => document.body.dispatchEvent(new KeyboardEvent("keydown", { bubbles: true, key: "Tab" })));
      }
    };
  });
  await page.goto("/login");
  await hydrated(page);
  // Hydrated: a link now navigates on the client, without loading a new document.
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  await page.locator('a[href^="/signup"]').first().click();
  await page.waitForURL((url) => url.pathname === "/signup");
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  expect(errors).toEqual([]);
});

test.describe("page cache", () => {
  test.use({ locale: "ko-KR" });

  test("a creator page served from the page cache arrives gzipped, with a nonce its scripts run under", async ({ page }) => {
    const errors = recordBrowserErrors(page);
    // A request fills the cache (it keeps a page per Accept-Language: the same one as the browser's) and the visit
    // follows within the entry's second; on a machine slow enough to miss that second, once more.
    let headers: Record<string, string> = {};
    for (let attempt = 0; attempt < 3 && headers["x-sodam-cache"] !== "hit"; attempt++) {
      expect((await page.request.get("/@haneul", { headers: { "Accept-Language": "ko-KR" } })).status()).toBe(200);
      headers = (await page.goto("/@haneul"))!.headers();
    }
    expect(headers["x-sodam-cache"]).toBe("hit");
    expect(headers["content-encoding"]).toBe("gzip");
    await expect(page.getByText("하늘 Haneul").first()).toBeVisible();
    // The scripts ran (the CSP allows only the answer's own nonce): the page hydrated.
    await hydrated(page);
    expect(errors).toEqual([]);
  });
});

test("health check reports Postgres and Redis up", async ({ request }) => {
  const response = await request.get("/healthz");
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ status: "ok", services: { postgres: { status: "up" }, redis: { status: "up" } } });
});
