// What creators take to their own sites and streams, in Chromium: the tip widget embedded by a page on another
// site (guest card tip in the iframe; a signed-in fan's wallet tip through the popup), the live overlay showing
// that tip, framing refused everywhere but the widget routes, the dashboard page that sets it all up, and QR codes.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { apiClient } from "../support/api-client";
import { recordBrowserErrors } from "../support/browser-errors";
import { startHostPage } from "../support/host-page";

test.use({ locale: "ko-KR" });
test.describe.configure({ timeout: 90_000 });

// Every page a test opens (the host site with the widget frame, popups, overlays) must run without script errors.
let browserErrors: string[][] = [];
test.beforeEach(({ context }) => {
  browserErrors = [];
  context.on("page", (page) => browserErrors.push(recordBrowserErrors(page)));
});
test.afterEach(() => {
  expect(browserErrors.flat()).toEqual([]);
});

const API_PASSWORD = "correct horse battery";
const SUCCESS_CARD = "4242 4242 4242 4242";
const SCRIPT_PAYLOAD = `<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script>`;

async function signIn(page: Page, email: string, password: string, redirectTo: string) {
  await page.goto(`/login?redirectTo=${encodeURIComponent(redirectTo)}`);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('input[name="password"]').press("Enter");
  await page.waitForURL((url) => url.pathname === redirectTo.split("?")[0]);
}

async function shot(page: Page, testInfo: TestInfo, name: string, fullPage = true) {
  await page.screenshot({ path: testInfo.outputPath(`${name}-${testInfo.project.name}.png`), fullPage });
}

/** Opens the creator's overlay (as OBS would) and records when each alert appears. */
async function openOverlay(page: Page, url: string) {
  await page.goto(`${url}?seconds=20`);
  await page.waitForSelector('body[data-state="live"]');
  await page.evaluate(() => {
    const shown: Record<string, number> = {};
    (window as unknown as { __shown: Record<string, number> }).__shown = shown;
    new MutationObserver((records) => {
      for (const record of records)
        for (const node of record.addedNodes) if (node instanceof HTMLElement) shown[node.dataset.alertId ?? "?"] = Date.now();
    }).observe(document.getElementById("alerts")!, { childList: true });
  });
}

test("a page on another site embeds the widget, a guest tips through it, and the open overlay shows the tip within a second", async ({
  page,
  browser,
  baseURL,
}, testInfo) => {
  const creator = await apiClient(baseURL!).newCreator("KRW");
  await signIn(page, creator.email, API_PASSWORD, "/dashboard/share");
  await expect(page.getByRole("heading", { level: 1, name: "위젯 · 방송 알림 · QR" })).toBeVisible();
  await expect(page.getByTestId("widget-snippet")).toHaveValue(`<script src="${baseURL}/embed.js" data-creator="${creator.handle}" async></script>`);
  const overlayUrl = await page.getByTestId("overlay-url").inputValue();
  await openOverlay(page, overlayUrl);

  const host = await startHostPage(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>My art site</title></head>
<body><h1>My art site</h1><script src="${baseURL}/embed.js" data-creator="${creator.handle}" async></script></body></html>`);
  const guestContext = await browser.newContext({ locale: "ko-KR" });
  try {
    guestContext.on("page", (p) => browserErrors.push(recordBrowserErrors(p)));
    const guest = await guestContext.newPage();
    const dialogs: string[] = [];
    guest.on("dialog", (dialog) => void (dialogs.push(dialog.message()), dialog.dismiss()));
    await guest.goto(host.url);
    await guest.evaluate(() => document.addEventListener("sodam:tipped", (e) => ((window as unknown as { __tipped: unknown }).__tipped = (e as CustomEvent).detail)));
    await guest.getByRole("button", { name: "소담으로 후원하기" }).click();

    const widget = guest.frameLocator(`iframe[src^="${baseURL}/embed/${creator.handle}"]`);
    await expect(widget.getByText(`${creator.handle}`).first()).toBeVisible();
    await widget.getByLabel("₩3,000", { exact: true }).check();
    await widget.getByLabel("응원 메시지 (선택)").fill(SCRIPT_PAYLOAD);
    await widget.getByLabel("이름 (선택)").fill("<b>길손</b>");
    await widget.getByLabel("카드 번호").fill(SUCCESS_CARD);
    // Not full-page: that resizes the viewport, and with it the frame, under the next click.
    await shot(guest, testInfo, "widget-form", false);
    // Enter in the last field sends the form (implicit submission through its first submit button, "후원하기"). A
    // click here was flaky under phone emulation: the tap inside the frame sometimes missed the button.
    await expect(widget.getByRole("button", { name: "후원하기", exact: true })).toBeEnabled();
    await widget.getByLabel("이름 (선택)").press("Enter");
    await expect(widget.getByRole("heading", { name: "고마워요!" })).toBeVisible();
    await shot(guest, testInfo, "widget-thanks", false);

    // The host page heard about it (postMessage from Sodam's origin only), and the frame grew to fit.
    const tipped = await guest.waitForFunction(() => (window as unknown as { __tipped?: { tipId: string } }).__tipped);
    expect(await tipped.jsonValue()).toMatchObject({ creator: creator.handle });
    expect(await guest.locator("iframe").evaluate((frame) => (frame as HTMLIFrameElement).style.height)).toMatch(/^\d+px$/);

    // The overlay shows the tip, with the supporter's text as text.
    const alert = page.locator(".alert").first();
    await expect(alert.locator(".alert__message")).toHaveText(SCRIPT_PAYLOAD);
    await expect(alert.locator(".alert__name")).toHaveText("<b>길손</b>");
    await expect(alert.locator(".alert__amount")).toHaveText("₩3,000");
    const latency = await page.evaluate(() => {
      const el = document.querySelector<HTMLElement>(".alert[data-tipped-at]")!;
      const shownAt = (window as unknown as { __shown: Record<string, number> }).__shown[el.dataset.alertId!];
      return shownAt - Date.parse(el.dataset.tippedAt!);
    });
    console.log(`overlay alert latency (tip transaction start → alert on screen): ${latency} ms`);
    expect(latency).toBeLessThan(1000);
    await shot(page, testInfo, "overlay-alert");

    for (const p of [page, guest]) expect(await p.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
  } finally {
    await guestContext.close();
    await host.close();
  }
});

test("a signed-in fan tips from their wallet through the widget's popup, and the host page hears of it", async ({ page, baseURL }) => {
  const api = apiClient(baseURL!);
  const creator = await api.newCreator("KRW");
  const fan = await api.signUp("Popup Fan");
  await api.topUp(fan.token, 10_000);
  await signIn(page, fan.email, API_PASSWORD, "/wallet");

  const host = await startHostPage(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Stream page</title></head>
<body><script src="${baseURL}/embed.js" data-creator="${creator.handle}" data-position="bottom-right" data-theme="dark" async></script></body></html>`);
  try {
    await page.goto(host.url);
    await page.evaluate(() => document.addEventListener("sodam:tipped", (e) => ((window as unknown as { __tipped: unknown }).__tipped = (e as CustomEvent).detail)));
    await page.getByRole("button", { name: "소담으로 후원하기" }).click();
    const widget = page.frameLocator("iframe");
    // Inside another site's frame no cookie arrives: the frame offers card, and the wallet in a window of its own.
    await expect(widget.getByLabel("카드 번호")).toBeVisible();
    // Enter, not a tap: the frame resizes itself once it runs (it reports its height to the host page), and under
    // phone emulation a tap aimed before the resize can land beside the link.
    const [popup] = await Promise.all([page.waitForEvent("popup"), widget.getByRole("link", { name: "지갑으로 후원하기 (새 창)" }).press("Enter")]);
    await expect(popup.getByLabel(/지갑에서 바로/)).toBeChecked();
    await popup.getByLabel("₩1,000", { exact: true }).check();
    await popup.getByRole("button", { name: "후원하기", exact: true }).click();
    await expect(popup.getByRole("heading", { name: "고마워요!" })).toBeVisible();
    const tipped = await page.waitForFunction(() => (window as unknown as { __tipped?: { tipId: string } }).__tipped);
    expect(await tipped.jsonValue()).toMatchObject({ creator: creator.handle });
    const wallet = await api.request("GET", "/api/v1/me/wallet", { token: fan.token });
    expect(JSON.stringify(wallet.body)).toContain("9000");
  } finally {
    await host.close();
  }
});

test("only the widget routes may be framed by another site; every other page refuses", async ({ page, baseURL }) => {
  const host = await startHostPage(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Framing</title></head><body>
<iframe id="page" src="${baseURL}/@busker_joon" title="creator page"></iframe>
<iframe id="login" src="${baseURL}/login" title="sign in"></iframe>
<iframe id="widget" src="${baseURL}/embed/busker_joon" title="widget"></iframe>
<iframe id="goal" src="${baseURL}/embed/haneul/goal" title="goal"></iframe></body></html>`);
  try {
    await page.goto(host.url);
    await expect(page.frameLocator("#widget").getByLabel("카드 번호")).toBeVisible();
    await expect(page.frameLocator("#goal").locator("progress")).toBeVisible();
    // Chromium replaces a refused frame with its own error page.
    const frames = page.frames().map((frame) => frame.url());
    expect(frames.filter((url) => url.startsWith(`${baseURL}/@`) || url.startsWith(`${baseURL}/login`))).toEqual([]);
    expect(frames.filter((url) => url.startsWith("chrome-error:"))).toHaveLength(2);
    expect(frames.some((url) => url.startsWith(`${baseURL}/embed/busker_joon`))).toBe(true);
    const refused = await page.request.get(`${baseURL}/@busker_joon`);
    expect(refused.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(refused.headers()["x-frame-options"]).toBe("DENY");
    const allowed = await page.request.get(`${baseURL}/embed/busker_joon`);
    expect(allowed.headers()["content-security-policy"]).toContain("frame-ancestors *");
    // Chromium reports each refusal on the console: exactly the two refused frames, and nothing else.
    const refusals = browserErrors.flat().filter((message) => message.includes(`violates the following Content Security Policy directive: "frame-ancestors 'none'"`));
    expect(refusals).toHaveLength(2);
    browserErrors = browserErrors.map((list) => list.filter((message) => !refusals.includes(message)));
  } finally {
    await host.close();
  }
});

test("the dashboard sends a test alert, makes the widget code, and prints a QR card", async ({ page, context, baseURL }, testInfo) => {
  const creator = await apiClient(baseURL!).newCreator("KRW");
  await signIn(page, creator.email, API_PASSWORD, "/dashboard/share");
  const overlayUrl = await page.getByTestId("overlay-url").inputValue();
  const overlay = await context.newPage();
  await openOverlay(overlay, overlayUrl);

  await page.getByRole("button", { name: "테스트 알림 보내기" }).click();
  await expect(page.getByText("테스트 알림을 보냈어요.")).toBeVisible();
  await expect(overlay.locator('.alert[data-alert-id="test"] .alert__message')).toHaveText("테스트 알림이에요. 방송 화면에 잘 보이나요?");

  await page.getByLabel("어둡게").check();
  await page.getByLabel("위치").selectOption("bottom-left");
  await page.getByLabel("버튼 글자").fill(`"응원"<b>`);
  await page.getByRole("button", { name: "코드 만들기" }).click();
  await expect(page.getByTestId("widget-snippet")).toHaveValue(
    `<script src="${baseURL}/embed.js" data-creator="${creator.handle}" data-theme="dark" data-position="bottom-left" data-label="&quot;응원&quot;&lt;b&gt;" async></script>`,
  );

  await page.getByLabel("가릴 단어").fill("스팸\nbad");
  await page.getByLabel("알림 최소 금액").fill("1,000");
  await page.getByRole("button", { name: "알림 설정 저장" }).click();
  await expect(page.getByText("알림 설정을 저장했어요.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("알림 최소 금액")).toHaveValue("1000");
  await expect(page.getByLabel("가릴 단어")).toHaveValue("스팸\nbad");
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
  await shot(page, testInfo, "dashboard-share");

  await page.getByLabel("알림 최소 금액").fill("0.5");
  await page.getByRole("button", { name: "알림 설정 저장" }).click();
  await expect(page.getByLabel("알림 최소 금액")).toHaveAttribute("aria-invalid", "true");

  // Rotating the address stops the open overlay; the old address is gone.
  await page.getByRole("button", { name: "주소 바꾸기" }).click();
  await expect(page.getByText("새 주소를 만들었어요.")).toBeVisible();
  await expect(overlay.locator("body")).toHaveAttribute("data-state", "revoked");
  expect(await page.getByTestId("overlay-url").inputValue()).not.toBe(overlayUrl);
  expect((await page.request.get(overlayUrl)).status()).toBe(404);

  const svg = await page.request.get(`${baseURL}/@${creator.handle}/qr.svg`);
  expect(svg.headers()["content-type"]).toContain("image/svg+xml");
  expect(await svg.text()).toContain("<svg");
  const png = await page.request.get(`${baseURL}/@${creator.handle}/qr.png`);
  expect((await png.body()).subarray(1, 4).toString()).toBe("PNG");

  await page.getByRole("link", { name: "인쇄용 카드 열기" }).click();
  await expect(page.getByTestId("qr-card")).toBeVisible();
  await expect(page.getByRole("img", { name: `@${creator.handle} 후원 페이지로 가는 QR 코드` })).toBeVisible();
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".site-header")).toBeHidden();
  await shot(page, testInfo, "qr-card-print");
});
