// Fuzzing every public JSON API input with fast-check against the real web server: never a 500, always a
// problem+json with a code for a 4xx, and nothing written when a write is refused.
// FUZZ_RUNS sets the cases per endpoint (a few hundred in the suite, 10,000 for a full run).
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "../support/api-client";
import { useTestDatabase } from "../support/database";
import { startWeb } from "../support/processes";

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
// A full run (10,000 cases per property) takes many minutes; the per-test limit grows with it.
const TIMEOUT = Math.max(120_000, RUNS * 400);
const started = Date.now();
const t = await useTestDatabase();
let web: Awaited<ReturnType<typeof startWeb>>;
let api: ReturnType<typeof apiClient>;
let fan: Awaited<ReturnType<ReturnType<typeof apiClient>["signUp"]>>;
let creatorHandle: string;
let serverErrors = 0;
let cases = 0;

beforeAll(async () => {
  web = await startWeb({ ...t.env, RATE_LIMIT_TIPS_PER_MINUTE: "1000000" });
  api = apiClient(web.url);
  fan = await api.signUp("Fuzzer");
  creatorHandle = (await api.newCreator()).handle;
  await api.topUp(fan.token, 2_000_000);
});
afterAll(async () => {
  console.log(`fuzz: ${cases} cases, ${serverErrors} server errors, ${((Date.now() - started) / 1000).toFixed(1)} s (FUZZ_RUNS=${RUNS})`);
  await web?.stop();
});

async function rowCounts() {
  const n = async (table: "tips" | "ledger_entries" | "payments" | "users" | "creators" | "idempotency_keys") =>
    Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
  return { tips: await n("tips"), entries: await n("ledger_entries"), payments: await n("payments"), users: await n("users"), creators: await n("creators") };
}

// Values that break naive parsers: numbers of every kind, huge and odd strings, nested junk.
const nasty = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1e21, Number.MAX_SAFE_INTEGER + 2, -0, 99, 100, 1000, 1_000_001),
  fc.string(),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.constantFrom("", "\u0000", "‮rtl‬", "😀".repeat(201), "x".repeat(70_000), "<script>alert(1)</script>", "KRW", "USD", "JPY", "NaN", "1e3"),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
);

const tipBody = fc.record(
  {
    creator: fc.oneof(fc.constant("__creator__"), nasty),
    amount: nasty,
    currency: nasty,
    message: nasty,
    anonymous: nasty,
    extra: nasty,
  },
  { requiredKeys: [] },
);

// Header values are ASCII on the wire (fetch refuses others), so that is what a client can send.
const idempotencyKey = fc.oneof(fc.uuid(), fc.constantFrom("", "k".repeat(10_000), " "), fc.string({ unit: "grapheme-ascii", maxLength: 300 }));

async function check(method: string, path: string, options: Parameters<typeof api.request>[2], writes: boolean) {
  cases++;
  const before = writes ? await rowCounts() : null;
  const answer = await api.request(method, path, options);
  if (answer.status >= 500) serverErrors++;
  expect(answer.status, `${method} ${path} ${JSON.stringify(options).slice(0, 500)} → ${JSON.stringify(answer.body).slice(0, 300)}`).toBeLessThan(500);
  if (answer.status >= 400) {
    expect(answer.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(typeof answer.body.code).toBe("string");
    if (before) expect(await rowCounts()).toEqual(before);
  }
  return answer;
}

describe("fuzzed API input never causes a 500 or a half write", () => {
  it("POST /api/v1/tips bodies and Idempotency-Keys", async () => {
    await fc.assert(
      fc.asyncProperty(tipBody, idempotencyKey, async (body, key) => {
        const real = { ...body } as Record<string, unknown>;
        if (real.creator === "__creator__") real.creator = creatorHandle;
        await check("POST", "/api/v1/tips", { token: fan.token, body: real, headers: { "Idempotency-Key": key } }, true);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it("raw bodies and content types", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: "binary", maxLength: 200 }), fc.constantFrom("{", "[]", "null", '{"amount":1e400}', '{"__proto__":{"x":1}}')),
        fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "application/merge-patch+json", ""),
        async (raw, type) => {
          await check("POST", "/api/v1/tips", { token: fan.token, rawBody: raw, headers: { "Content-Type": type, "Idempotency-Key": randomUUID() } }, true);
        },
      ),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it("sign-up, token, top-up and creator bodies", async () => {
    const endpoints = [
      { path: "/api/v1/users", body: fc.record({ email: nasty, password: nasty, displayName: nasty }, { requiredKeys: [] }), token: false },
      { path: "/api/v1/auth/token", body: fc.record({ email: nasty, password: nasty }, { requiredKeys: [] }), token: false },
      { path: "/api/v1/me/wallet/topups", body: fc.record({ amount: nasty, currency: nasty, card: fc.oneof(nasty, fc.constantFrom("4242424242424242", "4000000000000002", "pm_card_visa")) }, { requiredKeys: [] }), token: true },
      { path: "/api/v1/me/creator", body: fc.record({ handle: nasty, displayName: nasty, currency: nasty, bio: nasty, category: nasty }, { requiredKeys: [] }), token: true },
    ];
    for (const endpoint of endpoints) {
      await fc.assert(
        fc.asyncProperty(endpoint.body, async (body) => {
          // A fresh user for creator attempts, so one success does not turn the rest into 409s.
          const token = endpoint.path === "/api/v1/me/creator" ? (await api.signUp("Maybe")).token : fan.token;
          await check("POST", endpoint.path, { token: endpoint.token ? token : undefined, body, headers: { "Idempotency-Key": randomUUID() } }, endpoint.path !== "/api/v1/users" && endpoint.path !== "/api/v1/me/creator");
        }),
        { numRuns: Math.max(10, Math.floor(RUNS / 4)) },
      );
    }
  }, TIMEOUT);

  it("query strings, path parameters and headers", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 100 }), fc.string({ maxLength: 100 }), fc.string({ unit: "grapheme-ascii", maxLength: 60 }), async (limit, after, handle) => {
        await check("GET", `/api/v1/me/tips?limit=${encodeURIComponent(limit)}&after=${encodeURIComponent(after)}`, { token: fan.token }, false);
        await check("GET", `/api/v1/creators/${encodeURIComponent(handle)}`, {}, false);
        await check("GET", `/api/v1/transparency/blocks?after=${encodeURIComponent(after)}&limit=${encodeURIComponent(limit)}`, {}, false);
        await check("GET", "/api/v1/me/wallet", { headers: { Authorization: `Bearer ${handle}` } }, false);
      }),
      { numRuns: Math.max(10, Math.floor(RUNS / 2)) },
    );
  }, TIMEOUT);
});
