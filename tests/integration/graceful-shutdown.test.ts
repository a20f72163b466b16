// SIGTERM under load loses nothing. The web process stops taking connections, finishes the requests it has (each
// answer complete), answers a request that still arrives on an open connection with a 503, and exits 0 within its
// 10 s grace period; every tip it answered 201 exists exactly once, and a client that got no answer retries with
// the same Idempotency-Key against the restarted server and gets one tip, not two. The workers process SIGTERMed in
// the middle of a large settlement backlog stops after the batch in hand, exits 0, and after a restart every tip
// settles exactly once.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { apiClient } from "../support/api-client";
import { useTestDatabase } from "../support/database";
import { fundWallet, insertPendingTips, makeCreator, makeFan } from "../support/fixtures";
import { startWeb, startWorkers, waitFor, type RunningProcess } from "../support/processes";

const t = await useTestDatabase();
const running: RunningProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop("SIGKILL")));
});

type Outcome =
  | { kind: "answered"; key: string; status: number; body: any; contentType: string }
  | { kind: "truncated"; key: string; status: number; error: string }
  | { kind: "no-answer"; key: string; error: string };

/** One tip over HTTP, telling apart "no answer at all" (connection refused or closed before a response) and "an
 * answer whose body broke off" — the latter must never happen. */
async function tipOnce(url: string, token: string, body: Record<string, unknown>, key: string): Promise<Outcome> {
  let response: Response;
  try {
    response = await fetch(`${url}/api/v1/tips`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Idempotency-Key": key },
      body: JSON.stringify(body),
    });
  } catch (error) {
    return { kind: "no-answer", key, error: String((error as Error).cause ?? error) };
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    return { kind: "truncated", key, status: response.status, error: String((error as Error).cause ?? error) };
  }
  try {
    return { kind: "answered", key, status: response.status, body: JSON.parse(text), contentType: response.headers.get("Content-Type") ?? "" };
  } catch {
    return { kind: "truncated", key, status: response.status, error: `not JSON: ${text.slice(0, 200)}` };
  }
}

describe("SIGTERM to the web process under load", () => {
  it("finishes in-flight tips, answers late ones 503 or refuses them, exits 0 within 10 s, and loses or doubles no tip", async () => {
    const env = { ...t.env, RATE_LIMIT_TIPS_PER_MINUTE: "1000000" };
    let web = await startWeb(env);
    running.push(web);
    const api = apiClient(web.url);
    const fans = await Promise.all([1, 2, 3, 4].map(async (i) => api.signUp(`Loader${i}`)));
    for (const fan of fans) await fundWallet(t.db, fan.id, 50_000_000);
    const creators = await Promise.all([api.newCreator(), api.newCreator()]);

    const outcomes: Outcome[] = [];
    const bodies = new Map<string, { token: string; body: Record<string, unknown> }>();
    let stop = false;
    const loops = Array.from({ length: 12 }, async (_, n) => {
      const fan = fans[n % fans.length];
      for (let i = 0; !stop; i++) {
        const key = randomUUID();
        const body = { creator: creators[(n + i) % creators.length].handle, amount: 1_000 + (i % 7) * 100, currency: "KRW" };
        bodies.set(key, { token: fan.token, body });
        const outcome = await tipOnce(web.url, fan.token, body, key);
        outcomes.push(outcome);
        // Once the server refuses connections, this loop is done.
        if (outcome.kind === "no-answer" && /ECONNREFUSED/.test(outcome.error)) return;
      }
    });

    await waitFor(async () => outcomes.filter((o) => o.kind === "answered" && o.status === 201).length >= 60, 60_000, "tips under load");
    const termAt = Date.now();
    web.child.kill("SIGTERM");
    const code = await web.exited;
    const exitMs = Date.now() - termAt;
    // Load keeps hitting the closed port for a moment, then every loop stops.
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(loops);

    const answered = outcomes.filter((o): o is Extract<Outcome, { kind: "answered" }> => o.kind === "answered");
    const truncated = outcomes.filter((o) => o.kind === "truncated");
    const noAnswer = outcomes.filter((o): o is Extract<Outcome, { kind: "no-answer" }> => o.kind === "no-answer");
    const created = answered.filter((o) => o.status === 201);
    const unavailable = answered.filter((o) => o.status === 503);
    console.log(
      `web SIGTERM under load: ${outcomes.length} requests, ${created.length} × 201, ${unavailable.length} × 503, ` +
        `${noAnswer.length} without an answer (${noAnswer.filter((o) => /ECONNREFUSED/.test(o.error)).length} refused), ` +
        `${truncated.length} truncated; exit ${code} after ${exitMs} ms`,
      [...new Set(noAnswer.map((o) => o.error))],
    );
    expect(code, web.output()).toBe(0);
    expect(exitMs).toBeLessThan(10_000);
    expect(truncated).toEqual([]);
    for (const o of answered) expect([201, 503], JSON.stringify(o.body)).toContain(o.status);
    for (const o of unavailable) {
      expect(o.contentType).toContain("application/problem+json");
      expect(o.body.code).toBe("service_unavailable");
    }
    // Connections were refused once the server stopped listening.
    expect(noAnswer.some((o) => /ECONNREFUSED/.test(o.error))).toBe(true);

    // Every 201 is one tip, exactly once.
    const ids = created.map((o) => o.body.id as string);
    expect(new Set(ids).size).toBe(ids.length);
    const rows = await t.db.selectFrom("tips").select(["id"]).where("id", "in", ids).execute();
    expect(rows).toHaveLength(ids.length);

    // The restarted server: a client that got a 503 or no answer retries with the same key; the tip exists once.
    web = await startWeb(env);
    running.push(web);
    const retried = [...unavailable, ...noAnswer];
    for (const o of retried) {
      const { token, body } = bodies.get(o.key)!;
      const again = await tipOnce(web.url, token, body, o.key);
      expect(again.kind === "answered" && again.status, JSON.stringify(again)).toBe(201);
      ids.push((again as Extract<Outcome, { kind: "answered" }>).body.id);
    }
    const keys = await t.db.selectFrom("tips").select((eb) => eb.fn.countAll().as("n")).where("fan_id", "in", fans.map((f) => f.id)).executeTakeFirstOrThrow();
    expect(new Set(ids).size).toBe(ids.length);
    expect(Number(keys.n)).toBe(ids.length);
    expect(await web.stop()).toBe(0);
  }, 180_000);
});

describe("SIGTERM to the workers process in the middle of a settlement backlog", () => {
  it("stops after the batch in hand, exits 0, and after a restart settles every tip exactly once", async () => {
    const fans = await Promise.all([1, 2, 3, 4].map(() => makeFan(t.db, { balance: 200_000_000 })));
    const creators = await Promise.all([1, 2, 3].map(() => makeCreator(t.db)));
    const count = 30_000;
    const made = await insertPendingTips(t.db, { fans, creators, count, amount: (i) => 1_000 + (i % 9) * 100 });
    const env = { ...t.env, SETTLEMENT_INTERVAL_MS: "500", SETTLEMENT_BATCH_SIZE: "250", PLATFORM_FEE_BPS: "500", HOLD_PERIOD_SECONDS: "0" };
    const fanIds = fans.map((f) => f.id);
    const settledCount = async () =>
      Number((await t.db.selectFrom("tips").select((eb) => eb.fn.countAll().as("n")).where("status", "=", "settled").where("fan_id", "in", fanIds).executeTakeFirstOrThrow()).n);

    let workers = startWorkers(env);
    running.push(workers);
    await waitFor(async () => (await settledCount()) >= 1_000, 60_000, `settlement to start\n${workers.output()}`);
    const termAt = Date.now();
    workers.child.kill("SIGTERM");
    const code = await workers.exited;
    const exitMs = Date.now() - termAt;
    const settledAtStop = await settledCount();
    console.log(`workers SIGTERM mid-settlement: ${settledAtStop} of ${count} tips settled at exit; exit ${code} after ${exitMs} ms`);
    expect(code, workers.output()).toBe(0);
    expect(exitMs).toBeLessThan(10_000);
    expect(settledAtStop).toBeLessThan(count);
    // Nothing moves after the exit.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await settledCount()).toBe(settledAtStop);

    workers = startWorkers(env);
    running.push(workers);
    await waitFor(async () => (await settledCount()) === count, 120_000, `the backlog to settle after the restart\n${workers.output()}`);
    expect(await workers.stop()).toBe(0);

    // Exactly once: each tip belongs to one settlement, and each settlement's count and gross are its tips'.
    const ids = made.map((m) => m.id);
    const unsettled = await t.db.selectFrom("tips").select("id").where("status", "!=", "settled").where("fan_id", "in", fanIds).execute();
    expect(unsettled).toEqual([]);
    const perSettlement = await t.db
      .selectFrom("settlements as s")
      .leftJoin("tips", "tips.settlement_id", "s.id")
      .select((eb) => ["s.id", "s.tip_count", "s.gross", eb.fn.count("tips.id").as("tips"), eb.fn.sum("tips.amount").as("sum")])
      .where("s.creator_id", "in", creators.map((c) => c.id))
      .groupBy("s.id")
      .execute();
    for (const s of perSettlement) {
      expect(Number(s.tips)).toBe(s.tip_count);
      expect(Number(s.sum)).toBe(s.gross);
    }
    expect(perSettlement.reduce((n, s) => n + s.tip_count, 0)).toBe(ids.length);
    expect(perSettlement.reduce((n, s) => n + s.gross, 0)).toBe(made.reduce((n, m) => n + m.amount, 0));
  }, 300_000);
});
