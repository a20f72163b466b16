// Fraud rules through the real web server and workers: each rule fires on its case over HTTP and is stored with
// its reasons; a blocked tip writes nothing; a held tip is not settled until an admin approves it in the review
// queue (and is settled after); card testing blocks the fan and the address; with Redis away tips still go through.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "../support/api-client";
import { useTestDatabase } from "../support/database";
import { startWeb, startWorkers, waitFor, type RunningProcess } from "../support/processes";
import { deleteRedisPrefix } from "../support/redis";
import { webSession } from "../support/web-session";

const t = await useTestDatabase();
let web: Awaited<ReturnType<typeof startWeb>>;
let withoutRedis: Awaited<ReturnType<typeof startWeb>>;
let cardLimited: Awaited<ReturnType<typeof startWeb>>;
let workers: RunningProcess;
let api: ReturnType<typeof apiClient>;

const rules = {
  RISK_FAN_TIPS_PER_HOUR: "3",
  RISK_IP_TIPS_PER_HOUR: "4",
  RISK_DECLINES_BEFORE_BLOCK: "3",
  RISK_BLOCK_MINUTES: "30",
};

beforeAll(async () => {
  const env = { ...t.env, ...rules, SETTLEMENT_INTERVAL_MS: "300" };
  // Every fan here tops up with the same test card; the per-card count is checked on a server of its own.
  [web, withoutRedis, cardLimited] = await Promise.all([
    startWeb(env),
    startWeb({ ...env, REDIS_URL: "redis://127.0.0.1:1" }),
    startWeb({ ...env, RISK_CARD_PAYMENTS_PER_HOUR: "3", REDIS_PREFIX: `${t.redisPrefix}-cards` }),
  ]);
  workers = startWorkers(env);
  api = apiClient(web.url);
});
afterAll(async () => {
  await Promise.all([web?.stop(), withoutRedis?.stop(), cardLimited?.stop(), workers?.stop()]);
  await deleteRedisPrefix(`${t.redisPrefix}-cards`);
});

/** Each case tips from its own address (the web server trusts X-Forwarded-For from loopback only). */
let nextAddress = 10;
const fromNewAddress = () => ({ "X-Forwarded-For": `198.51.100.${nextAddress++}` });

function tipFrom(address: Record<string, string>, token: string, body: Record<string, unknown>, baseUrl = web.url) {
  return apiClient(baseUrl).request("POST", "/api/v1/tips", { token, body, headers: { ...address, "Idempotency-Key": randomUUID() } });
}

const decisionsOf = (userId: number) =>
  t.db.selectFrom("risk_decisions").selectAll().where("user_id", "=", userId).orderBy("id").execute();
const tipRow = (id: string) => t.db.selectFrom("tips").select(["status", "settlement_id"]).where("id", "=", id).executeTakeFirstOrThrow();

async function makeAdmin() {
  const admin = await api.signUp("Admin");
  await t.db.updateTable("users").set({ role: "admin" }).where("id", "=", admin.id).execute();
  const session = webSession(web.url);
  expect((await session.signIn(admin.email, "correct horse battery")).status).toBe(302);
  return { ...admin, session };
}

/** Accounts the new-account rule no longer sees as new. */
const ageAccount = (userId: number) => t.db.updateTable("users").set({ created_at: new Date(Date.now() - 30 * 86_400_000) }).where("id", "=", userId).execute();

describe("fraud rules over HTTP", () => {
  it("allows an ordinary tip and stores the decision without reasons", async () => {
    const fan = await api.signUp("Ordinary");
    const creator = await api.newCreator();
    await api.topUp(fan.token, 10_000);
    const answer = await tipFrom(fromNewAddress(), fan.token, { creator: creator.handle, amount: 3_000, currency: "KRW" });
    expect(answer).toMatchObject({ status: 201, body: { status: "pending" } });
    const decisions = await decisionsOf(fan.id);
    expect(decisions.map((d) => [d.action, d.outcome, d.reasons, d.tip_id])).toContainEqual(["wallet_tip", "allow", [], answer.body.id]);
  });

  it("blocks a creator tipping their own page with 403 tip_blocked: no tip, no ledger entry, one decision", async () => {
    const creator = await api.newCreator();
    await api.topUp(creator.token, 10_000);
    const answer = await tipFrom(fromNewAddress(), creator.token, { creator: creator.handle, amount: 1_000, currency: "KRW" });
    expect(answer).toMatchObject({ status: 403, body: { code: "tip_blocked" } });
    expect(await t.db.selectFrom("tips").select("id").where("fan_id", "=", creator.id).execute()).toEqual([]);
    // The wallet was not debited: no ledger move happened.
    expect((await api.request("GET", "/api/v1/me/wallet", { token: creator.token })).body.balances[0].balance).toBe(10_000);
    const decisions = await decisionsOf(creator.id);
    expect(decisions.filter((d) => d.action === "wallet_tip")).toMatchObject([{ outcome: "block", reasons: ["self_tip"], tip_id: null }]);
  });

  it("holds the tip over a fan's hourly count and the tip over an address's, with their reasons", async () => {
    const fan = await api.signUp("Eager");
    await ageAccount(fan.id);
    const creator = await api.newCreator();
    await api.topUp(fan.token, 10_000);
    const address = fromNewAddress();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await tipFrom(address, fan.token, { creator: creator.handle, amount: 500, currency: "KRW" })).body.status);
    expect(statuses).toEqual(["pending", "pending", "pending", "held"]);
    expect((await decisionsOf(fan.id)).filter((d) => d.action === "wallet_tip").map((d) => d.reasons)).toEqual([[], [], [], ["fan_velocity"]]);

    // Four more fans from one address: the fifth tip from it is over the address's count.
    const shared = fromNewAddress();
    const answers = [];
    for (let i = 0; i < 5; i++) {
      const other = await api.signUp("Neighbour");
      await ageAccount(other.id);
      await api.topUp(other.token, 1_000);
      answers.push(await tipFrom(shared, other.token, { creator: creator.handle, amount: 500, currency: "KRW" }));
    }
    expect(answers.map((a) => a.body.status)).toEqual(["pending", "pending", "pending", "pending", "held"]);
    const last = await t.db.selectFrom("risk_decisions").select("reasons").where("tip_id", "=", answers[4].body.id).executeTakeFirstOrThrow();
    expect(last.reasons).toEqual(["ip_velocity"]);
  });

  it("holds a card's fourth payment in an hour", async () => {
    const creator = await api.newCreator();
    const address = fromNewAddress();
    const card = "pm_card_mastercard";
    const locations = [];
    for (let i = 0; i < 4; i++) {
      const guest = webSession(cardLimited.url);
      const answer = await guest.post(`/@${creator.handle}`, { intent: "tip", method: "card", amount: "1000", card, idempotencyKey: randomUUID() }, address);
      expect(answer.status).toBe(302);
      locations.push(answer.location!);
    }
    const ids = locations.map((l) => l.replace(/^.*\/tips\//, ""));
    const statuses = await Promise.all(ids.map(async (id) => (await tipRow(id)).status));
    expect(statuses.slice(0, 3).every((s) => s === "pending" || s === "settled")).toBe(true);
    expect(statuses[3]).toBe("held");
    const decision = await t.db.selectFrom("risk_decisions").selectAll().where("tip_id", "=", ids[3]).executeTakeFirstOrThrow();
    expect(decision).toMatchObject({ action: "card_tip", outcome: "hold", reasons: ["card_velocity"], user_id: null });
    // The card is kept only as a keyed fingerprint.
    expect(decision.card_fingerprint).toMatch(/^[0-9a-f]{24}$/);
  });

  it("does not settle a held tip until an admin approves it in the review queue, then settles it; both actions are audited", async () => {
    const fan = await api.signUp("Generous"); // made just now: a new account
    const creator = await api.newCreator();
    await api.topUp(fan.token, 400_000);
    const held = await tipFrom(fromNewAddress(), fan.token, { creator: creator.handle, amount: 150_000, currency: "KRW", message: "큰 응원" });
    expect(held).toMatchObject({ status: 201, body: { status: "held" } });
    const ordinary = await tipFrom(fromNewAddress(), fan.token, { creator: creator.handle, amount: 1_000, currency: "KRW" });
    expect(ordinary.body.status).toBe("pending");
    // The workers settle the ordinary tip every 300 ms; the held one stays out of every run.
    await waitFor(async () => (await tipRow(ordinary.body.id)).status === "settled", 20_000, "the ordinary tip to settle");
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await tipRow(held.body.id)).toEqual({ status: "held", settlement_id: null });
    // Nor is it announced: no live alert or tip.created event for the creator's overlay and tools yet.
    const announced = async () =>
      (await t.db.selectFrom("outbox").select("id").where("topic", "=", "tip.created").where(sql<string>`payload->>'tipId'`, "=", held.body.id).execute()).length;
    expect(await announced()).toBe(0);

    const admin = await makeAdmin();
    const queue = await admin.session.get("/admin/review");
    expect(queue.status).toBe(200);
    expect(queue.text).toContain(held.body.id);
    expect(queue.text).toContain('data-reason="new_account_amount"');

    // A fan cannot approve.
    const fanSession = webSession(web.url);
    await fanSession.signIn(fan.email, "correct horse battery");
    expect((await fanSession.post("/admin/review", { intent: "approve", tipId: held.body.id })).status).toBe(403);
    expect((await tipRow(held.body.id)).status).toBe("held");

    const approved = await admin.session.post("/admin/review", { intent: "approve", tipId: held.body.id });
    expect(approved).toMatchObject({ status: 302, location: "/admin/review?done=approved" });
    await waitFor(async () => (await tipRow(held.body.id)).status === "settled", 20_000, "the approved tip to settle");
    expect(await announced()).toBe(1);
    // Approving twice is refused: it is no longer held.
    expect((await admin.session.post("/admin/review", { intent: "approve", tipId: held.body.id })).status).toBe(409);

    // Refund from the queue: another held tip goes back to the wallet.
    const second = await tipFrom(fromNewAddress(), fan.token, { creator: creator.handle, amount: 50_000, currency: "KRW" });
    expect(second.body.status).toBe("pending"); // ₩50,000 is under the new-account amount
    const third = await tipFrom(fromNewAddress(), fan.token, { creator: creator.handle, amount: 100_000, currency: "KRW" });
    expect(third.body.status).toBe("held");
    const balanceBefore = (await api.request("GET", "/api/v1/me/wallet", { token: fan.token })).body.balances[0].balance;
    expect(await admin.session.post("/admin/review", { intent: "refund", tipId: third.body.id })).toMatchObject({ status: 302 });
    expect((await tipRow(third.body.id)).status).toBe("refunded");
    expect((await api.request("GET", "/api/v1/me/wallet", { token: fan.token })).body.balances[0].balance).toBe(balanceBefore + 100_000);

    const audit = await admin.session.get("/admin/audit");
    expect(audit.status).toBe(200);
    const rows = await t.db.selectFrom("admin_actions").selectAll().where("admin_id", "=", admin.id).orderBy("id").execute();
    expect(rows.map((r) => [r.action, r.tip_id, r.amount, r.outcome])).toEqual([
      ["approve_tip", held.body.id, 150_000, "approved"],
      ["refund_tip", third.body.id, 100_000, "refunded"],
    ]);
    expect(audit.text).toContain(`data-tip-id="${held.body.id}"`);
    // The audit log cannot be edited.
    await expect(t.db.deleteFrom("admin_actions").where("admin_id", "=", admin.id).execute()).rejects.toThrow(/append-only/);
  });

  it("records the admin refund API in the audit log", async () => {
    const fan = await api.signUp("Refunded");
    const creator = await api.newCreator();
    await api.topUp(fan.token, 5_000);
    const tip = await tipFrom(fromNewAddress(), fan.token, { creator: creator.handle, amount: 2_000, currency: "KRW" });
    const admin = await makeAdmin();
    const refund = await api.request("POST", `/api/v1/admin/tips/${tip.body.id}/refund`, { token: admin.token });
    expect(refund).toMatchObject({ status: 200, body: { alreadyRefunded: false } });
    await api.request("POST", `/api/v1/admin/tips/${tip.body.id}/refund`, { token: admin.token });
    const rows = await t.db.selectFrom("admin_actions").select(["action", "outcome"]).where("tip_id", "=", tip.body.id).orderBy("id").execute();
    expect(rows).toEqual([
      { action: "refund_tip", outcome: "refunded" },
      { action: "refund_tip", outcome: "already_refunded" },
    ]);
  });

  it("with Redis away still accepts tips (velocity unknown, decision stored), and still blocks self-tipping", async () => {
    const fan = await api.signUp("Calm");
    const creator = await api.newCreator();
    await api.topUp(fan.token, 10_000);
    const address = fromNewAddress();
    const answers = [];
    // Over the fan's hourly count — but the count cannot be read, so nothing is held.
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      answers.push(await tipFrom(address, fan.token, { creator: creator.handle, amount: 500, currency: "KRW" }, withoutRedis.url));
      // Redis away costs no more than the rate limiter's own fast failure.
      expect(Date.now() - started).toBeLessThan(5_000);
    }
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(answers.map((a) => a.body.status)).toEqual(["pending", "pending", "pending", "pending", "pending"]);
    expect((await decisionsOf(fan.id)).filter((d) => d.action === "wallet_tip").map((d) => d.outcome)).toEqual(["allow", "allow", "allow", "allow", "allow"]);
    const self = await tipFrom(address, creator.token, { creator: creator.handle, amount: 500, currency: "KRW" }, withoutRedis.url);
    expect(self.status).toBe(403);
  });

  it("blocks the fan and the address after small declined top-ups (card testing), with a TTL, and keeps the block with Redis away", async () => {
    const fan = await api.signUp("Tester");
    const creator = await api.newCreator();
    const address = fromNewAddress();
    const topUp = (card: string, baseUrl = web.url) =>
      apiClient(baseUrl).request("POST", "/api/v1/me/wallet/topups", { token: fan.token, body: { amount: 5_000, currency: "KRW", card }, headers: { ...address, "Idempotency-Key": randomUUID() } });
    const declined = [];
    for (let i = 0; i < 3; i++) declined.push((await topUp("4000000000000002")).status);
    expect(declined).toEqual([402, 402, 402]);
    // Blocked now, even with a good card; no charge is attempted.
    const charges = await t.db.selectFrom("payments").select("id").where("user_id", "=", fan.id).execute();
    const refused = await topUp("4242424242424242");
    expect(refused).toMatchObject({ status: 403, body: { code: "topup_blocked" } });
    expect(await t.db.selectFrom("payments").select("id").where("user_id", "=", fan.id).execute()).toHaveLength(charges.length);
    // Tips from the fan, and anyone's from that address, are blocked too.
    expect((await tipFrom(address, fan.token, { creator: creator.handle, amount: 100, currency: "KRW" })).body.code).toBe("tip_blocked");
    const neighbour = await api.signUp("Neighbour");
    await api.topUp(neighbour.token, 1_000);
    expect((await tipFrom(address, neighbour.token, { creator: creator.handle, amount: 100, currency: "KRW" })).status).toBe(403);
    // From elsewhere the neighbour is fine.
    expect((await tipFrom(fromNewAddress(), neighbour.token, { creator: creator.handle, amount: 100, currency: "KRW" })).status).toBe(201);

    const blocks = (await decisionsOf(fan.id)).filter((d) => d.outcome === "block");
    expect(blocks[0]).toMatchObject({ action: "topup", reasons: ["card_testing"], ip: address["X-Forwarded-For"] });
    expect(blocks.slice(1).every((d) => d.reasons.includes("blocked_for_card_testing"))).toBe(true);

    const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
    try {
      const ttl = await redis.ttl(`${t.redisPrefix}:risk:block:fan:${fan.id}`);
      expect(ttl).toBeGreaterThan(29 * 60);
      expect(ttl).toBeLessThanOrEqual(30 * 60);
      expect(await redis.ttl(`${t.redisPrefix}:risk:block:ip:${address["X-Forwarded-For"]}`)).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }

    // Redis away: the block is found in the decision rows.
    expect((await topUp("4242424242424242", withoutRedis.url)).status).toBe(403);
  });
});
