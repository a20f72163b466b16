// The fan side in a real browser against the real database: guest card tips, sign-up, wallet top-up and one-tap
// tips, unlocking a paid post once, monthly pledges, languages, the same flows without JavaScript, and axe.
// Tests share one seeded database, so each makes its own fan and never assumes totals of the demo creators.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { recordBrowserErrors } from "../support/browser-errors";

test.use({ locale: "ko-KR" });
// Sign-ups hash passwords with argon2 and most tests top up first; the axe walk visits many pages.
test.describe.configure({ timeout: 120_000 });

const browserErrors = new WeakMap<Page, string[]>();
test.beforeEach(({ page }) => {
  browserErrors.set(page, recordBrowserErrors(page));
});
test.afterEach(({ page }) => {
  expect(browserErrors.get(page) ?? []).toEqual([]);
});

const SUCCESS_CARD = "4242 4242 4242 4242";
const DECLINED_CARD = "4000000000000002";
const RECEIPT_URL = /\/tips\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function unique(label: string) {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Digits of a formatted won amount: "₩17,000" → 17000. */
function won(text: string | null) {
  return Number((text ?? "").replace(/[^\d]/g, ""));
}

/** The tip form: the pledge form on the same page has its own presets and buttons. */
const tipForm = (page: Page) => page.locator("form.tip-form");

async function sendTip(page: Page) {
  await tipForm(page).getByRole("button", { name: "후원하기", exact: true }).click();
}

async function shot(page: Page, testInfo: TestInfo, name: string) {
  // A full-page shot of a scrolled page would paint the sticky header in the middle.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: testInfo.outputPath(name), fullPage: true });
}

async function signUp(page: Page, name = "테스트 팬") {
  const email = `${unique("fan")}@e2e.sodam.test`;
  await page.goto("/signup");
  await page.getByLabel("이메일").fill(email);
  await page.getByLabel("이름", { exact: true }).fill(name);
  await page.getByLabel("비밀번호").fill("correct-horse-battery");
  await page.getByRole("button", { name: "가입하기" }).click();
  await expect(page.getByRole("button", { name: "로그아웃" })).toBeVisible();
  return { email, name };
}

async function topUp(page: Page, amount: string) {
  await page.goto("/wallet");
  await page.getByLabel("충전 금액").fill(amount);
  await page.getByLabel("카드 번호").fill(SUCCESS_CARD);
  await page.getByRole("button", { name: "충전하기" }).click();
  await expect(page.getByRole("status").filter({ hasText: "지갑을 충전했어요." })).toBeVisible();
}

async function walletBalance(page: Page) {
  await page.goto("/wallet");
  return won(await page.getByTestId("balance-KRW").textContent());
}

async function expectNoSeriousAxeViolations(page: Page, testInfo: TestInfo, name: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  await testInfo.attach(`axe-${name}.json`, { body: JSON.stringify(results.violations, null, 2), contentType: "application/json" });
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

test.describe("guest card tips", () => {
  test("a guest tips by card with 4242… and lands on a receipt showing the tip", async ({ page }, testInfo) => {
    const message = unique("카드 응원");
    await page.goto("/@busker_joon");
    await expect(page.getByRole("heading", { level: 1, name: "버스커 준 Joon" })).toBeVisible();
    // The card field says loudly that this is test mode and which cards to use.
    await expect(page.getByText("테스트 모드")).toBeVisible();
    await expect(page.getByText("4242 4242 4242 4242").first()).toBeVisible();
    await shot(page, testInfo, "creator-page-guest.png");

    // The fee is shown before the tip is sent, for the amount picked.
    await expect(page.getByTestId("tip-fee")).toContainText("소담 수수료 5%");
    await expect(page.getByTestId("tip-fee-example")).toHaveText("예: ₩3,000 후원 → 수수료 ₩150, 창작자 ₩2,850");
    await tipForm(page).getByLabel("₩5,000", { exact: true }).check();
    await expect(page.getByTestId("tip-fee-example")).toHaveText("예: ₩5,000 후원 → 수수료 ₩250, 창작자 ₩4,750");
    await tipForm(page).getByLabel("응원 메시지 (선택)").fill(message);
    await page.getByLabel("이름 (선택)").fill("길손");
    await page.getByLabel("카드 번호").fill(SUCCESS_CARD);
    await shot(page, testInfo, "tip-flow-1-card-form.png");
    await sendTip(page);

    await expect(page).toHaveURL(RECEIPT_URL);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("버스커 준 Joon님께 후원했어요");
    const details = page.locator(".receipt__details");
    await expect(details).toContainText("₩5,000");
    await expect(details).toContainText(message);
    await expect(details).toContainText("길손");
    await expect(details).toContainText("카드");
    await shot(page, testInfo, "tip-flow-2-receipt.png");

    // The receipt is a public page: another browser with only the link sees the same tip.
    const receiptUrl = page.url();
    const other = await page.context().browser()!.newContext({ locale: "ko-KR" });
    const otherPage = await other.newPage();
    await otherPage.goto(receiptUrl);
    await expect(otherPage.locator(".receipt__details")).toContainText(message);
    await other.close();

    // And the creator page lists it among recent supporters.
    await page.goto("/@busker_joon");
    await expect(page.locator(".supporter").filter({ hasText: message })).toContainText("길손");
  });

  test("a declined test card shows the decline message and records no tip", async ({ page }, testInfo) => {
    const message = unique("거절될 응원");
    await page.goto("/@busker_joon");
    await tipForm(page).getByLabel("응원 메시지 (선택)").fill(message);
    await page.getByLabel("카드 번호").fill(DECLINED_CARD);
    await sendTip(page);

    await expect(page.getByRole("alert")).toHaveText("카드가 거절됐어요. 다른 카드로 시도해 주세요.");
    await expect(page).toHaveURL(/\/@busker_joon/);
    // What the fan typed is still there to try another card.
    await expect(tipForm(page).getByLabel("응원 메시지 (선택)")).toHaveValue(message);
    await shot(page, testInfo, "tip-flow-declined.png");

    // A second try with a good card on the same page goes through (the declined attempt does not block it).
    await page.getByLabel("카드 번호").fill(SUCCESS_CARD);
    await sendTip(page);
    await expect(page).toHaveURL(RECEIPT_URL);
    await page.goto("/@busker_joon");
    await expect(page.locator(".supporter").filter({ hasText: message })).toHaveCount(1);
  });

  test("a card tip below the card minimum is refused next to the amount", async ({ page }) => {
    await page.goto("/@busker_joon");
    await tipForm(page).getByLabel("직접 입력 (선택)").fill("500");
    await page.getByLabel("카드 번호").fill(SUCCESS_CARD);
    await sendTip(page);
    await expect(page.locator("#tip-amount-error")).toHaveText(/₩1,000부터 보낼 수 있어요/);
    await expect(page).toHaveURL(/\/@busker_joon/);
  });
});

test.describe("signed-in fans", () => {
  test("a new fan signs up, tops up, tips in one tap from the wallet, and the tip shows on the creator page", async ({ page }, testInfo) => {
    const { name } = await signUp(page, unique("팬").slice(0, 30));
    await topUp(page, "20,000");
    expect(await walletBalance(page)).toBe(20_000);
    await expect(page.getByTestId("header-balance")).toHaveText("₩20,000");

    const message = unique("지갑 응원");
    await page.goto("/@minji");
    // Signed in with enough balance, the wallet is the preselected way to pay and the card field is out of the way.
    await expect(tipForm(page).getByLabel(/지갑에서 바로/)).toBeChecked();
    await expect(page.getByLabel("카드 번호")).toBeHidden();
    await tipForm(page).getByLabel("₩3,000", { exact: true }).check();
    await tipForm(page).getByLabel("응원 메시지 (선택)").fill(message);
    await shot(page, testInfo, "wallet-tip-1-form.png");
    await sendTip(page);

    await expect(page).toHaveURL(RECEIPT_URL);
    await expect(page.locator(".receipt__details")).toContainText("지갑");
    await expect(page.locator(".receipt__details")).toContainText(message);
    await shot(page, testInfo, "wallet-tip-2-receipt.png");

    await page.goto("/@minji");
    const supporter = page.locator(".supporter").filter({ hasText: message });
    await expect(supporter).toContainText(name);
    await expect(supporter).toContainText("₩3,000");
    await shot(page, testInfo, "creator-page-after-tip.png");

    expect(await walletBalance(page)).toBe(17_000);
    await expect(page.locator(".activity").filter({ hasText: "민지 Minji님께 후원" })).toContainText("₩3,000");
  });

  test("a daily spending cap set on the wallet refuses the tip that crosses it, in the fan's language", async ({ page }) => {
    await signUp(page, unique("한도").slice(0, 30));
    await topUp(page, "20,000");
    await page.goto("/wallet");
    const caps = page.getByTestId("caps-KRW");
    await caps.getByLabel("하루 한도").fill("2000");
    await caps.getByRole("button", { name: "한도 저장" }).click();
    await expect(page.getByRole("status").filter({ hasText: "지출 한도를 저장했어요" })).toBeVisible();
    await expect(page.getByTestId("caps-KRW")).toContainText("오늘 ₩0 사용 · 한도 ₩2,000");

    await page.goto("/@minji");
    await tipForm(page).getByLabel("₩3,000", { exact: true }).check();
    await sendTip(page);
    await expect(page.getByRole("alert")).toHaveText("하루 지출 한도(₩2,000)를 넘게 돼요. 오늘은 ₩2,000까지 쓸 수 있어요.");
    expect(await walletBalance(page)).toBe(20_000);

    // Raising it waits 24 hours.
    await page.goto("/wallet");
    await page.getByTestId("caps-KRW").getByLabel("하루 한도").fill("50000");
    await page.getByTestId("caps-KRW").getByRole("button", { name: "한도 저장" }).click();
    await expect(page.getByTestId("caps-KRW")).toContainText("₩50,000(으)로 올리는 변경이");
    await expect(page.getByTestId("caps-KRW")).toContainText("한도 ₩2,000");
  });

  test("a short wallet explains itself and offers a top-up instead of tipping", async ({ page }) => {
    await signUp(page);
    await topUp(page, "1000");
    await page.goto("/@minji");
    await tipForm(page).getByLabel("₩10,000", { exact: true }).check();
    await sendTip(page);
    await expect(page.getByRole("alert")).toHaveText("지갑 잔액이 부족해요. 지갑을 충전하거나 카드로 보내 주세요.");
    await expect(page.getByRole("link", { name: "지갑 충전하기" })).toBeVisible();
    expect(await walletBalance(page)).toBe(1_000);
  });

  test("submitting the same tip form twice tips once", async ({ page, baseURL }) => {
    await signUp(page);
    await topUp(page, "10000");
    await page.goto("/@seoul_beats");
    const key = await page.locator('form.tip-form input[name="idempotencyKey"]').inputValue();
    const form = { intent: "tip", idempotencyKey: key, amount: "1000", method: "wallet", message: unique("두 번") };
    const post = () =>
      page.request.post("/@seoul_beats?index", { form, headers: { Origin: baseURL! }, maxRedirects: 0 });
    const [first, second] = await Promise.all([post(), post()]);
    expect([first.status(), second.status()]).toEqual([302, 302]);
    expect(first.headers().location).toMatch(RECEIPT_URL);
    expect(second.headers().location).toBe(first.headers().location);
    expect(await walletBalance(page)).toBe(9_000);
  });

  test("a fan unlocks a paid chapter once and reads it again without paying", async ({ page }, testInfo) => {
    await signUp(page);
    await topUp(page, "5000");
    const postUrl = "/@jisoo_webtoon/p/moonlight-store-ep-12";
    await page.goto(postUrl);
    await expect(page.getByRole("heading", { level: 1, name: "달빛 편의점 12화" })).toBeVisible();
    await expect(page.getByText("새벽 세 시, 낯선 손님이 찾아왔다.")).toBeVisible();
    await expect(page.getByText("12화 전체 컷 (48컷).")).toHaveCount(0);
    await shot(page, testInfo, "post-locked.png");

    await page.getByRole("button", { name: "₩300로 열람하기" }).click();
    await expect(page.getByText("12화 전체 컷 (48컷).")).toBeVisible();
    await expect(page.getByText("열람한 글이에요.")).toBeVisible();
    await shot(page, testInfo, "post-unlocked.png");
    expect(await walletBalance(page)).toBe(4_700);

    // Reading again later: open, no button, no second charge.
    await page.goto(postUrl);
    await expect(page.getByText("12화 전체 컷 (48컷).")).toBeVisible();
    await expect(page.getByRole("button", { name: /열람하기/ })).toHaveCount(0);
    expect(await walletBalance(page)).toBe(4_700);
    await expect(page.locator(".activity").filter({ hasText: "유료 글 열람" })).toHaveCount(1);
  });

  test("a guest is sent to sign in before unlocking and comes back to the post", async ({ page }) => {
    const { email } = await signUp(page);
    await page.getByRole("button", { name: "로그아웃" }).click();
    await expect(page.getByRole("link", { name: "로그인" }).first()).toBeVisible();

    await page.goto("/@ink_and_rain/p/umbrella-shop");
    await page.getByRole("link", { name: "로그인하고 열람하기" }).click();
    await expect(page).toHaveURL(/\/login\?redirectTo=/);
    await page.getByLabel("이메일").fill(email);
    await page.getByLabel("비밀번호").fill("wrong-password-here");
    await page.getByRole("button", { name: "로그인", exact: true }).click();
    await expect(page.getByRole("alert")).toHaveText("이메일이나 비밀번호가 맞지 않아요.");
    await page.getByLabel("비밀번호").fill("correct-horse-battery");
    await page.getByRole("button", { name: "로그인", exact: true }).click();
    await expect(page).toHaveURL(/\/@ink_and_rain\/p\/umbrella-shop$/);
    await expect(page.getByRole("button", { name: "₩500로 열람하기" })).toBeVisible();
  });

  test("a fan pledges monthly, sees the first month paid, and cancels from the wallet", async ({ page }, testInfo) => {
    await signUp(page);
    await topUp(page, "10000");
    await page.goto("/@haneul");
    const pledgeForm = page.locator("form.pledge-form");
    await pledgeForm.getByLabel("₩5,000", { exact: true }).check();
    await pledgeForm.getByRole("button", { name: "매달 후원하기" }).click();
    await expect(page.getByRole("status").filter({ hasText: "월 후원을 시작했어요" })).toBeVisible();
    await expect(page.getByText("매달 ₩5,000씩 후원하고 있어요.")).toBeVisible();

    expect(await walletBalance(page)).toBe(5_000);
    const pledge = page.locator(".pledge-item").filter({ hasText: "하늘 Haneul" });
    await expect(pledge).toContainText("₩5,000");
    await expect(pledge).toContainText("결제 완료");
    await shot(page, testInfo, "wallet-with-pledge.png");
    await pledge.getByRole("button", { name: "하늘 Haneul님 월 후원 해지하기" }).click();
    await expect(page.getByRole("status").filter({ hasText: "월 후원을 해지했어요." })).toBeVisible();
    await expect(page.locator(".pledge-item").filter({ hasText: "하늘 Haneul" })).toContainText("해지됨");
    await expect(page.getByRole("button", { name: /해지하기/ })).toHaveCount(0);

    // Back on the creator page the pledge form is offered again.
    await page.goto("/@haneul");
    await expect(page.locator("form.pledge-form")).toBeVisible();
  });

  test("a pledge with a short wallet says the wallet ran short and stays active", async ({ page }) => {
    await signUp(page);
    await page.goto("/@haneul");
    await page.locator("form.pledge-form").getByRole("button", { name: "매달 후원하기" }).click();
    await expect(page.getByRole("status")).toContainText("지갑 잔액이 부족해");
    await page.goto("/wallet");
    const pledge = page.locator(".pledge-item").filter({ hasText: "하늘 Haneul" });
    await expect(pledge).toContainText("잔액 부족");
    await expect(pledge.getByRole("button", { name: /해지하기/ })).toBeVisible();
  });
});

test("the language switch moves between Korean and English and keeps the page", async ({ page }, testInfo) => {
  await page.goto("/@lena_writes");
  await expect(page.locator("html")).toHaveAttribute("lang", "ko");
  await expect(page.getByRole("heading", { level: 2, name: "후원하기" })).toBeVisible();
  await expect(page.getByLabel("$3.00", { exact: true })).toBeVisible();

  await page.getByRole("link", { name: "English" }).click();
  await expect(page).toHaveURL(/\/@lena_writes\?lang=en/);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { level: 2, name: "Send a tip" })).toBeVisible();
  await expect(page.getByText("TEST MODE")).toBeVisible();
  await shot(page, testInfo, "creator-page-english.png");

  // The choice is remembered on the next page.
  await page.goto("/wallet");
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();

  await page.getByRole("link", { name: "한국어" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "ko");
  await expect(page.getByRole("heading", { level: 1, name: "로그인" })).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a guest card tip completes with plain form posts, and a decline answers 402", async ({ page }) => {
    const message = unique("JS 없이 카드");
    await page.goto("/@seoul_beats");
    await tipForm(page).getByLabel("응원 메시지 (선택)").fill(message);
    await page.getByLabel("카드 번호").fill(DECLINED_CARD);
    const declined = page.waitForResponse((r) => r.request().method() === "POST");
    await sendTip(page);
    expect((await declined).status()).toBe(402);
    await expect(page.getByRole("alert")).toHaveText("카드가 거절됐어요. 다른 카드로 시도해 주세요.");

    await page.getByLabel("카드 번호").fill(SUCCESS_CARD);
    await sendTip(page);
    await expect(page).toHaveURL(RECEIPT_URL);
    await expect(page.locator(".receipt__details")).toContainText(message);
  });

  test("sign-up, top-up, a wallet tip, an unlock and a pledge with its cancel complete with plain form posts", async ({ page }, testInfo) => {
    const { name } = await signUp(page, unique("노JS").slice(0, 30));
    await topUp(page, "5000");

    const message = unique("JS 없이 지갑");
    await page.goto("/@ink_and_rain");
    await tipForm(page).getByLabel("₩1,000", { exact: true }).check();
    await tipForm(page).getByLabel(/지갑에서 바로/).check();
    await tipForm(page).getByLabel("응원 메시지 (선택)").fill(message);
    await sendTip(page);
    await expect(page).toHaveURL(RECEIPT_URL);
    await expect(page.locator(".receipt__details")).toContainText("지갑");
    await shot(page, testInfo, "no-js-wallet-receipt.png");
    await page.goto("/@ink_and_rain");
    await expect(page.locator(".supporter").filter({ hasText: message })).toContainText(name);

    await page.goto("/@ink_and_rain/p/umbrella-shop");
    await page.getByRole("button", { name: "₩500로 열람하기" }).click();
    await expect(page.getByText("단편 전문 (약 6,000자).")).toBeVisible();

    await page.goto("/@ink_and_rain");
    await page.locator("form.pledge-form").getByLabel("₩1,000", { exact: true }).check();
    await page.locator("form.pledge-form").getByRole("button", { name: "매달 후원하기" }).click();
    await expect(page.getByRole("status").filter({ hasText: "월 후원을 시작했어요" })).toBeVisible();

    expect(await walletBalance(page)).toBe(2_500);
    await page.getByRole("button", { name: "잉크와 비 Ink & Rain님 월 후원 해지하기" }).click();
    await expect(page.getByRole("status").filter({ hasText: "월 후원을 해지했어요." })).toBeVisible();
    await expect(page.locator(".pledge-item").filter({ hasText: "잉크와 비" })).toContainText("해지됨");

    // Field errors come back from the server next to the field, with 422.
    await page.goto("/@ink_and_rain");
    await tipForm(page).getByLabel("직접 입력 (선택)").fill("열 개");
    const invalid = page.waitForResponse((r) => r.request().method() === "POST");
    await sendTip(page);
    expect((await invalid).status()).toBe(422);
    await expect(page.locator("#tip-amount-error")).toHaveText(/금액을 숫자로 입력해 주세요/);
  });
});

test.describe("accessibility: no serious or critical axe violations", () => {
  test("on the home page", async ({ page }, testInfo) => {
    await page.goto("/");
    await expectNoSeriousAxeViolations(page, testInfo, "home");
  });

  test("on a creator page and a tip receipt, as a guest", async ({ page }, testInfo) => {
    await page.goto("/@jisoo_webtoon");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectNoSeriousAxeViolations(page, testInfo, "creator-guest");

    await page.getByLabel("카드 번호").fill(SUCCESS_CARD);
    await sendTip(page);
    await expect(page).toHaveURL(RECEIPT_URL);
    await expectNoSeriousAxeViolations(page, testInfo, "receipt");
  });

  test("on a locked post and the sign-up page, as a guest", async ({ page }, testInfo) => {
    await page.goto("/@jisoo_webtoon/p/moonlight-store-ep-13");
    await expectNoSeriousAxeViolations(page, testInfo, "post-guest");
    await page.goto("/signup");
    await expectNoSeriousAxeViolations(page, testInfo, "signup");
  });

  test("on the wallet, a creator page with an error and an unlocked post, signed in", async ({ page }, testInfo) => {
    await signUp(page);
    await topUp(page, "2000");
    await expectNoSeriousAxeViolations(page, testInfo, "wallet");

    await page.goto("/@jisoo_webtoon");
    // Errors on the page are part of it too.
    await tipForm(page).getByLabel("₩10,000", { exact: true }).check();
    await sendTip(page);
    await expect(page.getByRole("alert")).toBeVisible();
    await expectNoSeriousAxeViolations(page, testInfo, "creator-with-error");

    await page.goto("/@jisoo_webtoon/p/moonlight-store-ep-13");
    await page.getByRole("button", { name: "₩300로 열람하기" }).click();
    await expect(page.getByText("13화 전체 컷 (52컷).")).toBeVisible();
    await expectNoSeriousAxeViolations(page, testInfo, "post-unlocked");
  });
});
