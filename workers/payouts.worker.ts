import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { PayoutJob } from "~/jobs/queues.server";
import { getPaymentProvider } from "~/money/payment-provider.server";
import { listUnfinishedPayouts, processPayout, reserveDuePayouts } from "~/money/payouts.server";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";

/** pay: one payout; schedule: the daily run over all creators; resume: payouts a crash or outage left unfinished. */
export async function processPayouts(job: Job) {
  const parsed = PayoutJob.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`bad payout job: ${parsed.error.message}`);
  const data = parsed.data;
  const db = getDb();
  const provider = getPaymentProvider();
  if (data.kind === "pay") {
    const payout = await processPayout(db, provider, data.payoutId);
    return { status: payout?.status ?? "missing" };
  }
  const ids = data.kind === "schedule" ? await reserveDuePayouts(db) : await listUnfinishedPayouts(db, getEnv().PAYOUT_RESUME_AFTER_SECONDS);
  let paid = 0;
  for (const id of ids) if ((await processPayout(db, provider, id))?.status === "paid") paid++;
  return { payouts: ids.length, paid };
}
