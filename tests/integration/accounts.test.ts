// Accounts through the real web server: two-factor enrolment and sign-in (codes work once; recovery codes once),
// tokens with a code, payouts only with two-factor proved, password reset tokens single-use and expiring (mail in
// the development outbox), signing out everywhere, repeated wrong passwords answered 429, and cross-origin posts refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totp } from "../../app/utils/totp.server";
import { apiClient } from "../support/api-client";
import { useTestDatabase } from "../support/database";
import { startWeb } from "../support/processes";
import { webSession } from "../support/web-session";

const t = await useTestDatabase();
let web: Awaited<ReturnType<typeof startWeb>>;
let limited: Awaited<ReturnType<typeof startWeb>>;
let api: ReturnType<typeof apiClient>;
const PASSWORD = "correct horse battery";

beforeAll(async () => {
  [web, limited] = await Promise.all([startWeb(t.env), startWeb({ ...t.env, RATE_LIMIT_SIGNINS_PER_15_MINUTES: "3" })]);
  api = apiClient(web.url);
});
afterAll(async () => {
  await Promise.all([web?.stop(), limited?.stop()]);
});

/** A code for the next 30-second step: the enrolment just used the current one, and a step works once. */
const nextCode = (secret: string) => totp(secret, Date.now() + 30_000);

describe("two-factor authentication", () => {
  it("asks for a code at sign-in; a code works once, a recovery code works once", async () => {
    const fan = await api.signUp("Careful");
    const { secret, recoveryCodes } = await api.enableTwoFactor(fan.token);
    expect(recoveryCodes).toHaveLength(10);
    const stored = await t.db.selectFrom("users").select(["totp_secret", "totp_enabled_at"]).where("id", "=", fan.id).executeTakeFirstOrThrow();
    // The secret is kept encrypted.
    expect(stored.totp_secret).toMatch(/^v1\./);
    expect(stored.totp_secret).not.toContain(secret);
    const hashes = await t.db.selectFrom("recovery_codes").select("code_hash").where("user_id", "=", fan.id).execute();
    expect(hashes.map((h) => h.code_hash)).not.toContain(recoveryCodes[0]);

    const browser = webSession(web.url);
    const password = await browser.signIn(fan.email, PASSWORD, "/wallet");
    expect(password).toMatchObject({ status: 302, location: "/login/two-factor" });
    expect(browser.hasSession()).toBe(false);
    expect((await browser.get("/wallet")).location).toMatch(/^\/login/);
    expect((await browser.post("/login/two-factor", { code: "000000" })).status).toBe(401);
    const code = nextCode(secret);
    const signedIn = await browser.post("/login/two-factor", { code });
    expect(signedIn).toMatchObject({ status: 302, location: "/wallet" });
    expect(browser.hasSession()).toBe(true);
    expect((await browser.get("/wallet")).status).toBe(200);
    const session = await t.db.selectFrom("sessions").select("second_factor").where("user_id", "=", fan.id).executeTakeFirstOrThrow();
    expect(session.second_factor).toBe(true);

    // The same code again (another sign-in) is refused: its step was used.
    const replay = webSession(web.url);
    await replay.signIn(fan.email, PASSWORD);
    expect((await replay.post("/login/two-factor", { code })).status).toBe(401);
    // A recovery code works, once.
    expect(await replay.post("/login/two-factor", { code: recoveryCodes[0].toUpperCase() })).toMatchObject({ status: 302, location: "/" });
    const again = webSession(web.url);
    await again.signIn(fan.email, PASSWORD);
    expect((await again.post("/login/two-factor", { code: recoveryCodes[0] })).status).toBe(401);
    // Without the password step there is nothing to answer: back to sign-in, and the recovery code is not spent.
    expect(await webSession(web.url).post("/login/two-factor", { code: recoveryCodes[1] })).toMatchObject({ status: 302, location: "/login" });
    const unspent = webSession(web.url);
    await unspent.signIn(fan.email, PASSWORD);
    expect((await unspent.post("/login/two-factor", { code: recoveryCodes[1] })).status).toBe(302);
    expect(await webSession(web.url).get("/login/two-factor")).toMatchObject({ status: 302, location: "/login" });
  });

  it("needs the code to make an API token when two-factor is on", async () => {
    const fan = await api.signUp("Scripted");
    const { recoveryCodes } = await api.enableTwoFactor(fan.token);
    const token = (body: Record<string, unknown>) => api.request("POST", "/api/v1/auth/token", { body: { email: fan.email, password: PASSWORD, ...body } });
    expect(await token({})).toMatchObject({ status: 401, body: { code: "otp_required" } });
    expect(await token({ otp: "123456" })).toMatchObject({ status: 401, body: { code: "invalid_otp" } });
    const made = await token({ otp: recoveryCodes[2] });
    expect(made.status).toBe(201);
    expect((await api.request("GET", "/api/v1/me/two-factor", { token: made.body.token })).body).toMatchObject({ enabled: true, tokenVerified: true, recoveryCodesLeft: 9 });
  });

  it("lets a creator request a payout only with two-factor on and proved by the token", async () => {
    const plain = await api.newCreator();
    expect(await api.request("POST", "/api/v1/me/payouts", { token: plain.token })).toMatchObject({ status: 403, body: { code: "two_factor_setup_required" } });
    expect(await api.request("POST", "/api/v1/me/connect/onboarding", { token: plain.token })).toMatchObject({ status: 403, body: { code: "two_factor_setup_required" } });

    const creator = await api.newCreator();
    const before = (await api.request("POST", "/api/v1/auth/token", { body: { email: creator.email, password: PASSWORD } })).body.token as string;
    const { recoveryCodes } = await api.enableTwoFactor(creator.token);
    // The token that confirmed enrolment proved the factor: past the guard, refused only for want of money.
    expect(await api.request("POST", "/api/v1/me/payouts", { token: creator.token })).toMatchObject({ status: 422, body: { code: "below_payout_minimum" } });
    // A token made before two-factor was on did not; one made with a code did.
    expect(await api.request("POST", "/api/v1/me/payouts", { token: before })).toMatchObject({ status: 403, body: { code: "two_factor_required" } });
    const withCode = (await api.request("POST", "/api/v1/auth/token", { body: { email: creator.email, password: PASSWORD, otp: recoveryCodes[0] } })).body.token;
    expect(await api.request("POST", "/api/v1/me/payouts", { token: withCode })).toMatchObject({ status: 422 });

    // On the web: a session signed in with the code may change payout settings; the page says so otherwise.
    const browser = webSession(web.url);
    await browser.signIn(plain.email, PASSWORD);
    const refused = await browser.post("/dashboard/settings", { intent: "payouts", payoutSchedule: "monthly", payoutMinimum: "20000" });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("먼저 2단계 인증을 설정하세요");
  });

  it("turns off only with a current code, and then payouts need it set up again", async () => {
    const creator = await api.newCreator("KRW", { twoFactor: true });
    const browser = webSession(web.url);
    await browser.signIn(creator.email, PASSWORD, "/account/security");
    expect((await browser.post("/login/two-factor", { code: creator.recoveryCodes[0] })).status).toBe(302);
    expect((await browser.post("/account/security", { intent: "disable", code: "000000" })).status).toBe(422);
    expect(await browser.post("/account/security", { intent: "disable", code: creator.recoveryCodes[1] })).toMatchObject({ status: 302 });
    expect(await api.request("POST", "/api/v1/me/payouts", { token: creator.token })).toMatchObject({ status: 403, body: { code: "two_factor_setup_required" } });
  });
});

describe("password reset", () => {
  async function requestReset(email: string, typed = email) {
    const before = await t.db.selectFrom("dev_mail").select("id").where("to_address", "=", email).execute();
    expect(await webSession(web.url).post("/forgot-password", { email: typed })).toMatchObject({ status: 302, location: "/forgot-password?sent=1" });
    const mail = await t.db.selectFrom("dev_mail").selectAll().where("to_address", "=", email).orderBy("id", "desc").execute();
    expect(mail.length).toBe(before.length + 1);
    const link = /https?:\/\/\S+\/reset-password\?token=([\w-]+)/.exec(mail[0].body);
    expect(link).not.toBeNull();
    return link![1];
  }

  it("mails a single-use link (to the development outbox), ends every session and revokes tokens", async () => {
    const fan = await api.signUp("Forgetful");
    const browser = webSession(web.url);
    await browser.signIn(fan.email, PASSWORD);
    expect(browser.hasSession()).toBe(true);

    const token = await requestReset(fan.email, fan.email.toUpperCase());
    // Only the token's hash is stored.
    const rows = await t.db.selectFrom("password_resets").select("id").where("user_id", "=", fan.id).execute();
    expect(rows.map((r) => r.id)).not.toContain(token);
    const outbox = await webSession(web.url).get("/dev/outbox");
    expect(outbox.status).toBe(200);
    expect(outbox.text).toContain(`reset-password?token=${token}`);

    const form = await webSession(web.url).get(`/reset-password?token=${token}`);
    expect(form.text).toContain('name="password"');
    expect(await webSession(web.url).post("/reset-password", { token, password: "a new long password" })).toMatchObject({ status: 302, location: "/reset-password?done=1" });

    // Signed out everywhere, old token revoked, old password gone, new one works.
    expect((await browser.get("/wallet")).location).toMatch(/^\/login/);
    expect((await api.request("GET", "/api/v1/me/wallet", { token: fan.token })).status).toBe(401);
    expect((await webSession(web.url).signIn(fan.email, PASSWORD)).status).toBe(401);
    expect((await webSession(web.url).signIn(fan.email, "a new long password")).status).toBe(302);

    // The link works once.
    expect((await webSession(web.url).post("/reset-password", { token, password: "yet another password" })).status).toBe(400);
    expect((await webSession(web.url).get(`/reset-password?token=${token}`)).text).not.toContain('name="password"');
  });

  it("refuses an expired link, and answers an unknown email the same way without mail", async () => {
    const fan = await api.signUp("Late");
    const token = await requestReset(fan.email);
    await t.db.updateTable("password_resets").set({ expires_at: new Date(Date.now() - 1000) }).where("user_id", "=", fan.id).execute();
    expect((await webSession(web.url).post("/reset-password", { token, password: "a new long password" })).status).toBe(400);
    expect((await webSession(web.url).signIn(fan.email, PASSWORD)).status).toBe(302);

    const nobody = `nobody-${Date.now()}@example.test`;
    expect(await webSession(web.url).post("/forgot-password", { email: nobody })).toMatchObject({ status: 302, location: "/forgot-password?sent=1" });
    expect(await t.db.selectFrom("dev_mail").select("id").where("to_address", "=", nobody).execute()).toEqual([]);
  });
});

describe("sessions and web protections", () => {
  it("signs out everywhere", async () => {
    const fan = await api.signUp("Travelling");
    const laptop = webSession(web.url);
    const phone = webSession(web.url);
    await laptop.signIn(fan.email, PASSWORD);
    await phone.signIn(fan.email, PASSWORD);
    expect((await phone.get("/account/security")).status).toBe(200);
    expect(await laptop.post("/logout", { intent: "everywhere" })).toMatchObject({ status: 302, location: "/" });
    expect((await phone.get("/account/security")).location).toMatch(/^\/login/);
    expect(await t.db.selectFrom("sessions").select("id").where("user_id", "=", fan.id).execute()).toEqual([]);
  });

  it("answers repeated wrong passwords on the sign-in page with 429 and Retry-After", async () => {
    const fan = await apiClient(limited.url).signUp("Guessed");
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await webSession(limited.url).signIn(fan.email, `wrong password ${i}`));
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 429]);
    expect(Number(answers[3].headers.get("Retry-After"))).toBeGreaterThan(0);
  });

  it("refuses a cross-origin POST before it reaches a route", async () => {
    const fan = await api.signUp("Targeted");
    const browser = webSession(web.url);
    await browser.signIn(fan.email, PASSWORD);
    const forged = await browser.post("/logout", { intent: "everywhere" }, { Origin: "https://evil.example" });
    expect(forged.status).toBe(403);
    expect(JSON.parse(forged.text)).toMatchObject({ code: "cross_origin_refused" });
    const noOrigin = await browser.post("/logout", { intent: "everywhere" }, { "Sec-Fetch-Site": "cross-site" });
    expect(noOrigin.status).toBe(403);
    // Still signed in: nothing happened.
    expect((await browser.get("/account/security")).status).toBe(200);
    expect(await t.db.selectFrom("sessions").select("id").where("user_id", "=", fan.id).execute()).toHaveLength(1);
  });
});
