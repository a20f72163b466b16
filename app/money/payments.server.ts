// Card payments through the provider: wallet top-ups (flow 1) and guests' card tips (flow 3). A payment takes
// effect once: the provider charges once per idempotency key, and (provider, provider payment id) is unique here.
import { randomUUID } from "node:crypto";
import type { Creator } from "../models/creators.server";
import { Problem } from "../utils/problem.server";
import { CURRENCY_RULES, formatMoney, type Currency } from "./currency";
import { ensureWalletAccount, postTransaction, systemAccountId, type Tx } from "./ledger.server";
import { InvalidCardError, type ChargeResult, type PaymentProvider } from "./provider.server";
import { createCardTip, validateTip, type Tip, type TipInput } from "./tips.server";

interface PaymentRecord {
  id: string;
  purpose: "topup" | "tip";
  status: "pending" | "succeeded" | "failed" | "refunded";
  amount: number;
  currency: Currency;
  failureCode: string | null;
}

export type PaymentOutcome<T> = { ok: true; payment: PaymentRecord; result: T } | { ok: false; payment: PaymentRecord; problem: Problem };

async function chargeCard(provider: PaymentProvider, args: { amount: number; currency: Currency; card: string; key: string; description: string }) {
  try {
    return await provider.charge({
      amount: args.amount,
      currency: args.currency,
      card: args.card,
      idempotencyKey: args.key,
      description: args.description,
    });
  } catch (error) {
    if (error instanceof InvalidCardError) throw new Problem(422, "invalid_card", error.message, { card: [error.message] });
    throw error;
  }
}

async function insertPayment(
  trx: Tx,
  provider: PaymentProvider,
  charge: ChargeResult,
  values: { purpose: "topup" | "tip"; userId: number | null; creatorId: number | null; amount: number; currency: Currency; details: object },
): Promise<{ payment: PaymentRecord; isNew: boolean }> {
  const inserted = await trx
    .insertInto("payments")
    .values({
      id: randomUUID(),
      provider: provider.name,
      provider_payment_id: charge.providerPaymentId,
      purpose: values.purpose,
      user_id: values.userId,
      creator_id: values.creatorId,
      amount: values.amount,
      currency: values.currency,
      status: charge.status,
      failure_code: charge.status === "failed" ? charge.declineCode : null,
      details: JSON.stringify(values.details),
    })
    .onConflict((oc) => oc.columns(["provider", "provider_payment_id"]).doNothing())
    .returning(["id", "purpose", "status", "amount", "currency", "failure_code"])
    .executeTakeFirst();
  const row =
    inserted ??
    (await trx
      .selectFrom("payments")
      .select(["id", "purpose", "status", "amount", "currency", "failure_code"])
      .where("provider", "=", provider.name)
      .where("provider_payment_id", "=", charge.providerPaymentId)
      .executeTakeFirstOrThrow());
  return {
    isNew: inserted !== undefined,
    payment: {
      id: row.id,
      purpose: row.purpose,
      status: row.status,
      amount: row.amount,
      currency: row.currency as Currency,
      failureCode: row.failure_code,
    },
  };
}

function declined(charge: Extract<ChargeResult, { status: "failed" }>) {
  const status = charge.declineCode === "processing_error" ? 502 : 402;
  return new Problem(status, charge.declineCode === "insufficient_funds" ? "card_insufficient_funds" : "card_declined", charge.message);
}

/** Charges the card and credits the wallet in `trx`. A declined card is recorded (card-testing rules read it) and reported. */
export async function topUpWallet(
  trx: Tx,
  provider: PaymentProvider,
  args: { userId: number; amount: number; currency: Currency; card: string; providerKey: string },
): Promise<PaymentOutcome<{ balance: number }>> {
  const rules = CURRENCY_RULES[args.currency];
  if (!Number.isSafeInteger(args.amount) || args.amount < rules.topupMin || args.amount > rules.topupMax) {
    throw new Problem(
      422,
      "amount_out_of_range",
      `Top-ups are between ${formatMoney(rules.topupMin, args.currency)} and ${formatMoney(rules.topupMax, args.currency)}.`,
      { amount: [`must be an integer from ${rules.topupMin} to ${rules.topupMax}`] },
    );
  }
  const charge = await chargeCard(provider, { ...args, key: args.providerKey, description: "Sodam wallet top-up" });
  const { payment, isNew } = await insertPayment(trx, provider, charge, {
    purpose: "topup",
    userId: args.userId,
    creatorId: null,
    amount: args.amount,
    currency: args.currency,
    details: {},
  });
  const walletId = await ensureWalletAccount(trx, args.userId, args.currency);
  if (charge.status === "failed") return { ok: false, payment, problem: declined(charge) };
  if (isNew) {
    const clearing = await systemAccountId(trx, "clearing", args.currency);
    await postTransaction(trx, {
      key: `topup:${payment.id}`,
      kind: "topup",
      entries: [
        { accountId: clearing, currency: args.currency, amount: -args.amount },
        { accountId: walletId, currency: args.currency, amount: args.amount },
      ],
    });
  }
  const wallet = await trx.selectFrom("accounts").select("balance").where("id", "=", walletId).executeTakeFirstOrThrow();
  return { ok: true, payment, result: { balance: wallet.balance } };
}

/** A tip paid by card (guests may tip this way from the card minimum). */
export async function tipByCard(
  trx: Tx,
  provider: PaymentProvider,
  args: { fan: { id: number; displayName: string } | null; supporterName?: string | null; creator: Creator; input: TipInput; card: string; providerKey: string },
): Promise<PaymentOutcome<Tip | null>> {
  validateTip(args.creator, args.input, "card");
  const charge = await chargeCard(provider, {
    amount: args.input.amount,
    currency: args.input.currency,
    card: args.card,
    key: args.providerKey,
    description: `Tip for @${args.creator.handle}`,
  });
  const supporterName = args.fan?.displayName ?? args.supporterName ?? null;
  const { payment, isNew } = await insertPayment(trx, provider, charge, {
    purpose: "tip",
    userId: args.fan?.id ?? null,
    creatorId: args.creator.id,
    amount: args.input.amount,
    currency: args.input.currency,
    details: { message: args.input.message ?? null, anonymous: args.input.anonymous ?? false, supporterName },
  });
  if (charge.status === "failed") return { ok: false, payment, problem: declined(charge) };
  if (!isNew) return { ok: true, payment, result: null };
  const tip = await createCardTip(trx, { paymentId: payment.id, fanId: args.fan?.id ?? null, supporterName, creator: args.creator, input: args.input });
  return { ok: true, payment, result: tip };
}

export async function getWalletBalances(trx: Tx, userId: number) {
  const rows = await trx
    .selectFrom("accounts")
    .select(["currency", "balance"])
    .where("owner_type", "=", "fan")
    .where("owner_id", "=", userId)
    .where("purpose", "=", "wallet")
    .orderBy("currency")
    .execute();
  return rows.map((r) => ({ currency: r.currency as Currency, balance: r.balance }));
}
