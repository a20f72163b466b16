// Payout tracking: every state a payout reaches, with its time (scheduled when reserved, processing when sent to the
// provider, then paid, failed or reversed), for the creator's statement page; and the watch for payouts stuck in
// processing, which raises an admin alert (a row, a log line, a metric) and tells the creator — once per payout.
import { sql } from "kysely";
import type { DB } from "../../db/client";
import type { PayoutEventStatus } from "../../db/types";
import { getLogger } from "../utils/logger.server";
import { formatMoney, type Currency } from "./currency";
import type { Tx } from "./ledger.server";
import { addCreatorNotice } from "./notices.server";

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

export interface StuckPayout {
  payoutId: string;
  creatorId: number;
  amount: number;
  currency: Currency;
  reservedAt: string;
}

/**
 * Raises an alert for every payout still processing `olderThanSeconds` after it was reserved and not alerted yet:
 * an admin_alerts row (key payout_stuck:<id>), a warning log line, and a notice to the creator, in one transaction
 * per payout. Returns the payouts newly flagged. Safe to run from several workers at once (the key is unique).
 */
export async function flagStuckPayouts(db: DB, args: { olderThanSeconds: number; now?: Date; limit?: number }): Promise<StuckPayout[]> {
  const now = args.now ?? new Date();
  const cutoff = new Date(now.getTime() - args.olderThanSeconds * 1000);
  const candidates = await db
    .selectFrom("payouts")
    .select(["id", "creator_id", "amount", "currency", "created_at"])
    .where("status", "=", "processing")
    .where("created_at", "<=", cutoff)
    .where((eb) => eb.not(eb.exists(eb.selectFrom("admin_alerts").select("id").where("key", "=", sql<string>`'payout_stuck:' || payouts.id`))))
    .orderBy("created_at")
    .limit(args.limit ?? 100)
    .execute();
  const flagged: StuckPayout[] = [];
  for (const p of candidates) {
    const stuck: StuckPayout = { payoutId: p.id, creatorId: p.creator_id, amount: p.amount, currency: p.currency as Currency, reservedAt: p.created_at.toISOString() };
    const raised = await db.transaction().execute(async (trx) => {
      const alert = await trx
        .insertInto("admin_alerts")
        .values({
          key: `payout_stuck:${p.id}`,
          kind: "payout_stuck",
          message: `Payout ${p.id} of ${formatMoney(p.amount, stuck.currency)} to creator ${p.creator_id} is still processing ${Math.round((now.getTime() - p.created_at.getTime()) / 1000)} s after it was reserved.`,
          details: JSON.stringify(stuck),
        })
        .onConflict((oc) => oc.column("key").doNothing())
        .returning("id")
        .executeTakeFirst();
      if (!alert) return false;
      await addCreatorNotice(trx, {
        creatorId: p.creator_id,
        key: `payout_stuck:${p.id}`,
        kind: "payout_stuck",
        message: `Your payout of ${formatMoney(p.amount, stuck.currency)} is taking longer than expected. We are looking into it.`,
      });
      return true;
    });
    if (!raised) continue;
    getLogger().warn({ alert: "payout_stuck", payout: p.id, creator: p.creator_id, reservedAt: stuck.reservedAt }, "payout stuck in processing");
    flagged.push(stuck);
  }
  return flagged;
}

/** For /metrics: payouts processing longer than the threshold, and open admin alerts by kind. */
export async function stuckPayoutGauges(db: DB, olderThanSeconds: number) {
  const stuck = await db
    .selectFrom("payouts")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("status", "=", "processing")
    .where("created_at", "<=", sql<Date>`now() - make_interval(secs => ${olderThanSeconds})`)
    .executeTakeFirstOrThrow();
  const alerts = await db
    .selectFrom("admin_alerts")
    .select((eb) => ["kind", eb.fn.countAll<number>().as("n")])
    .where("resolved_at", "is", null)
    .groupBy("kind")
    .execute();
  return { stuckPayouts: Number(stuck.n), openAlerts: alerts.map((a) => ({ kind: a.kind, count: Number(a.n) })) };
}
