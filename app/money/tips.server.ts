// Tips: from a fan's wallet (flow 2: one database transaction, the only hot row touched is the fan's own wallet)
// and from a card payment (flow 3). Both land as a pending tip plus a ledger move into "tips in flight";
// the settlement worker later moves them to creators in aggregate.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { TipStatus } from "../../db/types";
import type { Creator } from "../models/creators.server";
import { Problem } from "../utils/problem.server";
import { CURRENCY_RULES, formatMoney, type Currency } from "./currency";
import { InsufficientBalance, accountCode, postTransaction, systemAccountMissing, type Tx } from "./ledger.server";
import { outboxRow } from "./outbox.server";
import { capRowsForShare, enforceSpendingCaps, type CapRowJson } from "./spending-caps.server";

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
  purpose?: TipPurpose;
  postId?: number | null;
  /** Held by a fraud rule: settlement skips it until an admin approves. */
  held?: boolean;
}

/** What a tip pays for: support, the unlock of one paid post, or a month of a pledge. */
export type TipPurpose = "tip" | "unlock" | "pledge";

/** What recording a tip needs from the database, read in one round trip by tipContext. */
interface TipContext {
  /** The account the money comes from (the fan's wallet, or provider clearing); null: the fan has no wallet. */
  fromAccountId: number | null;
  inFlightId: number;
  /** The transaction's time: now() is fixed for a transaction, so it is the tip row's created_at too. */
  now: Date;
  capRows: CapRowJson[];
}

async function tipContext(trx: Tx, args: { fromAccountCode: string; currency: Currency; capsOfFan?: number }): Promise<TipContext> {
  const inFlightCode = accountCode.platform("tips_in_flight", args.currency);
  const { rows } = await sql<{ from_id: number | null; in_flight_id: number | null; now: Date; caps: CapRowJson[] | null }>`
    select (select id from accounts where code = ${args.fromAccountCode}) as from_id,
           (select id from accounts where code = ${inFlightCode}) as in_flight_id,
           now() as now,
           ${args.capsOfFan === undefined ? sql`null` : capRowsForShare(args.capsOfFan, args.currency)} as caps
  `.execute(trx);
  const row = rows[0]!;
  if (row.in_flight_id === null) throw systemAccountMissing(inFlightCode);
  return { fromAccountId: row.from_id, inFlightId: row.in_flight_id, now: row.now, capRows: row.caps ?? [] };
}

/** Moves the money into tips in flight, then inserts the tip with its tip.created event (one statement) — in `trx`. */
async function recordTip(trx: Tx, tip: NewTip, context: TipContext & { fromAccountId: number }): Promise<Tip> {
  const { creator, input } = tip;
  await postTransaction(trx, {
    key: `tip:${tip.id}`,
    kind: "tip",
    entries: [
      { accountId: context.fromAccountId, currency: input.currency, amount: -input.amount },
      { accountId: context.inFlightId, currency: input.currency, amount: input.amount },
    ],
  });
  const message = cleanMessage(input.message);
  const status: TipStatus = tip.held ? "held" : "pending";
  const row = {
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
    status,
  };
  // A tip held for review is announced (live alert, settlement kick) only once an admin approves it.
  if (tip.held) await trx.insertInto("tips").values(row).execute();
  else {
    const event = outboxRow({
      topic: "tip.created",
      payload: {
        tipId: tip.id,
        creatorId: creator.id,
        amount: input.amount,
        currency: input.currency,
        supporterName: input.anonymous ? null : tip.supporterName,
        message,
        createdAt: context.now.toISOString(),
      },
    });
    await trx.with("tip", (db) => db.insertInto("tips").values(row)).insertInto("outbox").values(event).execute();
  }
  return {
    id: tip.id,
    status,
    creator: creator.handle,
    amount: input.amount,
    currency: input.currency,
    message,
    anonymous: input.anonymous ?? false,
    source: tip.source,
    createdAt: context.now.toISOString(),
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
  const { currency, amount } = args.input;
  const context = await tipContext(trx, { fromAccountCode: accountCode.wallet(args.fan.id, currency), currency, capsOfFan: args.fan.id });
  const walletId = context.fromAccountId;
  if (!walletId) throw insufficientFunds();
  // The fan's own daily / monthly caps (422 spending_cap_reached), checked on the locked wallet row.
  await enforceSpendingCaps(trx, { fanId: args.fan.id, walletId, currency, amount, capRows: context.capRows, now: args.now });
  try {
    return await recordTip(
      trx,
      {
        id: randomUUID(),
        fanId: args.fan.id,
        supporterName: args.fan.displayName,
        creator: args.creator,
        input: args.input,
        source: "wallet",
        paymentId: null,
        purpose: args.purpose,
        postId: args.postId,
        held: args.held,
      },
      { ...context, fromAccountId: walletId },
    );
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
  const clearingCode = accountCode.clearing(args.input.currency);
  const context = await tipContext(trx, { fromAccountCode: clearingCode, currency: args.input.currency });
  if (!context.fromAccountId) throw systemAccountMissing(clearingCode);
  return recordTip(
    trx,
    {
      id: randomUUID(),
      fanId: args.fanId,
      supporterName: args.supporterName,
      creator: args.creator,
      input: args.input,
      source: "card",
      paymentId: args.paymentId,
      held: args.held,
    },
    { ...context, fromAccountId: context.fromAccountId },
  );
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
