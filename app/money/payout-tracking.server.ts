// Payout tracking: every state a payout reaches, with its time (scheduled when reserved, processing when sent to the
// provider, then paid, failed or reversed), for the creator's statement page.
import type { PayoutEventStatus } from "../../db/types";
import type { Tx } from "./ledger.server";

export interface PayoutEvent {
  status: PayoutEventStatus;
  at: string;
  note: string | null;
}

/** Records that a payout reached `status`; the first time counts (a retried step records nothing new). */
export async function recordPayoutEvent(trx: Tx, payoutId: string, status: PayoutEventStatus, at?: Date, note?: string) {
  await trx
    .insertInto("payout_events")
    .values({ payout_id: payoutId, status, ...(at ? { at } : {}), note: note ?? null })
    .onConflict((oc) => oc.columns(["payout_id", "status"]).doNothing())
    .execute();
}

export async function listPayoutEvents(db: Tx, payoutId: string): Promise<PayoutEvent[]> {
  const rows = await db.selectFrom("payout_events").select(["status", "at", "note"]).where("payout_id", "=", payoutId).orderBy("at").orderBy("id").execute();
  return rows.map((r) => ({ status: r.status, at: r.at.toISOString(), note: r.note }));
}
