// Provider webhook events (Stripe): stored once by their event id when they arrive, then applied by a worker —
// each in one database transaction with its effects and the mark that it was processed, under a row lock, so an
// event takes effect once however often it is delivered, enqueued, swept up or replayed.
//
// Order: Stripe delivers in no guaranteed order, so each effect is written to be right whatever came first.
// - A payment moves pending → succeeded once (a late payment_failed never undoes a success).
// - A refund or dispute proves the charge succeeded: a payment still pending is confirmed first, then reversed.
// - A refund/dispute for a payment Sodam has not recorded yet (its row commits a moment later) is retried later.
// - charge.refunded carries the running total refunded: a partial refund gives back only what is not applied yet,
//   so a late or repeated delivery of an older total changes nothing.
// - Account snapshots older than the one applied last are ignored; a reversed transfer fails a payout that is
//   still processing or reverses one already paid.
// - Disputes: created (funds withdrawn) reverses the tip or top-up like a refund; inquiries (warning_*) only
//   record. Closed as lost reverses too (if created never arrived); closed as won gives back, once, exactly what
//   the dispute's reversal took (a won dispute on a top-up is left to an admin).
// - An event from the other mode than the configured key (a live event on a test key, or the reverse) is stored
//   and marked, never applied.
import { sql } from "kysely";
import type { DB } from "../../db/client";
import { getLogger } from "../utils/logger.server";
import { Problem } from "../utils/problem.server";
import { creatorOfPayoutAccount, recordPayoutAccountStatus } from "./connect.server";
import { formatMoney, isCurrency } from "./currency";
import type { Tx } from "./ledger.server";
import { addCreatorNotice } from "./notices.server";
import { confirmPayment, findOrRecordProviderPayment, findProviderPayment, markPaymentFailed, type PaymentRecord } from "./payments.server";
import { failPayout } from "./payouts.server";
import type { PaymentProvider } from "./provider.server";
import { applyPartialProviderRefund, recreditWonDispute, reversePayment } from "./refunds.server";
import { interpretStripeEvent, type ProviderEventFact, type VerifiedEvent } from "./stripe-provider.server";

/** The event refers to something Sodam has not recorded yet; processing is retried later. */
export class EventNotReady extends Error {
  override name = "EventNotReady";
}

/** Stores a verified event once; a second delivery of the same event id stores nothing and returns false. */
export async function storeProviderEvent(db: DB, event: VerifiedEvent): Promise<boolean> {
  const inserted = await db
    .insertInto("provider_events")
    .values({
      id: event.id,
      provider: "stripe",
      type: event.type,
      account: event.account,
      livemode: event.livemode,
      payload: JSON.stringify(event.payload),
      event_created_at: event.createdAt,
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted !== undefined;
}

export type ProcessResult =
  | { status: "processed"; outcome: string }
  | { status: "already_processed" }
  | { status: "busy" }
  | { status: "missing" };

/**
 * Applies one stored event. Another process holding it → busy (it will finish or fail it); processed already →
 * nothing, unless `force` (the replay command: every effect is idempotent, so re-applying changes nothing that
 * took effect). A failure rolls the whole event back, is recorded on the row with a retry time, and is rethrown.
 */
export async function processProviderEvent(
  db: DB,
  provider: PaymentProvider,
  eventId: string,
  options: { feeBps: number; force?: boolean },
): Promise<ProcessResult> {
  try {
    return await db.transaction().execute(async (trx): Promise<ProcessResult> => {
      const row = await trx
        .selectFrom("provider_events")
        .select(["id", "type", "livemode", "payload", "processed_at", "event_created_at"])
        .where("id", "=", eventId)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!row) {
        const exists = await trx.selectFrom("provider_events").select("id").where("id", "=", eventId).executeTakeFirst();
        return { status: exists ? "busy" : "missing" };
      }
      if (row.processed_at && !options.force) return { status: "already_processed" };
      let outcome: string;
      if (provider.livemode !== undefined && row.livemode !== provider.livemode) {
        // A test-mode event must never move money on a live account, nor a live one on a test setup.
        outcome = `not applied: a ${row.livemode ? "live" : "test"}-mode event, but the configured key is ${provider.livemode ? "live" : "test"}`;
        getLogger().warn({ event: eventId, type: row.type, livemode: row.livemode }, "Stripe event from the other mode stored, not applied");
      } else {
        outcome = await applyFact(trx, provider, interpretStripeEvent(row.payload), { at: row.event_created_at, feeBps: options.feeBps, eventId });
      }
      await trx
        .updateTable("provider_events")
        .set({ processed_at: row.processed_at ?? new Date(), outcome: outcome.slice(0, 1000), error: null })
        .where("id", "=", eventId)
        .execute();
      return { status: "processed", outcome };
    });
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    await db
      .updateTable("provider_events")
      .set((eb) => ({
        attempts: eb("attempts", "+", 1),
        error: message.slice(0, 2000),
        // Backs off 2, 4, 8 … seconds, at most ten minutes apart.
        next_attempt_at: sql<Date>`now() + make_interval(secs => least(power(2, attempts + 1), 600))`,
      }))
      .where("id", "=", eventId)
      .where("processed_at", "is", null)
      .execute()
      .catch(() => {});
    throw error;
  }
}

/** Stored events not processed yet whose retry time has come (a lost job, a failure, Redis wiped), oldest first. */
export async function listDueProviderEvents(db: DB, limit = 100): Promise<string[]> {
  const rows = await db
    .selectFrom("provider_events")
    .select("id")
    .where("processed_at", "is", null)
    .where("next_attempt_at", "<=", sql<Date>`now()`)
    .orderBy("next_attempt_at")
    .orderBy("received_at")
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Events for the replay command: one by id, or all received since a time, in the order they were created. */
export async function listEventsForReplay(db: DB, filter: { eventId?: string; since?: Date }): Promise<string[]> {
  let query = db.selectFrom("provider_events").select("id").orderBy("event_created_at").orderBy("received_at");
  if (filter.eventId) query = query.where("id", "=", filter.eventId);
  if (filter.since) query = query.where("received_at", ">=", filter.since);
  return (await query.execute()).map((r) => r.id);
}

/**
 * Applies stored events again (processed or not), in the order the provider created them: every effect is keyed,
 * so only what is missing happens. Returns what each event did; a failing event is reported and the rest go on.
 */
export async function replayProviderEvents(
  db: DB,
  provider: PaymentProvider,
  filter: { eventId?: string; since?: Date },
  options: { feeBps: number },
): Promise<{ id: string; result: ProcessResult | { status: "failed"; error: string } }[]> {
  const results: { id: string; result: ProcessResult | { status: "failed"; error: string } }[] = [];
  for (const id of await listEventsForReplay(db, filter)) {
    try {
      results.push({ id, result: await processProviderEvent(db, provider, id, { ...options, force: true }) });
    } catch (error) {
      results.push({ id, result: { status: "failed", error: error instanceof Error ? error.message : String(error) } });
    }
  }
  return results;
}

async function paymentOrRetry(trx: Tx, providerPaymentId: string): Promise<PaymentRecord> {
  const payment = await findProviderPayment(trx, "stripe", providerPaymentId);
  if (!payment) throw new EventNotReady(`no payment recorded for ${providerPaymentId} yet`);
  return payment;
}

async function applyFact(trx: Tx, provider: PaymentProvider, fact: ProviderEventFact, ctx: { at: Date; feeBps: number; eventId: string }): Promise<string> {
  switch (fact.kind) {
    case "payment_succeeded": {
      const payment = await findOrRecordProviderPayment(trx, "stripe", fact.payment);
      if (!payment) return `ignored: ${fact.payment.providerPaymentId} is not a Sodam payment`;
      const { confirmed, tip } = await confirmPayment(trx, payment.id);
      if (!confirmed) return `payment ${payment.id} was already ${payment.status}`;
      return payment.purpose === "topup" ? `top-up ${payment.id} credited` : `card tip ${tip?.id} recorded for payment ${payment.id}`;
    }
    case "payment_failed": {
      const payment = await findOrRecordProviderPayment(trx, "stripe", fact.payment);
      if (!payment) return `ignored: ${fact.payment.providerPaymentId} is not a Sodam payment`;
      return (await markPaymentFailed(trx, payment.id, fact.failureCode)) ? `payment ${payment.id} failed (${fact.failureCode})` : `payment ${payment.id} stays ${payment.status}`;
    }
    case "payment_refunded": {
      // A payment Sodam never started (another integration on the same account) is not waited for.
      const known = await findProviderPayment(trx, "stripe", fact.providerPaymentId);
      if (!known && !fact.sodamPayment) return `ignored: ${fact.providerPaymentId} is not a Sodam payment`;
      const payment = known ?? (await paymentOrRetry(trx, fact.providerPaymentId));
      if (fact.fully) return (await reversePayment(trx, provider, { payment })).outcome;
      try {
        // amount_refunded is the charge's running total: only what Sodam has not applied yet is given back.
        return (await applyPartialProviderRefund(trx, provider, { payment, refundedTotal: fact.amountRefunded })).outcome;
      } catch (error) {
        // The tip still waits for its settlement, which takes its whole amount: the part is applied after it.
        if (error instanceof Problem && error.code === "tip_not_settled") throw new EventNotReady(`tip of ${payment.id} is not settled yet`);
        throw error;
      }
    }
    case "dispute":
      return applyDispute(trx, provider, fact, ctx);
    case "payout_account_updated": {
      const result = await recordPayoutAccountStatus(trx, { ...fact.status, creatorId: fact.creatorId, at: ctx.at });
      return `payout account ${fact.status.accountId}: ${result}`;
    }
    case "transfer_reversed": {
      let query = trx.selectFrom("payouts").select(["id", "status"]).where("provider_transfer_id", "=", fact.transferId);
      if (fact.payoutId && /^[0-9a-f-]{36}$/.test(fact.payoutId)) {
        query = trx
          .selectFrom("payouts")
          .select(["id", "status"])
          .where((eb) => eb.or([eb("provider_transfer_id", "=", fact.transferId), eb("id", "=", fact.payoutId!)]));
      }
      const payout = await query.executeTakeFirst();
      if (!payout) return `ignored: transfer ${fact.transferId} is not a Sodam payout`;
      if (!fact.fully) return `needs review: partial reversal of ${fact.amountReversed} on payout ${payout.id} not applied`;
      const result = await failPayout(trx, payout.id, `transfer ${fact.transferId} was reversed by Stripe`);
      return `payout ${payout.id} ${result.status}`;
    }
    case "bank_payout_failed": {
      const creatorId = await creatorOfPayoutAccount(trx, fact.accountId);
      if (creatorId === null) return `ignored: ${fact.accountId} is not a creator's account`;
      const currency = fact.currency.toUpperCase();
      const amount = isCurrency(currency) ? formatMoney(fact.amount, currency) : `${fact.amount} ${fact.currency}`;
      await addCreatorNotice(trx, {
        creatorId,
        key: `bank_payout_failed:${fact.payoutId}`,
        kind: "bank_payout_failed",
        message: `Stripe could not send ${amount} to your bank (${fact.failureCode ?? "unknown reason"}). Update your bank details in your payout account.`,
      });
      return `creator ${creatorId} told: bank payout ${fact.payoutId} failed`;
    }
    case "ignored":
      return `ignored: ${fact.reason}`;
  }
}

/** Inquiries (warning_*) hold no funds; a dispute that withdrew funds reverses the payment unless already won. */
async function applyDispute(trx: Tx, provider: PaymentProvider, fact: Extract<ProviderEventFact, { kind: "dispute" }>, ctx: { at: Date; feeBps: number }) {
  const payment = await paymentOrRetry(trx, fact.providerPaymentId);
  const closed = fact.phase === "closed";
  // The latest state wins whatever the delivery order: a closed dispute is never reopened by a late "created".
  const row = await trx
    .insertInto("disputes")
    .values({
      id: fact.disputeId,
      payment_id: payment.id,
      amount: fact.amount,
      currency: fact.currency.toUpperCase() as "KRW" | "USD",
      reason: fact.reason,
      status: fact.status,
      closed_at: closed ? ctx.at : null,
    })
    .onConflict((oc) =>
      oc.column("id").doUpdateSet((eb) => ({
        status: closed ? eb.ref("excluded.status") : sql<string>`case when disputes.closed_at is null then excluded.status else disputes.status end`,
        closed_at: closed ? eb.ref("excluded.closed_at") : eb.ref("disputes.closed_at"),
        updated_at: new Date(),
      })),
    )
    .returning(["status"])
    .executeTakeFirstOrThrow();
  const status = row.status;
  if (status.startsWith("warning_") || status === "prevented") return `dispute ${fact.disputeId} recorded (${status}); no funds withdrawn`;
  if (status === "won") return `dispute ${fact.disputeId} won: ${await recreditWonDispute(trx, fact.disputeId)}`;
  const { outcome, ledgerKey } = await reversePayment(trx, provider, { payment });
  // What this dispute took, so that winning it gives back exactly that (a refund made before took it, not this).
  if (ledgerKey) await trx.updateTable("disputes").set({ reversal_key: ledgerKey }).where("id", "=", fact.disputeId).where("reversal_key", "is", null).execute();
  return `dispute ${fact.disputeId} (${status}): ${outcome}`;
}
