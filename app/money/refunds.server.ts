// Refunds and chargebacks (flow 7): a correcting ledger transaction that reverses a tip wherever it is. Pending:
// out of tips in flight. Settled: the creator gives back their net share from available — which may go negative,
// blocking payouts until covered — and the platform its fee share. The fan's wallet or card gets the full amount.
// Always from available, released or not: the release still moves the settlement's whole net from pending to
// available, so a share taken from pending before release would leave pending below zero for good (and payouts
// blocked for good); taken from available, the release covers it.
import type { DB } from "../../db/client";
import { Problem } from "../utils/problem.server";
import type { Currency } from "./currency";
import { platformFee } from "./fees";
import { accountCode, ensureCreatorAccounts, findAccountId, postTransaction, systemAccountId, type Entry } from "./ledger.server";
import type { PaymentProvider } from "./provider.server";

export async function refundTip(db: DB, provider: PaymentProvider, args: { tipId: string; feeBps: number }) {
  return db.transaction().execute(async (trx) => {
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
    if (tip.status === "pending") {
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
      await provider.refund({ providerPaymentId: tip.provider_payment_id!, amount: tip.amount, idempotencyKey: `refund:${tip.id}` });
      await trx.updateTable("payments").set({ status: "refunded", updated_at: new Date() }).where("id", "=", tip.payment_id!).execute();
    }
    return { tipId: tip.id, status: "refunded" as const, alreadyRefunded: false };
  });
}
