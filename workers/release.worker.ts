import { releaseSettlements } from "~/money/settlement.server";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";

/** Moves settlements past the holding period from pending to available. */
export async function processRelease() {
  let released = 0;
  for (let batch = 0; batch < 50; batch++) {
    const count = await releaseSettlements(getDb(), { holdSeconds: getEnv().HOLD_PERIOD_SECONDS });
    released += count;
    if (count === 0) break;
  }
  return { released };
}
