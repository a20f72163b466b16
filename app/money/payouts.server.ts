// Payouts (flow 6). Three steps, each safe to repeat: reserve (available → in transit, one payout row per
// creator and period), transfer at the provider keyed by the payout id, then mark paid (in transit → clearing)
// or failed (in transit → back to available). A crash between steps is resumed with the same key, so the
// provider pays once and the ledger records it once. With a provider that pays through creators' own accounts
// (Stripe Connect), a payout is only reserved for a creator whose account can receive transfers; a transfer the
// provider refuses or later reverses puts the money back in available and leaves the creator a notice.
// Withholding (withholding.ts) is fixed at reservation: the transfer sends the payout minus it, and when paid the
// withheld taxes move to the platform's tax-payable account in their own ledger transaction. Each state a payout
// reaches is recorded with its time (payout-tracking.server.ts).
import { sql } from "kysely";
import type { DB } from "../../db/client";
import { failpoint } from "../utils/failpoints.server";
import { Problem } from "../utils/problem.server";
import { seoulDate, seoulMonth, seoulWallClock } from "../utils/seoul-time";
import { formatMoney, type Currency } from "./currency";
import { isPayoutAccountReady } from "./connect.server";
import { ensureCreatorAccounts, inTransaction, postTransaction, systemAccountId, type Tx } from "./ledger.server";
import { queueWebhookEvent } from "../models/webhooks.server";
import { addCreatorNotice } from "./notices.server";
import { recordPayoutEvent } from "./payout-tracking.server";
import { payoutWithholding } from "./withholding";
import { payoutAccountsRequired } from "./payment-provider.server";
import { PermanentProviderError, type PaymentProvider } from "./provider.server";

export interface Payout {
  id: string;
  creatorId: number;
  amount: number;
  currency: Currency;
  period: string;
  /** reversed: paid, then the provider reversed the transfer; the money is back in available. */
  status: "processing" | "paid" | "failed" | "reversed";
  providerTransferId: string | null;
  failureReason: string | null;
  createdAt: string;
  paidAt: string | null;
  /** Korean income tax and local income tax withheld from `amount`; `net` is what the transfer sends. */
  withholding: { incomeTax: number; localTax: number; total: number };
  net: number;
}

/** ISO week (2026-W48) or month (2026-11) of a date, in Korea's time zone where creators live. */
export function payoutPeriod(schedule: "weekly" | "monthly", at: Date): string {
  if (schedule === "monthly") return seoulMonth(at);
  const kst = seoulWallClock(at);
  // The ISO week belongs to the year of its Thursday.
  const thursday = new Date(Date.UTC(kst.getUTCFullYear(), kst.getUTCMonth(), kst.getUTCDate()));
  thursday.setUTCDate(thursday.getUTCDate() + 4 - (thursday.getUTCDay() || 7));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((thursday.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

export function requestPeriod(at: Date) {
  return `request-${seoulDate(at)}`;
}

type ReserveOutcome =
  | { payout: Payout }
  | { skipped: "below_minimum" | "negative_balance" | "exists" | "no_payout_account"; payout?: Payout };

/**
 * Reserves the creator's whole available balance for a payout of `period`. Refuses when below the creator's
 * minimum, while any balance is negative (a chargeback is not yet covered), when the period already has one, or
 * — when the provider pays through creators' own accounts — while the creator's account cannot receive transfers.
 */
export async function reservePayout(
  db: DB,
  args: { creatorId: number; period: string; minimum?: number; requirePayoutAccount?: boolean },
): Promise<ReserveOutcome> {
  const requireAccount = args.requirePayoutAccount ?? payoutAccountsRequired();
  return db.transaction().execute(async (trx) => {
    if (requireAccount && !(await isPayoutAccountReady(trx, args.creatorId))) return { skipped: "no_payout_account" };
    const creator = await trx
      .selectFrom("creators")
      .select(["id", "currency", "payout_minimum", "tax_status"])
      .where("id", "=", args.creatorId)
      .executeTakeFirstOrThrow();
    const currency = creator.currency as Currency;
    const accounts = await ensureCreatorAccounts(trx, creator.id, currency);
    // Lock both balances (id order) so a concurrent release or refund cannot slip between check and debit.
    const balances = await trx
      .selectFrom("accounts")
      .select(["id", "balance"])
      .where("id", "in", [accounts.pending, accounts.available])
      .orderBy("id")
      .forUpdate()
      .execute();
    const balance = (id: number) => balances.find((b) => b.id === id)!.balance;
    const available = balance(accounts.available);
    if (available < 0 || balance(accounts.pending) < 0) return { skipped: "negative_balance" };
    if (available < (args.minimum ?? creator.payout_minimum) || available <= 0) return { skipped: "below_minimum" };

    const withholding = payoutWithholding({ amount: available, currency, taxStatus: creator.tax_status });
    const inserted = await trx
      .insertInto("payouts")
      .values({
        creator_id: creator.id,
        currency,
        amount: available,
        period: args.period,
        withholding_income_tax: withholding.incomeTax,
        withholding_local_tax: withholding.localTax,
      })
      .onConflict((oc) => oc.columns(["creator_id", "period"]).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted) {
      const existing = await trx
        .selectFrom("payouts")
        .selectAll()
        .where("creator_id", "=", creator.id)
        .where("period", "=", args.period)
        .executeTakeFirstOrThrow();
      return { skipped: "exists", payout: toPayout(existing) };
    }
    await postTransaction(trx, {
      key: `payout:${inserted.id}`,
      kind: "payout",
      entries: [
        { accountId: accounts.available, currency, amount: -available },
        { accountId: accounts.inTransit, currency, amount: available },
      ],
    });
    // The released settlements this payout covers (its statement lists their tips); the balance lock above
    // keeps a release from slipping in between.
    await trx
      .updateTable("settlements")
      .set({ payout_id: inserted.id })
      .where("creator_id", "=", creator.id)
      .where("currency", "=", currency)
      .where("released_at", "is not", null)
      .where("payout_id", "is", null)
      .execute();
    await recordPayoutEvent(trx, inserted.id, "scheduled", inserted.created_at);
    failpoint("payout.after-reserve");
    return { payout: toPayout(inserted) };
  });
}

/**
 * Sends a reserved payout to the provider and records the outcome. Safe to call any number of times, from any
 * number of processes: the transfer is keyed by the payout id and only the first status change posts.
 */
export async function processPayout(db: DB, provider: PaymentProvider, payoutId: string): Promise<Payout | null> {
  const payout = await db.selectFrom("payouts").selectAll().where("id", "=", payoutId).executeTakeFirst();
  if (!payout) return null;
  if (payout.status !== "processing") return toPayout(payout);
  const currency = payout.currency as Currency;
  const withheld = payout.withholding_income_tax + payout.withholding_local_tax;
  const net = payout.amount - withheld;
  await recordPayoutEvent(db, payout.id, "processing");

  let transferId: string;
  try {
    ({ transferId } = await provider.transfer({
      amount: net,
      currency,
      destination: `creator:${payout.creator_id}`,
      idempotencyKey: `payout:${payout.id}`,
      metadata: { sodam_payout_id: payout.id },
    }));
  } catch (error) {
    if (!(error instanceof PermanentProviderError)) throw error;
    return failPayout(db, payout.id, `${error.code}: ${error.message}`);
  }
  failpoint("payout.after-transfer");

  return db.transaction().execute(async (trx) => {
    const paid = await trx
      .updateTable("payouts")
      .set({ status: "paid", provider_transfer_id: transferId, paid_at: new Date(), updated_at: new Date() })
      .where("id", "=", payout.id)
      .where("status", "=", "processing")
      .returningAll()
      .executeTakeFirst();
    if (!paid) return toPayout(await trx.selectFrom("payouts").selectAll().where("id", "=", payout.id).executeTakeFirstOrThrow());
    const accounts = await ensureCreatorAccounts(trx, payout.creator_id, currency);
    if (withheld > 0) {
      await postTransaction(trx, {
        key: `payout_withholding:${payout.id}`,
        kind: "payout_withholding",
        entries: [
          { accountId: accounts.inTransit, currency, amount: -withheld },
          { accountId: await systemAccountId(trx, "tax_payable", currency), currency, amount: withheld },
        ],
      });
    }
    await postTransaction(trx, {
      key: `payout_paid:${payout.id}`,
      kind: "payout_paid",
      entries: [
        { accountId: accounts.inTransit, currency, amount: -net },
        { accountId: await systemAccountId(trx, "clearing", currency), currency, amount: net },
      ],
    });
    await recordPayoutEvent(trx, payout.id, "paid", paid.paid_at ?? undefined);
    const done = toPayout(paid);
    await queueWebhookEvent(trx, { creatorId: done.creatorId, type: "payout.paid", key: done.id, data: payoutEventData(done), at: paid.paid_at ?? undefined });
    return done;
  });
}

/**
 * The provider refused the transfer for good, or reversed it after it was paid (transfer.reversed): the money goes
 * back to the creator's available balance — from in transit (processing → failed) or from the provider clearing
 * account it was paid into (paid → reversed) — and the creator gets a notice. Once per payout.
 */
export async function failPayout(db: Tx, payoutId: string, reason: string): Promise<Payout> {
  return inTransaction(db, async (trx) => {
    const current = await trx.selectFrom("payouts").selectAll().where("id", "=", payoutId).forUpdate().executeTakeFirstOrThrow();
    if (current.status === "failed" || current.status === "reversed") return toPayout(current);
    const wasPaid = current.status === "paid";
    const updated = await trx
      .updateTable("payouts")
      .set({ status: wasPaid ? "reversed" : "failed", failure_reason: reason.slice(0, 500), updated_at: new Date() })
      .where("id", "=", payoutId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const currency = updated.currency as Currency;
    const accounts = await ensureCreatorAccounts(trx, updated.creator_id, currency);
    // A reversed payout was never received, so nothing was earned by it to tax: its withholding comes back
    // from the tax-payable account along with the transferred part from clearing.
    const withheld = updated.withholding_income_tax + updated.withholding_local_tax;
    const from = wasPaid
      ? [
          { accountId: await systemAccountId(trx, "clearing", currency), currency, amount: -(updated.amount - withheld) },
          ...(withheld > 0 ? [{ accountId: await systemAccountId(trx, "tax_payable", currency), currency, amount: -withheld }] : []),
        ]
      : [{ accountId: accounts.inTransit, currency, amount: -updated.amount }];
    await postTransaction(trx, {
      key: `payout_reversal:${updated.id}`,
      kind: "payout_reversal",
      entries: [...from, { accountId: accounts.available, currency, amount: updated.amount }],
    });
    // Its settlements are covered by the next payout instead.
    await trx.updateTable("settlements").set({ payout_id: null }).where("payout_id", "=", updated.id).execute();
    await recordPayoutEvent(trx, updated.id, wasPaid ? "reversed" : "failed", updated.updated_at, reason.slice(0, 500));
    const type = wasPaid ? "payout.reversed" : "payout.failed";
    await queueWebhookEvent(trx, { creatorId: updated.creator_id, type, key: updated.id, data: payoutEventData(toPayout(updated)), at: updated.updated_at });
    await addCreatorNotice(trx, {
      creatorId: updated.creator_id,
      key: `payout_${wasPaid ? "reversed" : "failed"}:${updated.id}`,
      kind: wasPaid ? "payout_reversed" : "payout_failed",
      message: `Your payout of ${formatMoney(updated.amount, currency)} ${wasPaid ? "was reversed" : "could not be sent"}; the money is back in your available balance. Check your payout account.`,
    });
    return toPayout(updated);
  });
}

/** "Pay me now": one on-request payout per creator per day, of the whole available balance. */
export async function requestPayoutNow(db: DB, creatorId: number, now = new Date()) {
  const outcome = await reservePayout(db, { creatorId, period: requestPeriod(now) });
  if ("skipped" in outcome) {
    if (outcome.skipped === "exists") throw new Problem(409, "payout_already_requested", "You already requested a payout today.");
    if (outcome.skipped === "no_payout_account") {
      throw new Problem(422, "payout_account_required", "Set up your payout account first: POST /api/v1/me/connect/onboarding (or the dashboard).");
    }
    if (outcome.skipped === "negative_balance") {
      throw new Problem(422, "balance_negative", "Payouts resume once refunds and chargebacks on your balance are covered.");
    }
    throw new Problem(422, "below_payout_minimum", "Your available balance is below your payout minimum.");
  }
  return outcome.payout;
}

/** Reserves the scheduled payout of every creator whose period has none yet and whose balance allows it. */
export async function reserveDuePayouts(db: DB, now = new Date()): Promise<string[]> {
  const candidates = await db
    .selectFrom("creators as c")
    .innerJoin("accounts as a", (join) =>
      join.on("a.owner_type", "=", "creator").onRef("a.owner_id", "=", "c.id").on("a.purpose", "=", "available"),
    )
    .select(["c.id", "c.payout_schedule"])
    .whereRef("a.balance", ">=", "c.payout_minimum")
    .where("a.balance", ">", 0)
    .orderBy("c.id")
    .execute();
  const reserved: string[] = [];
  for (const creator of candidates) {
    const outcome = await reservePayout(db, { creatorId: creator.id, period: payoutPeriod(creator.payout_schedule, now) });
    if ("payout" in outcome && !("skipped" in outcome)) reserved.push(outcome.payout.id);
  }
  return reserved;
}

/** Payouts reserved but not finished (a crash, a provider outage) for longer than `olderThanSeconds`. */
export async function listUnfinishedPayouts(db: DB, olderThanSeconds: number, limit = 500) {
  const rows = await db
    .selectFrom("payouts")
    .select("id")
    .where("status", "=", "processing")
    .where("created_at", "<=", sql<Date>`now() - make_interval(secs => ${olderThanSeconds})`)
    .orderBy("created_at")
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export async function listCreatorPayouts(db: DB, creatorId: number, limit = 50): Promise<Payout[]> {
  const rows = await db
    .selectFrom("payouts")
    .selectAll()
    .where("creator_id", "=", creatorId)
    .orderBy("created_at", "desc")
    .limit(limit)
    .execute();
  return rows.map(toPayout);
}

/** What payout webhooks carry: the payout as the creator's statement shows it. */
function payoutEventData(p: Payout) {
  return {
    payoutId: p.id,
    status: p.status,
    amount: p.amount,
    currency: p.currency,
    withholding: p.withholding,
    net: p.net,
    period: p.period,
    paidAt: p.paidAt,
    failureReason: p.failureReason,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One of the creator's payouts (ownership in the query); null for another creator's or an unknown id. */
export async function getCreatorPayout(db: DB, args: { creatorId: number; payoutId: string }): Promise<Payout | null> {
  if (!UUID.test(args.payoutId)) return null;
  const row = await db.selectFrom("payouts").selectAll().where("id", "=", args.payoutId).where("creator_id", "=", args.creatorId).executeTakeFirst();
  return row ? toPayout(row) : null;
}

function toPayout(row: {
  id: string;
  creator_id: number;
  amount: number;
  currency: string;
  period: string;
  status: "processing" | "paid" | "failed" | "reversed";
  provider_transfer_id: string | null;
  failure_reason: string | null;
  created_at: Date;
  paid_at: Date | null;
  withholding_income_tax: number;
  withholding_local_tax: number;
}): Payout {
  const total = row.withholding_income_tax + row.withholding_local_tax;
  return {
    id: row.id,
    creatorId: row.creator_id,
    amount: row.amount,
    currency: row.currency as Currency,
    period: row.period,
    status: row.status,
    providerTransferId: row.provider_transfer_id,
    failureReason: row.failure_reason,
    createdAt: row.created_at.toISOString(),
    paidAt: row.paid_at?.toISOString() ?? null,
    withholding: { incomeTax: row.withholding_income_tax, localTax: row.withholding_local_tax, total },
    net: row.amount - total,
  };
}
