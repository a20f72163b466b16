// Refunds and chargebacks (flow 7): a correcting ledger transaction that reverses a tip wherever it is. Pending
// or held for review: out of tips in flight. Settled: the creator gives back their net share from available —
// which may go negative, blocking payouts until covered — and the platform its fee share. The fan's wallet or card gets the full amount.
// Always from available, released or not: the release still moves the settlement's whole net from pending to
// available, so a share taken from pending before release would leave pending below zero for good (and payouts
// blocked for good); taken from available, the release covers it.
//
// A refund may be partial (a settled tip only): the fee share taken back is the settlement's fee in proportion to
// all its refunds so far, so refunding every tip of a settlement gives back exactly its fee and net.
//
// A refund or chargeback the provider reports (charge.refunded, charge.dispute.created) reverses the same way, with
// `providerRefunded` so the provider is not asked to refund again; the tip's refunded amount (under its row lock)
// and the refund:<tip>[:<total>] keys make each part take effect once whichever of the admin action, the refund
// event and the dispute arrives first.
import { Problem } from "../utils/problem.server";
import type { Currency } from "./currency";
import {
  accountCode,
  ensureCreatorAccounts,
  ensureWalletAccount,
  findAccountId,
  inTransaction,
  postTransaction,
  systemAccountId,
  type Entry,
  type Tx,
} from "./ledger.server";
import { confirmPayment, type PaymentRecord } from "./payments.server";
import type { PaymentProvider } from "./provider.server";

export interface TipRefundResult {
  tipId: string;
  /** refunded: nothing of the tip is left; partially_refunded: some of it was given back. */
  status: "refunded" | "partially_refunded";
  /** Nothing new happened: the tip was refunded in full already, or the provider's total was applied before. */
  alreadyRefunded: boolean;
  /** Given back by this call. */
  amount: number;
  /** Given back so far, this call included. */
  refundedTotal: number;
  /** The ledger transaction this call posted; null when nothing new happened. */
  ledgerKey: string | null;
}

/**
 * Gives back `amount` of a tip (default: all that is left), or — for the provider's charge.refunded, which reports
 * the running total — whatever `refundedTotal` adds to what was given back already, so each refund applies once
 * whatever the order and number of deliveries. A tip not settled yet is refunded in full only (its whole amount
 * still waits in tips in flight for the settlement). The ledger key is refund:<tip> for a whole refund at once, and
 * refund:<tip>:<total so far> for each part.
 */
export async function refundTip(
  db: Tx,
  provider: PaymentProvider,
  args: { tipId: string; amount?: number; refundedTotal?: number; providerRefunded?: boolean },
): Promise<TipRefundResult> {
  return inTransaction(db, async (trx) => {
    const tip = await trx
      .selectFrom("tips")
      .leftJoin("payments", "payments.id", "tips.payment_id")
      .select([
        "tips.id",
        "tips.status",
        "tips.amount",
        "tips.refunded_amount",
        "tips.currency",
        "tips.fan_id",
        "tips.creator_id",
        "tips.source",
        "tips.payment_id",
        "tips.settlement_id",
        "payments.provider_payment_id",
        "payments.provider",
      ])
      .where("tips.id", "=", args.tipId)
      .forUpdate("tips")
      .executeTakeFirst();
    if (!tip) throw new Problem(404, "tip_not_found", "No such tip.");
    const remaining = tip.amount - tip.refunded_amount;
    const unchanged = (): TipRefundResult => ({
      tipId: tip.id,
      status: remaining === 0 ? "refunded" : "partially_refunded",
      alreadyRefunded: true,
      amount: 0,
      refundedTotal: tip.refunded_amount,
      ledgerKey: null,
    });
    if (remaining === 0) return unchanged();
    const amount = args.refundedTotal !== undefined ? Math.min(args.refundedTotal, tip.amount) - tip.refunded_amount : (args.amount ?? remaining);
    if (args.refundedTotal !== undefined && amount <= 0) return unchanged();
    if (!Number.isSafeInteger(amount) || amount <= 0 || amount > remaining) {
      throw new Problem(422, "refund_amount_invalid", `A refund of this tip is between 1 and ${remaining} (what is left of it).`, {
        amount: [`must be an integer from 1 to ${remaining}`],
      });
    }
    const refundedTotal = tip.refunded_amount + amount;
    const whole = refundedTotal === tip.amount;
    const currency = tip.currency as Currency;

    const destination =
      tip.source === "wallet"
        ? await findAccountId(trx, accountCode.wallet(tip.fan_id!, currency))
        : await systemAccountId(trx, "clearing", currency);
    if (!destination) throw new Error(`wallet of tip ${tip.id} is missing`);

    const entries: Entry[] = [{ accountId: destination, currency, amount }];
    // Pending and held tips are still in tips in flight; settled ones are taken back from the creator.
    if (tip.status === "pending" || tip.status === "held") {
      if (!whole) {
        throw new Problem(409, "tip_not_settled", "This tip is not settled yet: refund it in full, or refund part of it once it is settled (in a few seconds).");
      }
      entries.push({ accountId: await systemAccountId(trx, "tips_in_flight", currency), currency, amount: -amount });
    } else {
      const share = await takeBackFromSettlement(trx, tip.settlement_id!, amount);
      const accounts = await ensureCreatorAccounts(trx, tip.creator_id, currency);
      entries.push({ accountId: accounts.available, currency, amount: -(amount - share.fee) });
      if (share.fee > 0) entries.push({ accountId: await systemAccountId(trx, "fees", currency), currency, amount: -share.fee });
    }
    const key = whole && tip.refunded_amount === 0 ? `refund:${tip.id}` : `refund:${tip.id}:${refundedTotal}`;
    await postTransaction(trx, { key, kind: "refund", entries });
    await trx
      .updateTable("tips")
      .set({ refunded_amount: refundedTotal, ...(whole ? { status: "refunded" as const, refunded_at: new Date() } : {}) })
      .where("id", "=", tip.id)
      .execute();

    if (tip.source === "card") {
      // Inside the transaction: if the provider refuses, nothing here is committed; its key makes a retry safe.
      if (!args.providerRefunded) {
        if (tip.provider !== provider.name) {
          throw new Problem(409, "refund_provider_mismatch", `This tip was paid through ${tip.provider}; refund it there.`);
        }
        await provider.refund({ providerPaymentId: tip.provider_payment_id!, amount, idempotencyKey: key });
      }
      if (whole) await trx.updateTable("payments").set({ status: "refunded", updated_at: new Date() }).where("id", "=", tip.payment_id!).execute();
    }
    return { tipId: tip.id, status: whole ? "refunded" : "partially_refunded", alreadyRefunded: false, amount, refundedTotal, ledgerKey: key };
  });
}

/**
 * The fee share of `amount` refunded from a settlement: the settlement's fee in proportion to all its refunds so
 * far, minus what earlier refunds took — rounded down once over the running total, so refunding every tip of a
 * settlement takes back exactly its fee and its net (rounding each tip's share on its own could take a won more
 * from the creator than they were credited).
 */
async function takeBackFromSettlement(trx: Tx, settlementId: number, amount: number): Promise<{ fee: number }> {
  const settlement = await trx
    .selectFrom("settlements")
    .select(["gross", "fee", "refunded_gross", "refunded_fee"])
    .where("id", "=", settlementId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const refundedGross = settlement.refunded_gross + amount;
  // BigInt: fee × gross can pass 2^53 for large settlements.
  const feeSoFar = Number((BigInt(settlement.fee) * BigInt(refundedGross)) / BigInt(settlement.gross));
  const fee = feeSoFar - settlement.refunded_fee;
  await trx.updateTable("settlements").set({ refunded_gross: refundedGross, refunded_fee: feeSoFar }).where("id", "=", settlementId).execute();
  return { fee };
}

/**
 * A top-up refunded or charged back at the provider: the wallet gives back what it still holds, up to the
 * top-up; what the fan already tipped away is the platform's loss (the tips stand — the creators did nothing
 * wrong). Once per payment: the payment moves succeeded → refunded in the same transaction.
 */
export async function reverseTopUp(trx: Tx, paymentId: string): Promise<{ reversed: boolean; fromWallet: number; loss: number }> {
  const payment = await trx
    .updateTable("payments")
    .set({ status: "refunded", updated_at: new Date() })
    .where("id", "=", paymentId)
    .where("purpose", "=", "topup")
    .where("status", "=", "succeeded")
    .returning(["id", "user_id", "amount", "currency"])
    .executeTakeFirst();
  if (!payment) return { reversed: false, fromWallet: 0, loss: 0 };
  const currency = payment.currency as Currency;
  const walletId = await ensureWalletAccount(trx, payment.user_id!, currency);
  // The wallet row is locked here and by postTransaction, so a concurrent tip cannot spend what is taken back.
  const wallet = await trx.selectFrom("accounts").select("balance").where("id", "=", walletId).forUpdate().executeTakeFirstOrThrow();
  const fromWallet = Math.min(Math.max(wallet.balance, 0), payment.amount);
  const loss = payment.amount - fromWallet;
  const entries: Entry[] = [{ accountId: await systemAccountId(trx, "clearing", currency), currency, amount: payment.amount }];
  if (fromWallet > 0) entries.push({ accountId: walletId, currency, amount: -fromWallet });
  if (loss > 0) entries.push({ accountId: await systemAccountId(trx, "losses", currency), currency, amount: -loss });
  await postTransaction(trx, { key: `topup_refund:${payment.id}`, kind: "refund", entries });
  return { reversed: true, fromWallet, loss };
}

/**
 * The provider took a payment back (a refund made at the provider, or a chargeback). A refund or dispute proves
 * the payment had succeeded, so one Sodam still has as pending (its success event not processed yet — webhooks
 * arrive in any order) is confirmed first; then the tip is reversed wherever it is, or the top-up taken back.
 */
export async function reversePayment(trx: Tx, provider: PaymentProvider, args: { payment: PaymentRecord }): Promise<{ outcome: string; ledgerKey?: string | null }> {
  const { payment } = args;
  if (payment.status === "refunded") return { outcome: "already reversed" };
  if (payment.status === "pending" || payment.status === "failed") await confirmPayment(trx, payment.id);
  if (payment.purpose === "topup") {
    const { reversed, fromWallet, loss } = await reverseTopUp(trx, payment.id);
    return { outcome: reversed ? `top-up reversed: ${fromWallet} from the wallet, ${loss} loss` : "already reversed" };
  }
  const tip = await trx.selectFrom("tips").select("id").where("payment_id", "=", payment.id).executeTakeFirst();
  if (!tip) throw new Error(`payment ${payment.id} succeeded but has no tip`);
  const result = await refundTip(trx, provider, { tipId: tip.id, providerRefunded: true });
  return { outcome: result.alreadyRefunded ? "already reversed" : `tip ${tip.id} reversed`, ledgerKey: result.ledgerKey };
}

/**
 * A partial refund the provider reports (charge.refunded with the running total refunded): the part of the tip
 * not applied yet is given back, once, whatever the order of deliveries. A top-up refunded in part is left for a
 * person to decide (the fan may have tipped the money away already).
 */
export async function applyPartialProviderRefund(trx: Tx, provider: PaymentProvider, args: { payment: PaymentRecord; refundedTotal: number }) {
  const { payment } = args;
  if (payment.purpose === "topup") return { outcome: `needs review: partial refund (${args.refundedTotal} in all) of top-up ${payment.id} not applied` };
  if (payment.status === "pending" || payment.status === "failed") await confirmPayment(trx, payment.id);
  const tip = await trx.selectFrom("tips").select("id").where("payment_id", "=", payment.id).executeTakeFirst();
  if (!tip) throw new Error(`payment ${payment.id} succeeded but has no tip`);
  const result = await refundTip(trx, provider, { tipId: tip.id, refundedTotal: args.refundedTotal, providerRefunded: true });
  return {
    outcome: result.alreadyRefunded
      ? `partial refund of tip ${tip.id} already applied (${result.refundedTotal} refunded)`
      : `tip ${tip.id}: ${result.amount} refunded, ${result.refundedTotal} in all`,
  };
}

/**
 * A chargeback the platform won: Stripe returns the disputed funds, so the tip's reversal that the dispute posted
 * (its `reversal_key`) is undone exactly — the creator gets back the net share it took, the platform its fee share,
 * provider clearing what went back to the card — and the tip stands again (settled, or pending for a tip that had
 * not settled). Once per dispute. A dispute that took nothing (the tip had been refunded already) gives nothing
 * back; a won dispute on a top-up is left to an admin (the fan may have spent the wallet meanwhile).
 */
export async function recreditWonDispute(trx: Tx, disputeId: string): Promise<string> {
  const dispute = await trx
    .selectFrom("disputes")
    .innerJoin("payments", "payments.id", "disputes.payment_id")
    .select(["disputes.id", "disputes.payment_id", "disputes.reversal_key", "disputes.recredited_at", "payments.purpose"])
    .where("disputes.id", "=", disputeId)
    .forUpdate("disputes")
    .executeTakeFirstOrThrow();
  if (dispute.recredited_at) return "given back already";
  if (!dispute.reversal_key) return "nothing to give back (the dispute took nothing)";
  if (dispute.purpose === "topup") return "the top-up reversal stands (re-crediting the wallet is an admin decision)";
  const tip = await trx
    .selectFrom("tips")
    .select(["id", "settlement_id", "refunded_amount", "currency"])
    .where("payment_id", "=", dispute.payment_id)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const reversal = await trx
    .selectFrom("ledger_entries")
    .innerJoin("ledger_transactions", "ledger_transactions.id", "ledger_entries.transaction_id")
    .select(["ledger_entries.account_id", "ledger_entries.currency", "ledger_entries.amount"])
    .where("ledger_transactions.key", "=", dispute.reversal_key)
    .execute();
  if (reversal.length === 0) throw new Error(`dispute ${dispute.id}: its reversal ${dispute.reversal_key} is not in the ledger`);
  const currency = tip.currency as Currency;
  const fees = await systemAccountId(trx, "fees", currency);
  // What went back to the card (or wallet) is the reversal's one credit; the fee share is what the fees gave up.
  const amount = reversal.filter((e) => e.amount > 0).reduce((sum, e) => sum + e.amount, 0);
  const feeShare = -(reversal.find((e) => e.account_id === fees)?.amount ?? 0);
  await postTransaction(trx, {
    key: `dispute_won:${dispute.id}`,
    kind: "dispute_won",
    entries: reversal.map((e) => ({ accountId: e.account_id, currency: e.currency as Currency, amount: -e.amount })),
  });
  await trx
    .updateTable("tips")
    .set({ refunded_amount: tip.refunded_amount - amount, status: tip.settlement_id === null ? "pending" : "settled", refunded_at: null })
    .where("id", "=", tip.id)
    .execute();
  if (tip.settlement_id !== null) {
    await trx
      .updateTable("settlements")
      .set((eb) => ({ refunded_gross: eb("refunded_gross", "-", amount), refunded_fee: eb("refunded_fee", "-", feeShare) }))
      .where("id", "=", tip.settlement_id)
      .execute();
  }
  await trx.updateTable("payments").set({ status: "succeeded", updated_at: new Date() }).where("id", "=", dispute.payment_id).where("status", "=", "refunded").execute();
  await trx.updateTable("disputes").set({ recredited_at: new Date(), updated_at: new Date() }).where("id", "=", dispute.id).execute();
  return `tip ${tip.id}: ${amount} given back`;
}
