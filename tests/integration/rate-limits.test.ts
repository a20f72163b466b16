// Rate limits in Redis, and what happens to tips when Redis is away.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "../support/api-client";
import { useTestDatabase } from "../support/database";
import { startWeb } from "../support/processes";

const t = await useTestDatabase();
let limited: Awaited<ReturnType<typeof startWeb>>;
let withoutRedis: Awaited<ReturnType<typeof startWeb>>;

beforeAll(async () => {
  [limited, withoutRedis] = await Promise.all([
    startWeb({ ...t.env, RATE_LIMIT_TIPS_PER_MINUTE: "5", RATE_LIMIT_SIGNINS_PER_15_MINUTES: "3" }),
    startWeb({ ...t.env, REDIS_URL: "redis://127.0.0.1:1" }),
  ]);
});
afterAll(async () => {
  await Promise.all([limited?.stop(), withoutRedis?.stop()]);
});

describe("rate limits", () => {
  it("refuses the sixth tip in a minute with 429 and Retry-After, writing nothing", async () => {
    const api = apiClient(limited.url);
    const fan = await api.signUp("Speedy");
    const creator = await api.newCreator();
    await api.topUp(fan.token, 20_000);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await api.tip(fan.token, { creator: creator.handle, amount: 1_000, currency: "KRW" }));
    expect(answers.slice(0, 5).map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(answers[5].status).toBe(429);
    expect(answers[5].body.code).toBe("rate_limited");
    expect(Number(answers[5].headers.get("Retry-After"))).toBeGreaterThan(0);
    const tips = await t.db.selectFrom("tips").select("id").where("fan_id", "=", fan.id).execute();
    expect(tips).toHaveLength(5);
  });

  it("answers repeated wrong passwords with 429", async () => {
    const api = apiClient(limited.url);
    const fan = await api.signUp("Forgetful");
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await api.request("POST", "/api/v1/auth/token", { body: { email: fan.email, password: "wrong password!" } })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});

describe("Redis down", () => {
  it("still accepts wallet tips (Postgres is the source of truth); the tip event waits in the outbox", async () => {
    const up = apiClient(limited.url);
    const down = apiClient(withoutRedis.url);
    const fan = await up.signUp("Steady");
    const creator = await up.newCreator();
    await up.topUp(fan.token, 5_000);
    const started = Date.now();
    const answer = await down.tip(fan.token, { creator: creator.handle, amount: 1_000, currency: "KRW", message: "Redis 없어도" }, randomUUID());
    expect(answer.status).toBe(201);
    expect(Date.now() - started).toBeLessThan(5_000);
    const health = await fetch(`${withoutRedis.url}/healthz`);
    expect(health.status).toBe(503);
    const outbox = await t.db.selectFrom("outbox").select(["published_at"]).where(({ ref }) => ref("payload", "->>").key("tipId"), "=", answer.body.id).execute();
    expect(outbox).toHaveLength(1);
  });
});
