// Settlement claims pending tips creator by creator (so a backlog spread over many creators still settles in few,
// large per-creator settlements); this index gives it that order without sorting the whole backlog.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index tips_pending_by_creator_idx on tips (creator_id, created_at) where status = 'pending'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists tips_pending_by_creator_idx`.execute(db);
}
