// Notes for creators about their money that they did not ask for: a payout that failed or was reversed, a bank
// payout that failed at the provider. Each has a business key, so a retried job or replayed event adds it once.
// `kind` lets pages show the note in the creator's language; `message` is the English fallback.
import type { DB } from "../../db/client";
import type { Tx } from "./ledger.server";

export interface CreatorNotice {
  id: number;
  kind: string;
  message: string;
  createdAt: string;
  read: boolean;
}

export async function addCreatorNotice(trx: Tx, notice: { creatorId: number; key: string; kind: string; message: string }) {
  await trx
    .insertInto("creator_notices")
    .values({ creator_id: notice.creatorId, key: notice.key, kind: notice.kind, message: notice.message })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
}

export async function listCreatorNotices(db: DB, creatorId: number, limit = 20): Promise<CreatorNotice[]> {
  const rows = await db
    .selectFrom("creator_notices")
    .select(["id", "kind", "message", "created_at", "read_at"])
    .where("creator_id", "=", creatorId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, kind: r.kind, message: r.message, createdAt: r.created_at.toISOString(), read: r.read_at !== null }));
}
