// What an operator needs to see of the BullMQ queues (the admin page /admin/queues): per queue the job counts, the
// job schedulers with their next run, and the most recent failed jobs with their reasons; and retrying failed jobs
// (one, or all of a queue). Every job is idempotent, so a retry never does its work twice.
import type { Job } from "bullmq";
import { Problem } from "../utils/problem.server";
import { getQueue, QUEUES, type QueueName } from "./queues.server";

export const RECENT_FAILED = 10;

export interface QueueOverview {
  name: QueueName;
  counts: { waiting: number; active: number; delayed: number; failed: number; completed: number };
  schedulers: { id: string; every: number | null; pattern: string | null; tz: string | null; next: string | null }[];
  failed: { id: string; name: string; failedReason: string; attemptsMade: number; failedAt: string | null }[];
}

const QUEUE_NAMES = Object.values(QUEUES) as QueueName[];

export function isQueueName(name: string): name is QueueName {
  return (QUEUE_NAMES as string[]).includes(name);
}

async function overviewOf(name: QueueName): Promise<QueueOverview> {
  const queue = getQueue(name);
  const [counts, schedulers, failed] = await Promise.all([
    queue.getJobCounts("waiting", "active", "delayed", "failed", "completed"),
    queue.getJobSchedulers(0, -1, true),
    queue.getFailed(0, RECENT_FAILED - 1) as Promise<Job[]>,
  ]);
  return {
    name,
    counts: {
      waiting: counts.waiting ?? 0,
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      failed: counts.failed ?? 0,
      completed: counts.completed ?? 0,
    },
    schedulers: schedulers
      .map((s) => ({
        id: s.id ?? s.key,
        every: s.every ?? null,
        pattern: s.pattern ?? null,
        tz: s.tz ?? null,
        next: s.next ? new Date(s.next).toISOString() : null,
      }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    failed: failed
      .filter((job): job is Job => Boolean(job?.id))
      .map((job) => ({
        id: job.id!,
        name: job.name,
        failedReason: job.failedReason ?? "",
        attemptsMade: job.attemptsMade,
        failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
      })),
  };
}

/** Every queue, in the order of QUEUES. */
export async function queueOverviews(): Promise<QueueOverview[]> {
  return Promise.all(QUEUE_NAMES.map(overviewOf));
}

/** Moves one failed job back to waiting; 404 when it is not (or no longer) a failed job of that queue. */
export async function retryFailedJob(name: QueueName, jobId: string) {
  const job = await getQueue(name).getJob(jobId);
  if (!job || !(await job.isFailed())) throw new Problem(404, "job_not_failed", "This job is not a failed job of that queue (any more).");
  await job.retry("failed");
}

/** Moves every failed job of a queue back to waiting; returns how many there were. */
export async function retryAllFailed(name: QueueName) {
  const queue = getQueue(name);
  const count = await queue.getFailedCount();
  if (count > 0) await queue.retryJobs({ state: "failed", count: 1000 });
  return count;
}
