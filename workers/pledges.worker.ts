import { chargeDuePledges, pledgeMonth } from "~/money/pledges.server";
import { getDb } from "~/utils/db.server";

/** Pays this month's pledges that have not been charged yet (once per pledge and month). */
export async function processPledges() {
  return chargeDuePledges(getDb(), pledgeMonth(new Date()));
}
