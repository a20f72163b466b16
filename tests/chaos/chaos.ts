// Chaos run: the web server and two worker processes on a fresh database under a mixed load (sign-ups, top-ups,
// wallet tips retried with their Idempotency-Key, payout requests, refunds), while workers are killed with
// SIGKILL at random moments, Redis is flushed once and every database connection is cut once. Afterwards the
// workers drain and the ledger invariants must hold, every accepted tip must exist exactly once and every
// payout must have been made once. Full run: `npm run test:chaos`; the integration suite runs a short one.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { createDb, dropDatabase, ensureDatabase, type DB } from "../../db/client";
import { migrateToLatest } from "../../db/migrator";
import { checkInvariants, formatInvariantReport } from "../../app/money/invariants.server";
import { refundTip } from "../../app/money/refunds.server";
import { TestmodePaymentProvider } from "../../app/money/testmode-provider.server";
import { apiClient } from "../support/api-client";
import { startWeb, startWorkers, waitFor, type RunningProcess } from "../support/processes";
import { deleteRedisPrefix } from "../support/redis";

export interface ChaosOptions {
  durationMs: number;
  kills: number;
  fans: number;
  creators: number;
  concurrency: number;
  log?: (line: string) => void;
}

export interface ChaosReport {
  kills: number;
  redisFlushes: number;
  connectionCuts: number;
  requests: number;
  /** 503s: the database was cut away for a moment; the client retried. */
  unavailable: number;
  /** 500s and other 5xx: never expected. */
  serverErrors: number;
  tipsAccepted: number;
  tipsFound: number;
  tipsDuplicated: number;
  refunds: number;
  payoutsRequested: number;
  payoutsPaid: number;
  payoutsTransferredTwice: number;
  invariants: string;
  invariantsHold: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)];

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => {});
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const url = `postgres://postgres@127.0.0.1:5432/sodam_chaos_${id}`;
  const redisPrefix = `sodam-chaos-${id}`;
  await ensureDatabase(url);
  const db = createDb(url, 4);
  await migrateToLatest(db);
  const env = {
    NODE_ENV: "test",
    DATABASE_URL: url,
    REDIS_PREFIX: redisPrefix,
    LOG_LEVEL: "error",
    SETTLEMENT_INTERVAL_MS: "500",
    PAYOUT_RESUME_AFTER_SECONDS: "2",
    PAYOUT_RESUME_INTERVAL_MS: "1000",
    RATE_LIMIT_SIGNUPS_PER_HOUR: "1000000",
    RATE_LIMIT_SIGNINS_PER_15_MINUTES: "1000000",
    RATE_LIMIT_TOPUPS_PER_HOUR: "1000000",
    RATE_LIMIT_TIPS_PER_MINUTE: "1000000",
    RISK_IP_TIPS_PER_HOUR: "1000000",
    RISK_FAN_TIPS_PER_HOUR: "1000000",
    RISK_CARD_PAYMENTS_PER_HOUR: "1000000",
  };
  const web = await startWeb(env);
  const workers: RunningProcess[] = [startWorkers(env), startWorkers(env)];
  const api = apiClient(web.url);
  const report: ChaosReport = {
    kills: 0,
    redisFlushes: 0,
    connectionCuts: 0,
    requests: 0,
    unavailable: 0,
    serverErrors: 0,
    tipsAccepted: 0,
    tipsFound: 0,
    tipsDuplicated: 0,
    refunds: 0,
    payoutsRequested: 0,
    payoutsPaid: 0,
    payoutsTransferredTwice: 0,
    invariants: "",
    invariantsHold: false,
  };
  const accepted = new Set<string>();

  try {
    // People.
    const creators = await Promise.all(Array.from({ length: options.creators }, () => api.newCreator("KRW", { twoFactor: true })));
    await sql`update creators set payout_minimum = 1000`.execute(db);
    const fans = await Promise.all(Array.from({ length: options.fans }, () => api.signUp("ChaosFan")));
    for (const fan of fans) await api.topUp(fan.token, 200_000);

    /** Sends a request, retrying network errors and 5xx with the same request (and so the same key). */
    async function send(method: string, path: string, opts: Parameters<typeof api.request>[2]) {
      for (let attempt = 0; ; attempt++) {
        report.requests++;
        try {
          const answer = await api.request(method, path, opts);
          if (answer.status >= 500) {
            if (answer.status === 503) report.unavailable++;
            else report.serverErrors++;
            if (answer.status !== 503 || attempt > 20) return answer;
            await sleep(200);
            continue;
          }
          return answer;
        } catch {
          if (attempt > 20) throw new Error(`${method} ${path} kept failing; web server said:\n${web.output().slice(-3000)}`);
          await sleep(200);
        }
      }
    }

    const operations: [number, () => Promise<void>][] = [
      [70, async () => {
        const fan = pick(fans);
        const creator = pick(creators);
        const key = randomUUID();
        const body = { creator: creator.handle, amount: 100 * (1 + Math.floor(Math.random() * 30)), currency: "KRW", message: "chaos" };
        const answer = await send("POST", "/api/v1/tips", { token: fan.token, body, headers: { "Idempotency-Key": key } });
        if (answer.status === 201) accepted.add(answer.body.id);
        // A client that lost the answer retries with the same key: it must get the same tip back.
        if (answer.status === 201 && Math.random() < 0.2) {
          const again = await send("POST", "/api/v1/tips", { token: fan.token, body, headers: { "Idempotency-Key": key } });
          if (again.status !== 201 || again.body.id !== answer.body.id) throw new Error(`retry of ${key} answered ${again.status} ${JSON.stringify(again.body)}`);
        }
      }],
      [10, async () => {
        await send("POST", "/api/v1/me/wallet/topups", { token: pick(fans).token, body: { amount: 10_000, currency: "KRW", card: "4242424242424242" }, headers: { "Idempotency-Key": randomUUID() } });
      }],
      [5, async () => {
        const answer = await send("POST", "/api/v1/me/payouts", { token: pick(creators).token });
        if (answer.status === 202) report.payoutsRequested++;
      }],
      [5, async () => {
        const recent = await db.selectFrom("tips").select("id").where("status", "<>", "refunded").orderBy(sql`random()`).limit(1).executeTakeFirst();
        if (!recent) return;
        try {
          await refundTip(db, new TestmodePaymentProvider(db), { tipId: recent.id });
          report.refunds++;
        } catch {
          // The database connections were just cut: the refund rolled back whole; nothing to count.
        }
      }],
      [10, async () => {
        await api.signUp("Newcomer").catch(() => {});
      }],
    ];
    const totalWeight = operations.reduce((n, [w]) => n + w, 0);
    const operation = () => {
      let r = Math.random() * totalWeight;
      for (const [w, op] of operations) if ((r -= w) < 0) return op;
      return operations[0][1];
    };

    const deadline = Date.now() + options.durationMs;
    const load = Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (Date.now() < deadline) await operation()();
      }),
    );

    // Faults, spread over the run.
    const faults = (async () => {
      const step = options.durationMs / (options.kills + 3);
      for (let k = 0; k < options.kills; k++) {
        await sleep(step * (0.5 + Math.random()));
        const index = Math.floor(Math.random() * workers.length);
        await workers[index].stop("SIGKILL");
        report.kills++;
        workers[index] = startWorkers(env);
        if (k === Math.floor(options.kills / 3)) {
          await deleteRedisPrefix(redisPrefix);
          report.redisFlushes++;
          log("redis flushed");
        }
        if (k === Math.floor((2 * options.kills) / 3)) {
          await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${`sodam_chaos_${id}`} and pid <> pg_backend_pid()`.execute(db);
          report.connectionCuts++;
          log("database connections cut");
        }
      }
    })();
    await Promise.all([load, faults]);
    log(`load done: ${accepted.size} tips accepted, ${report.kills} kills`);

    // Drain: every tip settled, every event relayed, every reserved payout finished.
    await waitFor(
      async () => {
        const pending = await db.selectFrom("tips").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "pending").executeTakeFirstOrThrow();
        const processing = await db.selectFrom("payouts").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "processing").executeTakeFirstOrThrow();
        const outbox = await db.selectFrom("outbox").select((eb) => eb.fn.countAll<number>().as("n")).where("published_at", "is", null).executeTakeFirstOrThrow();
        return Number(pending.n) === 0 && Number(processing.n) === 0 && Number(outbox.n) === 0;
      },
      120_000,
      "the workers to drain",
    );

    const found = await db.selectFrom("tips").select("id").where("id", "in", accepted.size ? [...accepted] : ["00000000-0000-0000-0000-000000000000"]).execute();
    report.tipsAccepted = accepted.size;
    report.tipsFound = found.length;
    const dup = await sql<{ n: number }>`select count(*)::int as n from (select key from ledger_transactions group by key having count(*) > 1) d`.execute(db);
    report.tipsDuplicated = Number(dup.rows[0].n);
    const paid = await db.selectFrom("payouts").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "paid").executeTakeFirstOrThrow();
    report.payoutsPaid = Number(paid.n);
    const twice = await sql<{ n: number }>`select count(*)::int as n from (select idempotency_key from testmode_transfers group by idempotency_key having count(*) > 1) d`.execute(db);
    report.payoutsTransferredTwice = Number(twice.rows[0].n);
    const results = await checkInvariants(db);
    report.invariants = formatInvariantReport(results);
    report.invariantsHold = results.every((r) => r.status !== "FAIL");
    return report;
  } finally {
    await Promise.all([web.stop(), ...workers.map((w) => w.stop())]);
    await db.destroy();
    await dropDatabase(url).catch(() => {});
    await deleteRedisPrefix(redisPrefix).catch(() => {});
  }
}

export async function assertChaosReport(report: ChaosReport) {
  const problems: string[] = [];
  if (!report.invariantsHold) problems.push(`invariants:\n${report.invariants}`);
  if (report.tipsFound !== report.tipsAccepted) problems.push(`${report.tipsAccepted} tips accepted but ${report.tipsFound} found`);
  if (report.tipsDuplicated !== 0) problems.push(`${report.tipsDuplicated} duplicated postings`);
  if (report.payoutsTransferredTwice !== 0) problems.push(`${report.payoutsTransferredTwice} payouts transferred twice`);
  if (problems.length) throw new Error(problems.join("\n"));
}

export type { DB };
