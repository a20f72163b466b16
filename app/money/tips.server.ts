// Tips: from a fan's wallet (flow 2: one database transaction, the only hot row touched is the fan's own wallet)
// and from a card payment (flow 3). Both land as a pending tip plus a ledger move into "tips in flight";
// the settlement worker later moves them to creators in aggregate.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { TipStatus } from "../../db/types";
import type { Creator } from "../models/creators.server";
import { Problem } from "../utils/problem.server";
import { CURRENCY_RULES, formatMoney, type Currency } from "./currency";
import { InsufficientBalance, accountCode, findAccountId, postTransaction, systemAccountId, type Tx } from "./ledger.server";
import { writeOutbox } from "./outbox.server";
import { enforceSpendingCaps } from "./spending-caps.server";

export const MESSAGE_MAX = 200;

export interface Tip {
  id: string;
  status: TipStatus;
  creator: string;
  amount: number;
  currency: Currency;
  message: string | null;
  anonymous: boolean;
  source: "wallet" | "card";
  createdAt: string;
}

export interface TipInput {
  amount: number;
  currency: Currency;
  message?: string | null;
  anonymous?: boolean;
}

/** Checks amount, currency and message against the creator and the source; throws a 422 Problem. */
export function validateTip(creator: Creator, input: TipInput, source: "wallet" | "card") {
  const rules = CURRENCY_RULES[input.currency];
  const min = source === "wallet" ? rules.walletTipMin : rules.cardTipMin;
  if (input.currency !== creator.currency) {
    throw new Problem(422, "currency_mismatch", `@${creator.handle} accepts tips in ${creator.currency}.`, {
      currency: [`must be ${creator.currency}`],
    });
  }
  if (!Number.isSafeInteger(input.amount) || input.amount < min) {
    throw new Problem(422, "amount_too_small", `The smallest ${source} tip is ${formatMoney(min, input.currency)}.`, {
      amount: [`must be an integer of at least ${min}`],
    });
  }
  if (input.amount > rules.tipMax) {
    throw new Problem(422, "amount_too_large", `The largest tip is ${formatMoney(rules.tipMax, input.currency)}.`, {
      amount: [`must be at most ${rules.tipMax}`],
    });
  }
  if (input.message && [...input.message].length > MESSAGE_MAX) {
    throw new Problem(422, "message_too_long", `Messages can be up to ${MESSAGE_MAX} characters.`, {
      message: [`must be at most ${MESSAGE_MAX} characters`],
    });
  }
}

function cleanMessage(message: string | null | undefined) {
  const trimmed = message?.trim();
  return trimmed ? trimmed : null;
}

interface NewTip {
  id: string;
  fanId: number | null;
  supporterName: string | null;
  creator: Creator;
  input: TipInput;
  source: "wallet" | "card";
  paymentId: string | null;
  fromAccountId: number;
  purpose?: TipPurpose;
  postId?: number | null;
  /** Held by a fraud rule: settlement skips it until an admin approves. */
  held?: boolean;
}

/** What a tip pays for: support, the unlock of one paid post, or a month of a pledge. */
export type TipPurpose = "tip" | "unlock" | "pledge";

/** Inserts the tip, its ledger move into tips in flight, and the tip.created event — all in `trx`. */
async function recordTip(trx: Tx, tip: NewTip): Promise<Tip> {
  const { creator, input } = tip;
  const inFlight = await systemAccountId(trx, "tips_in_flight", input.currency);
  await postTransaction(trx, {
    key: `tip:${tip.id}`,
    kind: "tip",
    entries: [
      { accountId: tip.fromAccountId, currency: input.currency, amount: -input.amount },
      { accountId: inFlight, currency: input.currency, amount: input.amount },
    ],
  });
  const message = cleanMessage(input.message);
  const row = await trx
    .insertInto("tips")
    .values({
      id: tip.id,
      fan_id: tip.fanId,
      creator_id: creator.id,
      amount: input.amount,
      currency: input.currency,
      message,
      anonymous: input.anonymous ?? false,
      source: tip.source,
      payment_id: tip.paymentId,
      purpose: tip.purpose ?? "tip",
      post_id: tip.postId ?? null,
      status: tip.held ? "held" : "pending",
    })
    .returning(["id", "status", "created_at"])
    .executeTakeFirstOrThrow();
  // A tip held for review is announced (live alert, settlement kick) only once an admin approves it.
  if (!tip.held) await writeOutbox(trx, {
    topic: "tip.created",
    payload: {
      tipId: row.id,
      creatorId: creator.id,
      amount: input.amount,
      currency: input.currency,
      supporterName: input.anonymous ? null : tip.supporterName,
      message,
      createdAt: row.created_at.toISOString(),
    },
  });
  return {
    id: row.id,
    status: row.status,
    creator: creator.handle,
    amount: input.amount,
    currency: input.currency,
    message,
    anonymous: input.anonymous ?? false,
    source: tip.source,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * A tip from the fan's prepaid wallet. The wallet debit is conditional (balance ≥ amount, checked on the locked
 * row), so concurrent tips can never overdraw it; a short wallet is a 402 and nothing is written.
 */
export async function createWalletTip(
  trx: Tx,
  args: { fan: { id: number; displayName: string }; creator: Creator; input: TipInput; purpose?: TipPurpose; postId?: number; held?: boolean; now?: Date },
): Promise<Tip> {
  validateTip(args.creator, args.input, "wallet");
  const walletId = await findAccountId(trx, accountCode.wallet(args.fan.id, args.input.currency));
  if (!walletId) throw insufficientFunds();
  // The fan's own daily / monthly caps (422 spending_cap_reached), checked on the locked wallet row.
  await enforceSpendingCaps(trx, { fanId: args.fan.id, walletId, currency: args.input.currency, amount: args.input.amount, now: args.now });
  try {
    return await recordTip(trx, {
      id: randomUUID(),
      fanId: args.fan.id,
      supporterName: args.fan.displayName,
      creator: args.creator,
      input: args.input,
      source: "wallet",
      paymentId: null,
      fromAccountId: walletId,
      purpose: args.purpose,
      postId: args.postId,
      held: args.held,
    });
  } catch (error) {
    if (error instanceof InsufficientBalance) throw insufficientFunds();
    throw error;
  }
}

function insufficientFunds() {
  return new Problem(402, "insufficient_funds", "Your wallet balance is too low for this tip. Top up your wallet first.");
}

/** A tip paid by card, recorded once its payment succeeded (called from the payment's confirmation). */
export async function createCardTip(
  trx: Tx,
  args: { paymentId: string; fanId: number | null; supporterName: string | null; creator: Creator; input: TipInput; held?: boolean },
): Promise<Tip> {
  const clearing = await systemAccountId(trx, "clearing", args.input.currency);
  return recordTip(trx, {
    id: randomUUID(),
    fanId: args.fanId,
    supporterName: args.supporterName,
    creator: args.creator,
    input: args.input,
    source: "card",
    paymentId: args.paymentId,
    fromAccountId: clearing,
    held: args.held,
  });
}

/** Newest first; `after` is the id of the last tip of the previous page (keyset pagination). */
export async function listFanTips(trx: Tx, args: { fanId: number; limit: number; after?: string }) {
  let q = trx
    .selectFrom("tips")
    .innerJoin("creators", "creators.id", "tips.creator_id")
    .select([
      "tips.id",
      "tips.status",
      "creators.handle as creator",
      "tips.amount",
      "tips.currency",
      "tips.message",
      "tips.anonymous",
      "tips.source",
      "tips.created_at",
    ])
    .where("tips.fan_id", "=", args.fanId)
    .orderBy("tips.created_at", "desc")
    .orderBy("tips.id", "desc")
    .limit(args.limit + 1);
  if (args.after) {
    q = q.where(
      sql<boolean>`(tips.created_at, tips.id) < (select created_at, id from tips where id = ${args.after} and fan_id = ${args.fanId})`,
    );
  }
  const rows = await q.execute();
  const page = rows.slice(0, args.limit).map(
    (r): Tip => ({
      id: r.id,
      status: r.status,
      creator: r.creator,
      amount: r.amount,
      currency: r.currency as Currency,
      message: r.message,
      anonymous: r.anonymous,
      source: r.source,
      createdAt: r.created_at.toISOString(),
    }),
  );
  return { tips: page, hasMore: rows.length > args.limit };
}
