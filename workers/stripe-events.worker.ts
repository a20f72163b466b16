import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { StripeEventJob } from "~/jobs/queues.server";
import { getPaymentProvider } from "~/money/payment-provider.server";
import { listDueProviderEvents, processProviderEvent } from "~/money/provider-events.server";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { getLogger } from "~/utils/logger.server";

/**
 * process: one stored webhook event (a failure is retried by BullMQ and, should the job be lost, by the sweep);
 * sweep: every stored event not processed yet whose retry time has come.
 */
export async function processStripeEvents(job: Job) {
  const parsed = StripeEventJob.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`bad stripe-events job: ${parsed.error.message}`);
  const db = getDb();
  const provider = getPaymentProvider();
  const options = { feeBps: getEnv().PLATFORM_FEE_BPS };
  if (parsed.data.kind === "process") {
    const result = await processProviderEvent(db, provider, parsed.data.eventId, options);
    return { status: result.status };
  }
  let processed = 0;
  let failed = 0;
  for (const eventId of await listDueProviderEvents(db)) {
    try {
      if ((await processProviderEvent(db, provider, eventId, options)).status === "processed") processed++;
    } catch (err) {
      // Recorded on the event with its next retry time; the others still get their turn.
      failed++;
      getLogger().warn({ err, eventId }, "stripe event not processed yet");
    }
  }
  return { processed, failed };
}
