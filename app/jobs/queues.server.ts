// The contract between the web app and the workers: queue names, the queue prefix, job payloads (zod), the
// repeating schedules, and enqueue helpers. Workers import this; nothing here imports workers/.
import { Queue, type ConnectionOptions, type JobsOptions } from "bullmq";
import { z } from "zod";
import { getEnv } from "../utils/env.server";
import { redisConnectionOptions } from "../utils/redis.server";

export const QUEUES = {
  settlement: "settlement",
  release: "release",
  payouts: "payouts",
  outbox: "outbox",
  pledges: "pledges",
  maintenance: "maintenance",
  transparency: "transparency",
  stripeEvents: "stripe-events",
  webhooks: "webhooks",
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** BullMQ prefix in a Redis Cluster hash tag, so each queue's keys share one slot. */
export function queuePrefix() {
  return `{${getEnv().REDIS_PREFIX}}`;
}

export const PayoutJob = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("pay"), payoutId: z.string().uuid() }),
  z.object({ kind: z.literal("schedule") }),
  z.object({ kind: z.literal("resume") }),
]);
export type PayoutJob = z.infer<typeof PayoutJob>;

/** process: one stored webhook event (job id = event id); sweep: stored events not processed yet (a lost job). */
export const StripeEventJob = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("process"), eventId: z.string().regex(/^evt_[A-Za-z0-9_]+$/) }),
  z.object({ kind: z.literal("sweep") }),
]);
export type StripeEventJob = z.infer<typeof StripeEventJob>;

/** deliver: one attempt of one webhook delivery (retried with backoff); sweep: (re)queue pending deliveries. */
export const WebhookJob = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("deliver"), deliveryId: z.string().uuid(), generation: z.number().int().min(0) }),
  z.object({ kind: z.literal("sweep") }),
]);
export type WebhookJob = z.infer<typeof WebhookJob>;

/** Repeating work, registered by the workers process at every start (a wiped Redis loses nothing). */
export function schedules() {
  const env = getEnv();
  return [
    { queue: QUEUES.settlement, id: "settle", every: env.SETTLEMENT_INTERVAL_MS, data: {} },
    { queue: QUEUES.release, id: "release", every: 5_000, data: {} },
    { queue: QUEUES.outbox, id: "relay", every: 1_000, data: {} },
    { queue: QUEUES.payouts, id: "payouts-daily", pattern: "0 0 3 * * *", tz: "Asia/Seoul", data: { kind: "schedule" } },
    { queue: QUEUES.payouts, id: "payouts-resume", every: env.PAYOUT_RESUME_INTERVAL_MS, data: { kind: "resume" } },
    // Daily, so a new month's pledges are paid on its first morning and a missed day catches up.
    { queue: QUEUES.pledges, id: "pledges-monthly", pattern: "0 0 9 * * *", tz: "Asia/Seoul", data: {} },
    { queue: QUEUES.transparency, id: "seal", every: 5_000, data: {} },
    { queue: QUEUES.maintenance, id: "purge", pattern: "0 30 4 * * *", tz: "Asia/Seoul", data: {} },
    // Payouts stuck in processing: an admin alert and a creator notice (app/money/payout-tracking.server.ts).
    { queue: QUEUES.maintenance, id: "payout-watch", every: env.PAYOUT_STUCK_CHECK_INTERVAL_MS, data: {} },
    // The outbox of webhooks: every stored event is processed eventually, even when its job was lost.
    { queue: QUEUES.stripeEvents, id: "stripe-events-sweep", every: env.STRIPE_EVENTS_SWEEP_MS, data: { kind: "sweep" } },
    // Creators' webhooks: deliveries are queued in the database with what they describe; this starts their jobs.
    { queue: QUEUES.webhooks, id: "webhooks-sweep", every: env.WEBHOOK_SWEEP_MS, data: { kind: "sweep" } },
  ] as const;
}

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: "exponential", delay: 500 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

const queues = new Map<QueueName, Queue>();

export function getQueue(name: QueueName): Queue {
  let queue = queues.get(name);
  if (!queue) {
    queue = new Queue(name, {
      // Adding a job must not hang a web request while Redis is away: fail fast instead.
      connection: { ...redisConnectionOptions(), enableOfflineQueue: false } as ConnectionOptions,
      prefix: queuePrefix(),
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    queue.on("error", () => {});
    queues.set(name, queue);
  }
  return queue;
}

export async function closeQueues() {
  await Promise.all([...queues.values()].map((q) => q.close().catch(() => {})));
  queues.clear();
}

/** Asks for a settlement run soon; many kicks within a second collapse into one job. */
export async function kickSettlement() {
  await getQueue(QUEUES.settlement).add("kick", {}, { deduplication: { id: "kick", ttl: 1000 }, removeOnComplete: true });
}

/** Sends a reserved payout to the provider now; the payout id is the job id, so it is queued once. */
export async function enqueuePayout(payoutId: string) {
  await getQueue(QUEUES.payouts).add("pay", { kind: "pay", payoutId } satisfies PayoutJob, { jobId: `pay-${payoutId}` });
}

/** Processes a stored webhook event soon; the event id is the job id, so a burst of deliveries queues it once. */
export async function enqueueStripeEvent(eventId: string) {
  await getQueue(QUEUES.stripeEvents).add("process", { kind: "process", eventId } satisfies StripeEventJob, { jobId: eventId });
}

/**
 * Starts the delivery of a webhook; the job id names the delivery and its generation, so the sweeper queues it
 * once and a replay (a new generation) gets a job of its own. Each failed attempt is retried with exponential
 * backoff up to WEBHOOK_MAX_ATTEMPTS.
 */
export async function enqueueWebhookDelivery(deliveryId: string, generation: number) {
  const env = getEnv();
  await getQueue(QUEUES.webhooks).add("deliver", { kind: "deliver", deliveryId, generation } satisfies WebhookJob, {
    jobId: `whd-${deliveryId}-${generation}`,
    attempts: env.WEBHOOK_MAX_ATTEMPTS,
    backoff: { type: "exponential", delay: env.WEBHOOK_BACKOFF_MS },
  });
}
