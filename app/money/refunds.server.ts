// Refunds and chargebacks (flow 7): a correcting ledger transaction that reverses a tip wherever it is. Pending
// or held for review:
// out of tips in flight. Settled: the creator gives back their net share from available — which may go negative,
// blocking payouts until covered — and the platform its fee share. The fan's wallet or card gets the full amount.
// Always from available, released or not: the release still moves the settlement's whole net from pending to
// available, so a share taken from pending before release would leave pending below zero for good (and payouts
// blocked for good); taken from available, the release covers it.
//
// A refund or chargeback the provider reports (charge.refunded, charge.dispute.created) reverses the same way, with
// `providerRefunded` so the provider is not asked to refund again; the `refund:<tip>` key makes it take effect once
// whichever of the admin action, the refund event and the dispute arrives first.
import { Problem } from "../utils/problem.server";
import type { Currency } from "./currency";
import { platformFee } from "./fees";
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

export async function refundTip(db: Tx, provider: PaymentProvider, args: { tipId: string; feeBps: number; providerRefunded?: boolean }) {
  return inTransaction(db, async (trx) => {
    const tip = await trx
      .selectFrom("tips")
      .leftJoin("settlements", "settlements.id", "tips.settlement_id")
      .leftJoin("payments", "payments.id", "tips.payment_id")
      .select([
        "tips.id",
        "tips.status",
        "tips.amount",
        "tips.currency",
        "tips.fan_id",
        "tips.creator_id",
        "tips.source",
        "tips.payment_id",
        "payments.provider_payment_id",
        "payments.provider",
        "settlements.released_at",
      ])
      .where("tips.id", "=", args.tipId)
      .forUpdate("tips")
      .executeTakeFirst();
    if (!tip) throw new Problem(404, "tip_not_found", "No such tip.");
    if (tip.status === "refunded") return { tipId: tip.id, status: "refunded" as const, alreadyRefunded: true };
    const currency = tip.currency as Currency;

    const destination =
      tip.source === "wallet"
        ? await findAccountId(trx, accountCode.wallet(tip.fan_id!, currency))
        : await systemAccountId(trx, "clearing", currency);
    if (!destination) throw new Error(`wallet of tip ${tip.id} is missing`);

    const entries: Entry[] = [{ accountId: destination, currency, amount: tip.amount }];
    // Pending and held tips are still in tips in flight; settled ones are taken back from the creator.
    if (tip.status === "pending" || tip.status === "held") {
      entries.push({ accountId: await systemAccountId(trx, "tips_in_flight", currency), currency, amount: -tip.amount });
    } else {
      const fee = platformFee(tip.amount, args.feeBps);
      const accounts = await ensureCreatorAccounts(trx, tip.creator_id, currency);
      entries.push({ accountId: accounts.available, currency, amount: -(tip.amount - fee) });
      if (fee > 0) entries.push({ accountId: await systemAccountId(trx, "fees", currency), currency, amount: -fee });
    }
    await postTransaction(trx, { key: `refund:${tip.id}`, kind: "refund", entries });
    await trx.updateTable("tips").set({ status: "refunded", refunded_at: new Date() }).where("id", "=", tip.id).execute();

    if (tip.source === "card") {
      // Inside the transaction: if the provider refuses, nothing here is committed; its key makes a retry safe.
      if (!args.providerRefunded) {
        if (tip.provider !== provider.name) {
          throw new Problem(409, "refund_provider_mismatch", `This tip was paid through ${tip.provider}; refund it there.`);
        }
        await provider.refund({ providerPaymentId: tip.provider_payment_id!, amount: tip.amount, idempotencyKey: `refund:${tip.id}` });
      }
      await trx.updateTable("payments").set({ status: "refunded", updated_at: new Date() }).where("id", "=", tip.payment_id!).execute();
    }
    return { tipId: tip.id, status: "refunded" as const, alreadyRefunded: false };
  });
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
export async function reversePayment(trx: Tx, provider: PaymentProvider, args: { payment: PaymentRecord; feeBps: number }) {
  const { payment } = args;
  if (payment.status === "refunded") return { outcome: "already reversed" };
  if (payment.status === "pending" || payment.status === "failed") await confirmPayment(trx, payment.id);
  if (payment.purpose === "topup") {
    const { reversed, fromWallet, loss } = await reverseTopUp(trx, payment.id);
    return { outcome: reversed ? `top-up reversed: ${fromWallet} from the wallet, ${loss} loss` : "already reversed" };
  }
  const tip = await trx.selectFrom("tips").select("id").where("payment_id", "=", payment.id).executeTakeFirst();
  if (!tip) throw new Error(`payment ${payment.id} succeeded but has no tip`);
  const result = await refundTip(trx, provider, { tipId: tip.id, feeBps: args.feeBps, providerRefunded: true });
  return { outcome: result.alreadyRefunded ? "already reversed" : `tip ${tip.id} reversed` };
}
