import { purgeExpiredRecords } from "~/jobs/maintenance.server";
import { getDb } from "~/utils/db.server";

/** Daily housekeeping of idempotency answers, sessions and relayed events. */
export async function processMaintenance() {
  return purgeExpiredRecords(getDb());
}
