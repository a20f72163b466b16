import { settleAll } from "~/money/settlement.server";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { stopRequested } from "./stopping";

/** Scheduled every few seconds and kicked after tips: settles pending tips in batches until none are left. */
export async function processSettlement() {
  const env = getEnv();
  return settleAll(getDb(), {
    batchSize: env.SETTLEMENT_BATCH_SIZE,
    concurrency: env.SETTLEMENT_CONCURRENCY,
    feeBps: env.PLATFORM_FEE_BPS,
    maxBatches: 50,
    shouldStop: stopRequested,
  });
}
