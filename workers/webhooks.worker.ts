import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { enqueueWebhookDelivery, WebhookJob } from "~/jobs/queues.server";
import { attemptWebhookDelivery, listPendingDeliveries } from "~/models/webhooks.server";
import { getDb } from "~/utils/db.server";

/** deliver: one attempt (a thrown error makes BullMQ retry it with backoff); sweep: queue pending deliveries. */
export async function processWebhooks(job: Job) {
  const parsed = WebhookJob.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`bad webhook job: ${parsed.error.message}`);
  const data = parsed.data;
  if (data.kind === "sweep") {
    const pending = await listPendingDeliveries(getDb());
    for (const d of pending) await enqueueWebhookDelivery(d.id, d.generation);
    return { pending: pending.length };
  }
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  const outcome = await attemptWebhookDelivery(getDb(), { deliveryId: data.deliveryId, generation: data.generation, lastAttempt });
  if (outcome === "retry") throw new Error(`webhook delivery ${data.deliveryId} was not accepted; retrying`);
  return { outcome };
}
