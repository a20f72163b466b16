import type { Job } from "bullmq";
import { purgeExpiredRecords } from "~/jobs/maintenance.server";
import { flagStuckPayouts } from "~/money/payout-tracking.server";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";

/** purge: daily housekeeping of idempotency answers, sessions and relayed events. payout-watch: stuck payouts. */
export async function processMaintenance(job: Job) {
  if (job.name === "payout-watch") {
    const flagged = await flagStuckPayouts(getDb(), { olderThanSeconds: getEnv().PAYOUT_STUCK_AFTER_SECONDS });
    return { stuckPayouts: flagged.length };
  }
  return purgeExpiredRecords(getDb());
}
