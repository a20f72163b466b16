// Wallet tips through the real web server (HTTP), on a real Postgres and Redis.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "../support/api-client";
import { useTestDatabase } from "../support/database";
import { startWeb } from "../support/processes";

const t = await useTestDatabase();
let web: Awaited<ReturnType<typeof startWeb>>;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  web = await startWeb(t.env);
  api = apiClient(web.url);
});
afterAll(async () => {
  await web?.stop();
});

async function countRows() {
  const count = async (table: "tips" | "ledger_transactions" | "ledger_entries" | "payments" | "outbox" | "idempotency_keys") =>
    Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
  return {
    tips: await count("tips"),
    transactions: await count("ledger_transactions"),
    entries: await count("ledger_entries"),
    payments: await count("payments"),
    outbox: await count("outbox"),
  };
}

async function walletBalance(token: string, currency = "KRW") {
  const answer = await api.request("GET", "/api/v1/me/wallet", { token });
  return (answer.body.balances as { currency: string; balance: number }[]).find((b) => b.currency === currency)?.balance ?? 0;
}

describe("wallet tips", () => {
  it("lets exactly 50 of 100 concurrent ₩1,000 tips through a ₩50,000 wallet and ends at zero", async () => {
    const fan = await api.signUp("Racer");
    const creator = await api.newCreator();
    await api.topUp(fan.token, 50_000);
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => api.tip(fan.token, { creator: creator.handle, amount: 1_000, currency: "KRW" })),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(50);
    expect(statuses.filter((s) => s === 402)).toHaveLength(50);
    expect(answers.find((a) => a.status === 402)!.body.code).toBe("insufficient_funds");
    expect(await walletBalance(fan.token)).toBe(0);
    const tips = await t.db.selectFrom("tips").select("id").where("fan_id", "=", fan.id).execute();
    expect(tips).toHaveLength(50);
  });

  it("answers 100 concurrent requests with one Idempotency-Key with one tip and identical answers", async () => {
    const fan = await api.signUp("Retrier");
    const creator = await api.newCreator();
    await api.topUp(fan.token, 10_000);
    const key = randomUUID();
    const body = { creator: creator.handle, amount: 1_000, currency: "KRW", message: "한 번만!" };
    const answers = await Promise.all(Array.from({ length: 100 }, () => api.tip(fan.token, body, key)));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([201]));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(answers.filter((a) => a.headers.get("Idempotent-Replayed") === "true")).toHaveLength(99);
    expect(await walletBalance(fan.token)).toBe(9_000);
    const tips = await t.db.selectFrom("tips").select("id").where("fan_id", "=", fan.id).execute();
    expect(tips.map((x) => x.id)).toEqual([answers[0].body.id]);
  });

  it("replays a stored 402 for the same key and refuses the key with another body (409)", async () => {
    const fan = await api.signUp("Broke");
    const creator = await api.newCreator();
    const key = randomUUID();
    const first = await api.tip(fan.token, { creator: creator.handle, amount: 1_000, currency: "KRW" }, key);
    expect(first.status).toBe(402);
    await api.topUp(fan.token, 5_000);
    const again = await api.tip(fan.token, { creator: creator.handle, amount: 1_000, currency: "KRW" }, key);
    expect(again.status).toBe(402);
    expect(again.body).toEqual(first.body);
    const other = await api.tip(fan.token, { creator: creator.handle, amount: 2_000, currency: "KRW" }, key);
    expect(other.status).toBe(409);
    expect(other.body.code).toBe("idempotency_key_reused");
    expect(await walletBalance(fan.token)).toBe(5_000);
  });

  it("returns the tip with its fields and lists it in the fan's history", async () => {
    const fan = await api.signUp("Historian");
    const creator = await api.newCreator();
    await api.topUp(fan.token, 3_000);
    const created = await api.tip(fan.token, { creator: `@${creator.handle}`, amount: 1_500, currency: "KRW", message: " 응원해요 ", anonymous: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: "pending", creator: creator.handle, amount: 1_500, currency: "KRW", message: "응원해요", anonymous: true });
    const second = await api.tip(fan.token, { creator: creator.handle, amount: 100, currency: "KRW" });
    expect(second.status).toBe(201);
    const page1 = await api.request("GET", "/api/v1/me/tips?limit=1", { token: fan.token });
    expect(page1.status).toBe(200);
    expect(page1.body.tips.map((x: { id: string }) => x.id)).toEqual([second.body.id]);
    expect(page1.body.hasMore).toBe(true);
    const page2 = await api.request("GET", page1.body.next, { token: fan.token });
    expect(page2.body.tips.map((x: { id: string }) => x.id)).toEqual([created.body.id]);
    expect(page2.body.hasMore).toBe(false);
  });
});

describe("bad input gets its 4xx and writes nothing", () => {
  let fan: Awaited<ReturnType<typeof api.signUp>>;
  let krw: Awaited<ReturnType<typeof api.newCreator>>;
  let usd: Awaited<ReturnType<typeof api.newCreator>>;
  beforeAll(async () => {
    fan = await api.signUp("Fuzzy");
    krw = await api.newCreator("KRW");
    usd = await api.newCreator("USD");
    await api.topUp(fan.token, 100_000);
  });

  const cases: { name: string; body: () => unknown; status: number; code: string; raw?: string; headers?: Record<string, string> }[] = [
    { name: "amount not an integer", body: () => ({ creator: krw.handle, amount: 1000.5, currency: "KRW" }), status: 422, code: "validation_failed" },
    { name: "amount as a string", body: () => ({ creator: krw.handle, amount: "1000", currency: "KRW" }), status: 422, code: "validation_failed" },
    { name: "amount negative", body: () => ({ creator: krw.handle, amount: -1000, currency: "KRW" }), status: 422, code: "validation_failed" },
    { name: "amount zero", body: () => ({ creator: krw.handle, amount: 0, currency: "KRW" }), status: 422, code: "validation_failed" },
    { name: "amount unsafe", body: () => ({ creator: krw.handle, amount: 2 ** 60, currency: "KRW" }), status: 422, code: "validation_failed" },
    { name: "below ₩100", body: () => ({ creator: krw.handle, amount: 99, currency: "KRW" }), status: 422, code: "amount_too_small" },
    { name: "below $0.10", body: () => ({ creator: usd.handle, amount: 9, currency: "USD" }), status: 422, code: "amount_too_small" },
    { name: "above the maximum", body: () => ({ creator: krw.handle, amount: 1_000_001, currency: "KRW" }), status: 422, code: "amount_too_large" },
    { name: "wrong currency for the creator", body: () => ({ creator: krw.handle, amount: 1000, currency: "USD" }), status: 422, code: "currency_mismatch" },
    { name: "unknown currency", body: () => ({ creator: krw.handle, amount: 1000, currency: "JPY" }), status: 422, code: "validation_failed" },
    { name: "message over 200 characters", body: () => ({ creator: krw.handle, amount: 1000, currency: "KRW", message: "가".repeat(201) }), status: 422, code: "message_too_long" },
    { name: "message with a NUL byte", body: () => ({ creator: krw.handle, amount: 1000, currency: "KRW", message: "a\u0000b" }), status: 422, code: "validation_failed" },
    { name: "unknown field", body: () => ({ creator: krw.handle, amount: 1000, currency: "KRW", tip: 1 }), status: 422, code: "validation_failed" },
    { name: "unknown creator", body: () => ({ creator: "nobody_here", amount: 1000, currency: "KRW" }), status: 404, code: "creator_not_found" },
    { name: "malformed JSON", body: () => undefined, raw: "{not json", status: 400, code: "invalid_json" },
    { name: "JSON array body", body: () => undefined, raw: "[1,2]", status: 422, code: "validation_failed" },
    { name: "no Idempotency-Key", body: () => ({ creator: krw.handle, amount: 1000, currency: "KRW" }), headers: { "Idempotency-Key": "" }, status: 400, code: "idempotency_key_required" },
    { name: "Idempotency-Key of 10 KB", body: () => ({ creator: krw.handle, amount: 1000, currency: "KRW" }), headers: { "Idempotency-Key": "k".repeat(10_000) }, status: 400, code: "idempotency_key_invalid" },
    { name: "form-encoded body", body: () => undefined, raw: "amount=1000", headers: { "Content-Type": "application/x-www-form-urlencoded" }, status: 415, code: "unsupported_media_type" },
    { name: "body over 64 KB", body: () => ({ creator: krw.handle, amount: 1000, currency: "KRW", message: "x".repeat(70_000) }), status: 413, code: "body_too_large" },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.status} ${c.code}`, async () => {
      const before = await countRows();
      const body = c.body();
      const answer = await api.request("POST", "/api/v1/tips", {
        token: fan.token,
        ...(body === undefined ? { rawBody: c.raw, headers: { "Content-Type": "application/json", "Idempotency-Key": randomUUID(), ...c.headers } } : { body, headers: { "Idempotency-Key": randomUUID(), ...c.headers } }),
      });
      expect(answer.status).toBe(c.status);
      expect(answer.headers.get("Content-Type")).toMatch(/^application\/problem\+json/);
      expect(answer.body.code).toBe(c.code);
      expect(await countRows()).toEqual(before);
    });
  }

  it("without a token → 401 and nothing written", async () => {
    const before = await countRows();
    const answer = await api.tip("not-a-token", { creator: krw.handle, amount: 1000, currency: "KRW" });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe("invalid_token");
    expect(await countRows()).toEqual(before);
  });

  it("GET on a write endpoint → 405, unknown endpoint → 404 problem", async () => {
    expect((await api.request("GET", "/api/v1/tips", { token: fan.token })).status).toBe(405);
    const missing = await api.request("GET", "/api/v1/nope", { token: fan.token });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe("not_found");
  });
});
