// Housekeeping: stored idempotency answers are kept a week (clients may retry for 24 hours), expired sessions
// and relayed outbox events are removed.
import { sql } from "kysely";
import type { DB } from "../../db/client";

export async function purgeExpiredRecords(db: DB) {
  const keys = await db.deleteFrom("idempotency_keys").where("created_at", "<", sql<Date>`now() - interval '7 days'`).executeTakeFirst();
  const sessions = await db.deleteFrom("sessions").where("expires_at", "<", new Date()).executeTakeFirst();
  const outbox = await db
    .deleteFrom("outbox")
    .where("published_at", "is not", null)
    .where("published_at", "<", sql<Date>`now() - interval '7 days'`)
    .executeTakeFirst();
  return {
    idempotencyKeys: Number(keys.numDeletedRows),
    sessions: Number(sessions.numDeletedRows),
    outboxEvents: Number(outbox.numDeletedRows),
  };
}
