// Losing Redis loses no money: Postgres holds every tip, and the workers process registers its job schedulers at
// start and registers them again when they vanish while it runs. Only this file's keys are deleted (its prefix);
// the Redis server is shared.
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { getQueue, kickSettlement, QUEUES } from "../../app/jobs/queues.server";
import { useTestDatabase } from "../support/database";
import { creatorBalances, makeCreator, makeFan, tip } from "../support/fixtures";
import { deleteRedisPrefix } from "../support/redis";
import { startWorkers, waitFor, type RunningProcess } from "../support/processes";

const t = await useTestDatabase();

const running: RunningProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop("SIGKILL")));
});

/** This file's keys in Redis (Sodam's own and the BullMQ queues'). */
async function ourKeys() {
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  try {
    const keys: string[] = [];
    for (const pattern of [`${t.redisPrefix}:*`, `{${t.redisPrefix}}:*`]) {
      let cursor = "0";
      do {
        const [next, found] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
        cursor = next;
        keys.push(...found);
      } while (cursor !== "0");
    }
    return keys;
  } finally {
    redis.disconnect();
  }
}

const tipStatus = async (id: string) => (await t.db.selectFrom("tips").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status;

describe("Redis loses this app's keys", () => {
  let workers: RunningProcess;

  it("before any worker ran: a tip made meanwhile still settles once the workers start", async () => {
    const fan = await makeFan(t.db, { balance: 10_000 });
    const creator = await makeCreator(t.db);
    const made = await tip(t.db, fan, creator, 2_000);
    await kickSettlement(); // a settlement job waiting in Redis ...
    expect((await ourKeys()).length).toBeGreaterThan(0);
    await deleteRedisPrefix(t.redisPrefix); // ... and then gone, with everything else of ours
    expect(await ourKeys()).toEqual([]);
    expect(await tipStatus(made.id)).toBe("pending");

    workers = startWorkers({ ...t.env, SETTLEMENT_INTERVAL_MS: "1000", PLATFORM_FEE_BPS: "500", HOLD_PERIOD_SECONDS: "0" });
    running.push(workers);
    await waitFor(async () => (await tipStatus(made.id)) === "settled", 30_000, `the tip to settle\n${workers.output()}`);
    // Settled by the schedulers registered at start, not by the 15 s repair of missing ones.
    expect(workers.output()).not.toContain("job scheduler missing");
    await waitFor(async () => (await creatorBalances(t.db, creator)).available === 1_900, 30_000, "the settlement to be released");
  });

  it("while the workers run: schedulers are registered again and a new tip settles within ~30 s", async () => {
    expect(await getQueue(QUEUES.settlement).getJobScheduler("settle")).toBeTruthy();
    await deleteRedisPrefix(t.redisPrefix);
    expect(await getQueue(QUEUES.settlement).getJobScheduler("settle")).toBeFalsy();

    const fan = await makeFan(t.db, { balance: 10_000 });
    const creator = await makeCreator(t.db);
    const made = await tip(t.db, fan, creator, 3_000);
    const started = Date.now();
    await waitFor(async () => (await tipStatus(made.id)) === "settled", 35_000, `the tip to settle after the keys vanished\n${workers.output()}`);
    console.log(`tip settled ${((Date.now() - started) / 1000).toFixed(1)} s after this app's Redis keys were deleted`);

    // It was the workers' repair that brought the schedulers back (every 15 s), nothing else.
    expect(workers.output()).toContain("job scheduler missing; registering it again");
    for (const [queue, id] of [[QUEUES.settlement, "settle"], [QUEUES.release, "release"], [QUEUES.outbox, "relay"], [QUEUES.payouts, "payouts-daily"], [QUEUES.payouts, "payouts-resume"]] as const) {
      expect(await getQueue(queue).getJobScheduler(id), id).toBeTruthy();
    }
    await waitFor(async () => (await creatorBalances(t.db, creator)).available === 2_850, 30_000, "the settlement to be released");
    await workers.stop();
  });
});
