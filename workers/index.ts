// The workers process: checks Postgres and Redis, registers the job schedulers (safe at every start, so a wiped
// Redis loses nothing), runs one BullMQ worker per queue, and closes them gracefully on SIGTERM / SIGINT.
import { Worker, type ConnectionOptions, type Job, type Processor } from "bullmq";
import { sql } from "kysely";
import { QUEUES, closeQueues, getQueue, queuePrefix, schedules, type QueueName } from "~/jobs/queues.server";
import { orExitWhenUnreachable } from "~/utils/connectivity.server";
import { closeDb, getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { getLogger } from "~/utils/logger.server";
import { closeRedis, getRedis, redisConnectionOptions } from "~/utils/redis.server";
import { processMaintenance } from "./maintenance.worker";
import { processOutbox } from "./outbox.worker";
import { processPayouts } from "./payouts.worker";
import { processPledges } from "./pledges.worker";
import { processRelease } from "./release.worker";
import { processSettlement } from "./settlement.worker";
import { processStripeEvents } from "./stripe-events.worker";
import { processTransparency } from "./transparency.worker";
import { requestStop } from "./stopping";
import { processWebhooks } from "./webhooks.worker";

process.env.SODAM_SERVICE ??= "sodam-workers";
const env = getEnv();
const log = getLogger();

const PROCESSORS: Record<QueueName, { processor: Processor; concurrency: number }> = {
  [QUEUES.settlement]: { processor: processSettlement, concurrency: 1 },
  [QUEUES.release]: { processor: processRelease, concurrency: 1 },
  [QUEUES.payouts]: { processor: processPayouts, concurrency: 4 },
  [QUEUES.outbox]: { processor: processOutbox, concurrency: 1 },
  [QUEUES.pledges]: { processor: processPledges, concurrency: 1 },
  [QUEUES.maintenance]: { processor: processMaintenance, concurrency: 1 },
  [QUEUES.stripeEvents]: { processor: processStripeEvents, concurrency: 4 },
  [QUEUES.transparency]: { processor: processTransparency, concurrency: 1 },
  [QUEUES.webhooks]: { processor: processWebhooks, concurrency: 8 },
};

await orExitWhenUnreachable("postgres", env.DATABASE_URL, () => sql`select 1`.execute(getDb()));
await orExitWhenUnreachable("redis", env.REDIS_URL, () => getRedis().ping());

async function registerSchedulers() {
  for (const s of schedules()) {
    const repeat = "pattern" in s ? { pattern: s.pattern, tz: s.tz } : { every: s.every };
    await getQueue(s.queue).upsertJobScheduler(s.id, repeat, { name: s.id, data: s.data });
  }
}

/** Re-registers schedulers that vanished (Redis flushed or restarted without persistence) while running. */
async function repairSchedulers() {
  for (const s of schedules()) {
    const existing = await getQueue(s.queue).getJobScheduler(s.id);
    if (!existing) {
      log.warn({ scheduler: s.id }, "job scheduler missing; registering it again");
      await registerSchedulers();
      return;
    }
  }
}

await registerSchedulers();

const workers = Object.entries(PROCESSORS).map(([name, { processor, concurrency }]) => {
  const worker = new Worker(name, processor, {
    connection: redisConnectionOptions() as ConnectionOptions,
    prefix: queuePrefix(),
    concurrency,
    // Settlement batches can hold many rows; give a job time before it is considered stalled.
    lockDuration: 60_000,
  });
  worker.on("error", (error) => log.error({ queue: name, err: error }, "worker error"));
  worker.on("failed", (job: Job | undefined, error) => log.warn({ queue: name, job: job?.id, err: error }, "job failed"));
  worker.on("completed", (job: Job, result) => {
    if (result && Object.values(result).some((v) => typeof v === "number" && v > 0)) {
      log.info({ queue: name, job: job.name, result }, "job done");
    }
  });
  return worker;
});

const repairTimer = setInterval(() => repairSchedulers().catch((err) => log.warn({ err }, "scheduler check failed")), 15_000);
log.info({ queues: Object.keys(PROCESSORS), prefix: queuePrefix() }, "workers started");
// A parent that started us (tests, the benchmark) learns we are taking jobs.
if (process.send) process.send({ ready: true });

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "workers stopping: finishing current jobs");
  clearInterval(repairTimer);
  requestStop();
  // Wait for running jobs to finish (a settlement run stops after its current batch); unfinished work is safe
  // anyway (every job is idempotent).
  await Promise.all(workers.map((w) => w.close().catch(() => {})));
  await closeQueues();
  await closeRedis();
  await closeDb();
  log.info("workers stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
