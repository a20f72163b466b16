// Card payments through the provider: wallet top-ups (flow 1) and guests' card tips (flow 3). A payment row is
// recorded pending and takes effect once, when it moves to succeeded — synchronously when the provider answers
// "succeeded" at once, or later from the provider's success event (3-D Secure, wallets, the Payment Element).
// The provider charges once per idempotency key, and (provider, provider payment id) is unique here.
import { randomUUID } from "node:crypto";
import { getCreatorById, type Creator } from "../models/creators.server";
import { Problem } from "../utils/problem.server";
import { CURRENCY_RULES, formatMoney, isCurrency, type Currency } from "./currency";
import { ensureWalletAccount, postTransaction, systemAccountId, type Tx } from "./ledger.server";
import { InvalidCardError, type ChargeResult, type PaymentProvider } from "./provider.server";
import { MESSAGE_MAX, createCardTip, validateTip, type Tip, type TipInput } from "./tips.server";

export type PaymentStatus = "pending" | "succeeded" | "failed" | "refunded";

export interface PaymentRecord {
  id: string;
  purpose: "topup" | "tip";
  status: PaymentStatus;
  amount: number;
  currency: Currency;
  failureCode: string | null;
}

export type PaymentOutcome<T> = { ok: true; payment: PaymentRecord; result: T } | { ok: false; payment: PaymentRecord; problem: Problem };

/** What a payment is for; kept on the payment row and, as metadata, with the payment at the provider. */
interface PaymentValues {
  purpose: "topup" | "tip";
  userId: number | null;
  creatorId: number | null;
  amount: number;
  currency: Currency;
  details: TipDetails | Record<string, never>;
}

interface TipDetails {
  message: string | null;
  anonymous: boolean;
  supporterName: string | null;
  /** A fraud rule held the tip for review before it was paid: it is recorded held once the payment succeeds. */
  held?: boolean;
}

const PAYMENT_COLUMNS = ["id", "purpose", "status", "amount", "currency", "failure_code"] as const;

function toRecord(row: { id: string; purpose: "topup" | "tip"; status: PaymentStatus; amount: number; currency: string; failure_code: string | null }): PaymentRecord {
  return { id: row.id, purpose: row.purpose, status: row.status, amount: row.amount, currency: row.currency as Currency, failureCode: row.failure_code };
}

async function chargeCard(provider: PaymentProvider, args: { amount: number; currency: Currency; card: string; key: string; description: string; metadata: Record<string, string> }) {
  try {
    return await provider.charge({
      amount: args.amount,
      currency: args.currency,
      card: args.card,
      idempotencyKey: args.key,
      description: args.description,
      metadata: args.metadata,
    });
  } catch (error) {
    if (error instanceof InvalidCardError) throw new Problem(422, "invalid_card", error.message, { card: [error.message] });
    throw error;
  }
}

/** The provider-side copy of a payment's purpose (Stripe metadata: string values of at most 500 characters). */
function paymentMetadata(values: PaymentValues): Record<string, string> {
  const metadata: Record<string, string> = { sodam_purpose: values.purpose };
  if (values.userId !== null) metadata.sodam_user_id = String(values.userId);
  if (values.creatorId !== null) metadata.sodam_creator_id = String(values.creatorId);
  if ("message" in values.details) {
    if (values.details.message) metadata.sodam_message = values.details.message;
    if (values.details.anonymous) metadata.sodam_anonymous = "true";
    if (values.details.supporterName) metadata.sodam_supporter_name = values.details.supporterName.slice(0, 100);
    if (values.details.held) metadata.sodam_held = "true";
  }
  return metadata;
}

/** Records the payment once per provider payment id (pending, or failed), returning the row that exists. */
async function insertPayment(
  trx: Tx,
  providerName: string,
  charge: { providerPaymentId: string; status: "pending" | "failed"; failureCode?: string | null },
  values: PaymentValues,
): Promise<PaymentRecord> {
  const inserted = await trx
    .insertInto("payments")
    .values({
      id: randomUUID(),
      provider: providerName,
      provider_payment_id: charge.providerPaymentId,
      purpose: values.purpose,
      user_id: values.userId,
      creator_id: values.creatorId,
      amount: values.amount,
      currency: values.currency,
      status: charge.status,
      failure_code: charge.failureCode ?? null,
      details: JSON.stringify(values.details),
    })
    .onConflict((oc) => oc.columns(["provider", "provider_payment_id"]).doNothing())
    .returning(PAYMENT_COLUMNS)
    .executeTakeFirst();
  const row =
    inserted ??
    (await trx
      .selectFrom("payments")
      .select(PAYMENT_COLUMNS)
      .where("provider", "=", providerName)
      .where("provider_payment_id", "=", charge.providerPaymentId)
      .executeTakeFirstOrThrow());
  return toRecord(row);
}

async function getPaymentRecord(trx: Tx, paymentId: string): Promise<PaymentRecord> {
  return toRecord(await trx.selectFrom("payments").select(PAYMENT_COLUMNS).where("id", "=", paymentId).executeTakeFirstOrThrow());
}

function recordCharge(trx: Tx, provider: PaymentProvider, charge: ChargeResult, values: PaymentValues) {
  return insertPayment(
    trx,
    provider.name,
    charge.status === "failed"
      ? { providerPaymentId: charge.providerPaymentId, status: "failed", failureCode: charge.declineCode }
      : { providerPaymentId: charge.providerPaymentId, status: "pending" },
    values,
  );
}

function declined(charge: Extract<ChargeResult, { status: "failed" }>) {
  const status = charge.declineCode === "processing_error" ? 502 : 402;
  return new Problem(status, charge.declineCode === "insufficient_funds" ? "card_insufficient_funds" : "card_declined", charge.message);
}

/**
 * The one place a payment takes effect: pending (or failed — a Payment Element customer may retry the same intent
 * with another card) → succeeded, then the wallet is credited or the card tip recorded, all in `trx`. A second
 * call, from a retried request, a duplicate or late event, or a replay, finds nothing to move and does nothing.
 */
export async function confirmPayment(trx: Tx, paymentId: string): Promise<{ confirmed: boolean; tip: Tip | null }> {
  const row = await trx
    .updateTable("payments")
    .set({ status: "succeeded", failure_code: null, updated_at: new Date() })
    .where("id", "=", paymentId)
    .where("status", "in", ["pending", "failed"])
    .returning(["id", "purpose", "user_id", "creator_id", "amount", "currency", "details"])
    .executeTakeFirst();
  if (!row) return { confirmed: false, tip: null };
  const currency = row.currency as Currency;
  if (row.purpose === "topup") {
    const walletId = await ensureWalletAccount(trx, row.user_id!, currency);
    const clearing = await systemAccountId(trx, "clearing", currency);
    await postTransaction(trx, {
      key: `topup:${row.id}`,
      kind: "topup",
      entries: [
        { accountId: clearing, currency, amount: -row.amount },
        { accountId: walletId, currency, amount: row.amount },
      ],
    });
    return { confirmed: true, tip: null };
  }
  const creator = await getCreatorById(trx, row.creator_id!);
  if (!creator) throw new Error(`payment ${row.id}: creator ${row.creator_id} is missing`);
  const details = row.details as Partial<TipDetails>;
  const tip = await createCardTip(trx, {
    paymentId: row.id,
    fanId: row.user_id,
    supporterName: details.supporterName ?? null,
    creator,
    input: { amount: row.amount, currency, message: details.message ?? null, anonymous: details.anonymous ?? false },
    held: details.held === true,
  });
  return { confirmed: true, tip };
}

/** The provider reported a payment attempt failed; only a payment still pending changes (never a later success). */
export async function markPaymentFailed(trx: Tx, paymentId: string, failureCode: string): Promise<boolean> {
  const row = await trx
    .updateTable("payments")
    .set({ status: "failed", failure_code: failureCode.slice(0, 100), updated_at: new Date() })
    .where("id", "=", paymentId)
    .where("status", "=", "pending")
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

export function validateTopUp(amount: number, currency: Currency) {
  const rules = CURRENCY_RULES[currency];
  if (!Number.isSafeInteger(amount) || amount < rules.topupMin || amount > rules.topupMax) {
    throw new Problem(
      422,
      "amount_out_of_range",
      `Top-ups are between ${formatMoney(rules.topupMin, currency)} and ${formatMoney(rules.topupMax, currency)}.`,
      { amount: [`must be an integer from ${rules.topupMin} to ${rules.topupMax}`] },
    );
  }
}

async function walletBalance(trx: Tx, userId: number, currency: Currency) {
  const walletId = await ensureWalletAccount(trx, userId, currency);
  const wallet = await trx.selectFrom("accounts").select("balance").where("id", "=", walletId).executeTakeFirstOrThrow();
  return wallet.balance;
}

/**
 * Charges the card and, once the payment succeeded, credits the wallet in `trx`. A declined card is recorded
 * (card-testing rules read it) and reported; a payment that needs the customer (3-D Secure) stays pending with
 * a client secret, and is credited when the provider's success event arrives.
 */
export async function topUpWallet(
  trx: Tx,
  provider: PaymentProvider,
  args: { userId: number; amount: number; currency: Currency; card: string; providerKey: string },
): Promise<PaymentOutcome<{ balance: number; clientSecret: string | null }>> {
  validateTopUp(args.amount, args.currency);
  const values: PaymentValues = { purpose: "topup", userId: args.userId, creatorId: null, amount: args.amount, currency: args.currency, details: {} };
  const charge = await chargeCard(provider, { ...args, key: args.providerKey, description: "Sodam wallet top-up", metadata: paymentMetadata(values) });
  let payment = await recordCharge(trx, provider, charge, values);
  if (charge.status === "failed") return { ok: false, payment, problem: declined(charge) };
  if (charge.status === "succeeded") {
    await confirmPayment(trx, payment.id);
    payment = await getPaymentRecord(trx, payment.id);
  }
  const clientSecret = charge.status === "pending" && payment.status === "pending" ? charge.clientSecret : null;
  return { ok: true, payment, result: { balance: await walletBalance(trx, args.userId, args.currency), clientSecret } };
}

function tipValues(args: { fan: { id: number; displayName: string } | null; supporterName?: string | null; creator: Creator; input: TipInput; held?: boolean }): PaymentValues {
  const message = args.input.message?.trim() ? args.input.message.trim() : null;
  return {
    purpose: "tip",
    userId: args.fan?.id ?? null,
    creatorId: args.creator.id,
    amount: args.input.amount,
    currency: args.input.currency,
    details: {
      message,
      anonymous: args.input.anonymous ?? false,
      supporterName: args.fan?.displayName ?? args.supporterName ?? null,
      ...(args.held ? { held: true } : {}),
    },
  };
}

/**
 * A tip paid by card (guests may tip this way from the card minimum). `result` is the tip when this call
 * recorded it; null when the payment is pending (recorded later from the success event; `clientSecret` lets the
 * customer finish it with Stripe.js) or was recorded before.
 */
export async function tipByCard(
  trx: Tx,
  provider: PaymentProvider,
  args: {
    fan: { id: number; displayName: string } | null;
    supporterName?: string | null;
    creator: Creator;
    input: TipInput;
    card: string;
    providerKey: string;
    held?: boolean;
  },
): Promise<PaymentOutcome<Tip | null> & { clientSecret?: string | null }> {
  validateTip(args.creator, args.input, "card");
  const values = tipValues(args);
  const charge = await chargeCard(provider, {
    amount: args.input.amount,
    currency: args.input.currency,
    card: args.card,
    key: args.providerKey,
    description: `Tip for @${args.creator.handle}`,
    metadata: paymentMetadata(values),
  });
  const payment = await recordCharge(trx, provider, charge, values);
  if (charge.status === "failed") return { ok: false, payment, problem: declined(charge) };
  if (charge.status === "pending") return { ok: true, payment, result: null, clientSecret: payment.status === "pending" ? charge.clientSecret : null };
  const { tip } = await confirmPayment(trx, payment.id);
  return { ok: true, payment: await getPaymentRecord(trx, payment.id), result: tip };
}

export type CardPaymentRequest =
  | { purpose: "topup"; userId: number; amount: number; currency: Currency }
  | { purpose: "tip"; fan: { id: number; displayName: string } | null; supporterName?: string | null; creator: Creator; input: TipInput; held?: boolean };

/**
 * Starts a payment the browser confirms with the provider's Payment Element (cards, Korean cards and wallets):
 * creates the intent, records the payment pending, returns the client secret. The success event credits it.
 */
export async function startCardPayment(
  trx: Tx,
  provider: PaymentProvider,
  args: CardPaymentRequest & { providerKey: string },
): Promise<{ payment: PaymentRecord; clientSecret: string }> {
  if (!provider.createPaymentIntent) {
    throw new Problem(422, "payment_element_unavailable", "Paying in the browser needs Stripe. In test mode, send a test card instead.", {
      card: ["required in test mode"],
    });
  }
  let values: PaymentValues;
  let description: string;
  if (args.purpose === "topup") {
    validateTopUp(args.amount, args.currency);
    values = { purpose: "topup", userId: args.userId, creatorId: null, amount: args.amount, currency: args.currency, details: {} };
    description = "Sodam wallet top-up";
  } else {
    validateTip(args.creator, args.input, "card");
    values = tipValues(args);
    description = `Tip for @${args.creator.handle}`;
  }
  const intent = await provider.createPaymentIntent({
    amount: values.amount,
    currency: values.currency,
    idempotencyKey: args.providerKey,
    description,
    metadata: paymentMetadata(values),
  });
  const payment = await insertPayment(trx, provider.name, { providerPaymentId: intent.providerPaymentId, status: "pending" }, values);
  return { payment, clientSecret: intent.clientSecret };
}

/** A payment as the provider describes it in an event: its id, amount, currency and the metadata Sodam gave it. */
export interface ProviderPayment {
  providerPaymentId: string;
  amount: number;
  currency: string;
  metadata: Record<string, string>;
}

/**
 * The payment row of a provider payment. When Sodam never recorded it (the process died between creating the
 * intent and committing), it is recorded from the intent's metadata; null for a payment that is not Sodam's.
 * Refuses an event whose amount or currency differs from what was recorded.
 */
export async function findOrRecordProviderPayment(trx: Tx, providerName: string, payment: ProviderPayment): Promise<PaymentRecord | null> {
  const existing = await trx
    .selectFrom("payments")
    .select(PAYMENT_COLUMNS)
    .where("provider", "=", providerName)
    .where("provider_payment_id", "=", payment.providerPaymentId)
    .executeTakeFirst();
  let record: PaymentRecord | null = existing ? toRecord(existing) : null;
  if (!record) {
    const values = valuesFromMetadata(payment);
    if (!values) return null;
    record = await insertPayment(trx, providerName, { providerPaymentId: payment.providerPaymentId, status: "pending" }, values);
  }
  if (record.amount !== payment.amount || record.currency !== payment.currency.toUpperCase()) {
    throw new Error(
      `payment ${record.id}: the provider reports ${payment.amount} ${payment.currency}, Sodam recorded ${record.amount} ${record.currency}`,
    );
  }
  return record;
}

/** Finds the payment row of a provider payment id without recording anything. */
export async function findProviderPayment(trx: Tx, providerName: string, providerPaymentId: string): Promise<PaymentRecord | null> {
  const row = await trx
    .selectFrom("payments")
    .select(PAYMENT_COLUMNS)
    .where("provider", "=", providerName)
    .where("provider_payment_id", "=", providerPaymentId)
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

function valuesFromMetadata(payment: ProviderPayment): PaymentValues | null {
  const m = payment.metadata;
  const currency = payment.currency.toUpperCase();
  if (!isCurrency(currency) || !Number.isSafeInteger(payment.amount) || payment.amount <= 0) return null;
  const id = (value: string | undefined) => (value && /^[1-9][0-9]{0,15}$/.test(value) ? Number(value) : null);
  if (m.sodam_purpose === "topup") {
    const userId = id(m.sodam_user_id);
    return userId === null ? null : { purpose: "topup", userId, creatorId: null, amount: payment.amount, currency, details: {} };
  }
  if (m.sodam_purpose === "tip") {
    const creatorId = id(m.sodam_creator_id);
    if (creatorId === null) return null;
    return {
      purpose: "tip",
      userId: id(m.sodam_user_id),
      creatorId,
      amount: payment.amount,
      currency,
      details: {
        message: m.sodam_message ? [...m.sodam_message].slice(0, MESSAGE_MAX).join("") : null,
        anonymous: m.sodam_anonymous === "true",
        supporterName: m.sodam_supporter_name ?? null,
        ...(m.sodam_held === "true" ? { held: true } : {}),
      },
    };
  }
  return null;
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

/** A card payment as its pending page shows it: where it stands, what it pays for, and the tip it became. */
export interface PaymentProgress extends PaymentRecord {
  userId: number | null;
  provider: string;
  providerPaymentId: string | null;
  creator: { handle: string; displayName: string } | null;
  tipId: string | null;
}

export async function getPaymentProgress(db: Tx, paymentId: string): Promise<PaymentProgress | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(paymentId)) return null;
  const row = await db
    .selectFrom("payments")
    .leftJoin("creators", "creators.id", "payments.creator_id")
    .leftJoin("tips", "tips.payment_id", "payments.id")
    .select([
      "payments.id",
      "payments.purpose",
      "payments.status",
      "payments.amount",
      "payments.currency",
      "payments.failure_code",
      "payments.user_id",
      "payments.provider",
      "payments.provider_payment_id",
      "creators.handle",
      "creators.display_name",
      "tips.id as tip_id",
    ])
    .where("payments.id", "=", paymentId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    ...toRecord(row),
    userId: row.user_id,
    provider: row.provider,
    providerPaymentId: row.provider_payment_id,
    creator: row.handle && row.display_name ? { handle: row.handle, displayName: row.display_name } : null,
    tipId: row.tip_id,
  };
}
