// The creator side in a real browser against the real database and workers: onboarding, the dashboard's
// balances and chart, a fan's tip arriving and being paid out, CSV exports, the paid-post editor, forms without
// JavaScript, and axe. Tests share one seeded database (and run once per project), so each makes its own
// creator and fan where it changes money, and never assumes the demo creators' totals.
import { readFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type BrowserContext, type Page, type TestInfo } from "@playwright/test";
import { totp } from "../../app/utils/totp.server";
import { apiClient } from "../support/api-client";

test.use({ locale: "ko-KR" });
// Each flow visits several pages and waits for the workers; this machine also runs other suites.
test.describe.configure({ timeout: 90_000 });

const DEMO_PASSWORD = "sodam-demo-1234";
/** The password tests/support/api-client.ts gives the accounts it signs up. */
const API_PASSWORD = "correct horse battery";

function unique(label: string) {
  return `${label}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

async function signIn(page: Page, email: string, password: string, redirectTo = "/dashboard") {
  await page.goto(`/login?redirectTo=${encodeURIComponent(redirectTo)}`);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('input[name="password"]').press("Enter");
  await page.waitForURL((url) => url.pathname === redirectTo.split("?")[0]);
}

async function shot(page: Page, testInfo: TestInfo, name: string) {
  // From the top, so the sticky header is not painted over the middle of a full-page image.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: testInfo.outputPath(`${name}-${testInfo.project.name}.png`), fullPage: true });
}

async function expectNoSeriousAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(serious, `${page.url()}`).toEqual([]);
}

/** A fresh creator (through the JSON API) and a signed-in browser session for it. */
async function newCreatorSession(page: Page, baseURL: string) {
  const creator = await apiClient(baseURL).newCreator("KRW");
  await signIn(page, creator.email, API_PASSWORD);
  return creator;
}

test("a new user signs up and completes onboarding to reach the dashboard", async ({ page }, testInfo) => {
  const handle = unique("e2e").toLowerCase();
  await page.goto("/signup?redirectTo=%2Fcreator%2Fstart");
  await page.locator('input[name="email"]').fill(`${handle}@e2e.sodam.test`);
  await page.locator('input[name="displayName"]').fill("새 창작자");
  await page.locator('input[name="password"]').fill("correct-horse-battery");
  await page.locator('input[name="password"]').press("Enter");
  await page.waitForURL("**/creator/start");
  await expect(page.getByRole("heading", { level: 1, name: "창작자 페이지 만들기" })).toBeVisible();
  // The account's name is offered as the creator name.
  await expect(page.getByLabel("이름", { exact: true })).toHaveValue("새 창작자");

  // A taken handle is refused next to the handle field, and what was typed stays.
  await page.getByLabel("핸들").fill("haneul");
  await page.getByLabel("소개").fill("주말마다 그리는 웹툰 작가예요.");
  await page.getByRole("radio", { name: "기본 그림 2" }).check();
  await page.getByLabel("분야").selectOption("webtoon");
  await page.getByRole("radio", { name: "매월" }).check();
  await page.getByLabel("최소 지급액").fill("20,000");
  await page.getByRole("button", { name: "창작자 페이지 만들기" }).click();
  const handleField = page.getByLabel("핸들");
  await expect(handleField).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#field-handle-error")).toHaveText(/이미 누군가 쓰는 핸들이에요/);
  await expect(page.getByLabel("소개")).toHaveValue("주말마다 그리는 웹툰 작가예요.");
  await expectNoSeriousAxeViolations(page);
  await shot(page, testInfo, "onboarding-error");

  await handleField.fill(handle);
  await page.getByRole("button", { name: "창작자 페이지 만들기" }).click();
  await page.waitForURL("**/dashboard?welcome=1");
  await expect(page.getByRole("heading", { level: 1, name: "대시보드" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "창작자 페이지가 만들어졌어요" })).toBeVisible();
  await expect(page.locator(".dash__handle")).toHaveText(`@${handle}`);
  await expect(page.locator('[data-balance="available"] .balance__amount')).toHaveText("₩0");

  // What was chosen was stored.
  await page.getByRole("navigation", { name: "대시보드 메뉴" }).getByRole("link", { name: "설정" }).click();
  await expect(page.getByLabel("최소 지급액")).toHaveValue("20000");
  await expect(page.getByRole("radio", { name: "매월" })).toBeChecked();
  await expect(page.getByLabel("분야")).toHaveValue("webtoon");
  await expect(page.getByRole("radio", { name: "기본 그림 2" })).toBeChecked();
  // A creator who has a page is sent on from onboarding.
  await page.goto("/creator/start");
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("a fan without a creator page is sent to onboarding from the dashboard", async ({ page, baseURL }) => {
  const fan = await apiClient(baseURL!).signUp("Fan");
  await signIn(page, fan.email, API_PASSWORD, "/creator/start");
  await page.goto("/dashboard/payouts");
  await expect(page).toHaveURL(/\/creator\/start$/);
  await expectNoSeriousAxeViolations(page);
});

test("a seeded creator signs in and sees balances and the earnings chart by day and by week", async ({ page }, testInfo) => {
  await signIn(page, "haneul@sodam.test", DEMO_PASSWORD);
  await expect(page.getByRole("heading", { level: 1, name: "대시보드" })).toBeVisible();
  for (const balance of ["available", "unsettled", "pending", "inTransit", "paidOut"]) {
    await expect(page.locator(`[data-balance="${balance}"] .balance__amount`)).toHaveText(/^₩[\d,]+$/);
  }
  // The demo tips are settled and released by the workers within seconds of start.
  await expect(async () => {
    await page.reload();
    await expect(page.locator('[data-balance="available"] .balance__amount')).not.toHaveText("₩0", { timeout: 1000 });
  }).toPass({ timeout: 15_000 });

  const chart = page.getByRole("img", { name: "최근 30일 동안 하루에 받은 팁" });
  await expect(chart).toBeVisible();
  await expect(chart.locator("rect")).toHaveCount(30);
  await expect(page.locator(".chart__caption")).toHaveText(/합계 ₩[\d,]+, 팁 \d+건\./);
  // Today's bar has height: the seeded tips were made today.
  expect(Number(await chart.locator("rect").last().getAttribute("height"))).toBeGreaterThan(0);
  // The numbers are there for screen readers as a table.
  await expect(page.locator(".chart table tbody tr")).toHaveCount(30);
  await expect(page.getByRole("table", { name: "최근 받은 팁" }).getByRole("row")).not.toHaveCount(1);
  await shot(page, testInfo, "dashboard");

  await page.getByRole("link", { name: "주별 · 12주" }).click();
  await expect(page).toHaveURL(/range=week/);
  const weekly = page.getByRole("img", { name: "최근 12주 동안 한 주에 받은 팁" });
  await expect(weekly.locator("rect")).toHaveCount(12);
  await expect(page.getByRole("link", { name: "주별 · 12주" })).toHaveAttribute("aria-current", "true");
  await shot(page, testInfo, "dashboard-weekly");

  // The same page in English.
  await page.goto("/dashboard?lang=en");
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  await expect(page.getByRole("img", { name: "Tips received per day, last 30 days" })).toBeVisible();
  await page.goto("/dashboard?lang=ko");
});

test("a fan's tip shows up with its message after settlement, exports as CSV, and 'pay me now' pays it out", async ({ page, baseURL }, testInfo) => {
  const api = apiClient(baseURL!);
  const creator = await newCreatorSession(page, baseURL!);
  const fan = await api.signUp("Fan");
  await api.topUp(fan.token, 20_000);
  const message = `새 앨범 응원해요 ${unique("m")}`;
  const tip = await api.tip(fan.token, { creator: creator.handle, amount: 12_000, currency: "KRW", message });
  expect(tip.status).toBe(201);

  await test.step("the tip appears in the tips table, settled, with its message and supporter", async () => {
    await page.goto("/dashboard/tips");
    const row = page.locator(`tr[data-tip-id="${tip.body.id}"]`);
    await expect(async () => {
      await page.reload();
      await expect(row.locator(".tips-table__status")).toHaveText("정산됨", { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    await expect(row.locator(".tips-table__message")).toHaveText(message);
    await expect(row.locator(".tips-table__supporter")).toHaveText("Fan");
    await expect(row.locator(".tips-table__amount")).toHaveText("₩12,000");
    await expect(row.locator(".tips-table__kind")).toHaveText("팁");
    await shot(page, testInfo, "dashboard-tips");

    // Filters narrow the table through the query string.
    await page.getByLabel("상태").selectOption("refunded");
    await page.getByRole("button", { name: "적용" }).click();
    await expect(page).toHaveURL(/status=refunded/);
    await expect(page.getByText("조건에 맞는 팁이 없어요.")).toBeVisible();
    await expect(row).toHaveCount(0);
  });

  await test.step("the CSV export downloads with a BOM and the tip in it", async () => {
    await page.goto("/dashboard/tips");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV 내려받기" }).click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^sodam-tips-${creator.handle}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    const bytes = await readFile((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.toString("utf8");
    expect(csv).toContain(tip.body.id);
    expect(csv).toContain(message);
    expect(csv).toContain("12000,KRW,settled");

    const response = await page.request.get("/dashboard/tips.csv");
    expect(response.headers()["content-type"]).toBe("text/csv; charset=utf-8");
    expect(response.headers()["content-disposition"]).toMatch(/^attachment; filename="sodam-tips-/);
  });

  await test.step("payouts need two-factor: the creator sets it up with an authenticator code", async () => {
    await page.goto("/dashboard/payouts");
    await expect(page.getByRole("status").filter({ hasText: "먼저 2단계 인증을 설정하세요" })).toBeVisible();
    await page.getByRole("button", { name: "지금 지급받기" }).click();
    await expect(page.getByRole("alert")).toHaveText(/먼저 2단계 인증을 설정하세요/);

    await page.getByRole("link", { name: "2단계 인증 설정하기" }).first().click();
    await expect(page).toHaveURL(/\/account\/security/);
    await page.getByRole("button", { name: "2단계 인증 설정하기" }).click();
    await expect(page.getByRole("img", { name: "2단계 인증 설정용 QR 코드" })).toBeVisible();
    const secret = (await page.getByTestId("totp-secret").textContent())!;
    await page.getByLabel("인증 코드").fill("000000");
    await page.getByRole("button", { name: "확인하고 켜기" }).click();
    await expect(page.locator("#enrol-code-error")).toHaveText(/코드가 맞지 않아요/);
    await page.getByLabel("인증 코드").fill(totp(secret));
    await page.getByRole("button", { name: "확인하고 켜기" }).click();
    await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
    await expect(page.locator("[data-two-factor]")).toHaveAttribute("data-two-factor", "on");
    await expectNoSeriousAxeViolations(page);
  });

  await test.step("pay me now reserves the available balance and the worker pays it", async () => {
    await page.goto("/dashboard/payouts");
    // 12,000 less the 5 % fee, once the release worker made it available.
    await expect(async () => {
      await page.reload();
      await expect(page.locator(".payout-now__amount")).toHaveText("₩11,400", { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    await page.getByRole("button", { name: "지금 지급받기" }).click();
    await expect(page).toHaveURL(/requested=/);
    await expect(page.getByRole("status").filter({ hasText: "₩11,400 지급을 요청했어요" })).toBeVisible();
    const payout = page.locator("tr[data-payout-id]");
    await expect(payout).toHaveCount(1);
    await expect(async () => {
      await page.reload();
      await expect(payout.locator(".status")).toHaveText("지급 완료", { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    await expect(page.locator(".payout-now__amount")).toHaveText("₩0");
    await shot(page, testInfo, "dashboard-payouts");

    // The statement: ₩11,400 to an individual in KRW withholds ₩340 income tax and ₩30 local income tax.
    await payout.getByRole("link", { name: "명세서" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("지급 명세서");
    await expect(page.locator('tr[data-row="gross"] td')).toHaveText("₩12,000");
    await expect(page.locator('tr[data-row="fee"] td')).toHaveText("− ₩600");
    await expect(page.locator('tr[data-row="incomeTax"] td')).toHaveText("− ₩340");
    await expect(page.locator('tr[data-row="localTax"] td')).toHaveText("− ₩30");
    await expect(page.locator('tr[data-row="net"] td')).toHaveText("₩11,030");
    await expect(page.locator(".statement__events li")).toHaveText([/지급 예약/, /송금 중/, /지급 완료/]);
    await expect(page.locator(".statement__tips tbody tr")).toHaveCount(1);
    await expectNoSeriousAxeViolations(page);
    await shot(page, testInfo, "dashboard-payout-statement");
    await page.goto("/dashboard/payouts");

    // Nothing left to pay: the 422 is shown on the page, not as an error page.
    await page.getByRole("button", { name: "지금 지급받기" }).click();
    await expect(page.getByRole("alert")).toHaveText(/최소 지급액보다 적어요/);

    const csv = await (await page.request.get("/dashboard/payouts.csv")).text();
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toMatch(/,11400,KRW,paid,/);

    await page.goto("/dashboard");
    await expect(page.locator('[data-balance="paidOut"] .balance__amount')).toHaveText("₩11,400");
  });
});

test("the tips table pages by 20 and keeps its filters across pages", async ({ page, baseURL }) => {
  const api = apiClient(baseURL!);
  const creator = await newCreatorSession(page, baseURL!);
  const fan = await api.signUp("Fan");
  await api.topUp(fan.token, 10_000);
  for (let n = 1; n <= 21; n++) {
    const answer = await api.tip(fan.token, { creator: creator.handle, amount: 100, currency: "KRW", message: `tip ${n}`, anonymous: n === 1 });
    expect(answer.status).toBe(201);
  }
  await page.goto("/dashboard/tips?purpose=tip");
  await expect(page.getByText("전체 21건 중 1–20")).toBeVisible();
  await expect(page.locator("tr[data-tip-id]")).toHaveCount(20);
  await page.getByRole("link", { name: "다음", exact: true }).click();
  await expect(page).toHaveURL(/purpose=tip&page=2/);
  await expect(page.getByText("전체 21건 중 21–21")).toBeVisible();
  // The oldest tip, sent anonymously, stays anonymous.
  const oldest = page.locator("tr[data-tip-id]");
  await expect(oldest).toHaveCount(1);
  await expect(oldest.locator(".tips-table__message")).toHaveText("tip 1");
  await expect(oldest.locator(".tips-table__supporter")).toHaveText("익명");
  await page.getByRole("link", { name: "이전", exact: true }).click();
  await expect(page.locator("tr[data-tip-id]")).toHaveCount(20);
});

test("the post editor publishes a paid post that appears on the creator's page, and edits it", async ({ page, baseURL }, testInfo) => {
  const creator = await newCreatorSession(page, baseURL!);
  const slug = unique("ep").toLowerCase().replace(/_/g, "-");
  await page.goto("/dashboard/posts");
  await expect(page.getByText("아직 유료 글이 없어요.", { exact: false })).toBeVisible();
  await page.getByRole("link", { name: "새 글 쓰기" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "새 유료 글" })).toBeVisible();

  await page.getByLabel("제목", { exact: true }).fill("달빛 편의점 외전");
  await page.getByLabel("주소", { exact: true }).fill(slug);
  await page.getByRole("radio", { name: "웹툰" }).check();
  await page.getByLabel("가격", { exact: true }).fill("50");
  await page.getByLabel("미리보기", { exact: true }).fill("편의점 점장의 과거 이야기.");
  await page.getByLabel("본문", { exact: true }).fill("외전 전체 컷 (30컷).");
  await page.getByRole("button", { name: "발행하기" }).click();
  // Below the wallet tip minimum: refused next to the price, the rest kept.
  await expect(page.locator("#field-price-error")).toHaveText(/₩100 이상이어야 해요/);
  await expect(page.getByLabel("제목", { exact: true })).toHaveValue("달빛 편의점 외전");
  await shot(page, testInfo, "post-editor-error");

  await page.getByLabel("가격", { exact: true }).fill("1,500");
  await page.getByRole("button", { name: "발행하기" }).click();
  await page.waitForURL(`**/dashboard/posts?saved=${slug}`);
  await expect(page.getByRole("status").filter({ hasText: "‘달빛 편의점 외전’을(를) 저장했어요." })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "달빛 편의점 외전" })).toBeVisible();

  await page.goto(`/@${creator.handle}/p/${slug}`);
  await expect(page.getByRole("heading", { level: 1, name: "달빛 편의점 외전" })).toBeVisible();
  await expect(page.getByText("편의점 점장의 과거 이야기.")).toBeVisible();

  await page.goto(`/dashboard/posts/${slug}`);
  await expect(page.getByLabel("가격", { exact: true })).toHaveValue("1500");
  await expect(page.getByLabel("본문", { exact: true })).toHaveValue("외전 전체 컷 (30컷).");
  await page.getByLabel("제목", { exact: true }).fill("달빛 편의점 외전 (개정판)");
  await page.getByRole("button", { name: "저장하기" }).click();
  await page.waitForURL(`**/dashboard/posts?saved=${slug}`);
  await expect(page.getByRole("heading", { level: 2, name: "달빛 편의점 외전 (개정판)" })).toBeVisible();

  // A second post may not take the same address.
  await page.goto("/dashboard/posts/new");
  await page.getByLabel("제목", { exact: true }).fill("중복");
  await page.getByLabel("주소", { exact: true }).fill(slug);
  await page.getByLabel("가격", { exact: true }).fill("300");
  await page.getByLabel("본문", { exact: true }).fill("중복 본문");
  await page.getByRole("button", { name: "발행하기" }).click();
  await expect(page.locator("#field-slug-error")).toHaveText(/이 주소를 쓰는 글이 이미 있어요/);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("settings and pay me now work as plain form posts", async ({ page, baseURL }) => {
    await newCreatorSession(page, baseURL!);
    await page.goto("/dashboard/settings");
    await page.getByLabel("목표 이름").fill("새 마이크");
    await page.getByLabel("목표 금액").fill("abc");
    await page.getByRole("button", { name: "목표 저장" }).click();
    await expect(page.locator("#field-goalAmount-error")).toHaveText(/금액을 숫자로 써 주세요/);
    await expect(page.getByLabel("목표 이름")).toHaveValue("새 마이크");

    await page.getByLabel("목표 금액").fill("300,000");
    await page.getByRole("button", { name: "목표 저장" }).click();
    await expect(page).toHaveURL(/saved=goal/);
    await expect(page.getByRole("status").filter({ hasText: "저장했어요." })).toBeVisible();
    await expect(page.getByLabel("목표 금액")).toHaveValue("300000");

    await page.getByLabel("소개").fill("<b>굵게</b> 안 돼요");
    await page.getByRole("button", { name: "프로필 저장" }).click();
    await expect(page).toHaveURL(/saved=profile/);
    await expect(page.getByLabel("소개")).toHaveValue("<b>굵게</b> 안 돼요");

    await page.goto("/dashboard");
    await expect(page.locator(".goal__title")).toHaveText("새 마이크");
    await expect(page.locator(".goal__text")).toContainText("₩300,000");

    // A new creator without two-factor is told to set it up first, on the page.
    await page.goto("/dashboard/payouts");
    await page.getByRole("button", { name: "지금 지급받기" }).click();
    await expect(page.getByRole("alert")).toHaveText(/먼저 2단계 인증을 설정하세요/);
  });
});

test.describe("axe", () => {
  // One sign-in for all the pages: each page is its own test, so a violation names its page.
  let cookies: Awaited<ReturnType<BrowserContext["cookies"]>>;
  test.beforeAll(async ({ browser, baseURL }) => {
    const context = await browser.newContext({ baseURL });
    await signIn(await context.newPage(), "jisoo_webtoon@sodam.test", DEMO_PASSWORD);
    cookies = await context.cookies();
    await context.close();
  });

  for (const path of [
    "/dashboard",
    "/dashboard/tips",
    "/dashboard/payouts",
    "/dashboard/posts",
    "/dashboard/posts/new",
    "/dashboard/posts/moonlight-store-ep-12",
    "/dashboard/settings",
    "/dashboard/developers",
  ]) {
    test(`${path} has no serious or critical axe violations`, async ({ page }, testInfo) => {
      await page.context().addCookies(cookies);
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expectNoSeriousAxeViolations(page);
      if (path === "/dashboard/settings") await shot(page, testInfo, "dashboard-settings");
    });
  }
});
