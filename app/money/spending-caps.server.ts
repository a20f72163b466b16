// Fans' spending caps: a daily and a monthly limit on what leaves their wallet (tips, unlocks, pledges), by Seoul
// day and month. Lowering a cap works at once; raising or removing one waits out a 24-hour cooling-off period, so a
// cap set in a calm moment holds through an impulsive one. The check runs in the tip's own transaction with the
// wallet row locked, so concurrent tips cannot cross a cap together.
import { sql } from "kysely";
import type { DB } from "../../db/client";
import type { SpendingCapPeriod } from "../../db/types";
import { Problem } from "../utils/problem.server";
import { seoulDayStart, seoulMonthStart } from "../utils/seoul-time";
import { CURRENCY_RULES, formatMoney, type Currency } from "./currency";
import { inTransaction, type Tx } from "./ledger.server";

/** How long a raised (or removed) cap waits before it applies. */
export const CAP_COOLING_OFF_MS = 24 * 3600_000;

export const CAP_PERIODS: SpendingCapPeriod[] = ["day", "month"];

/** The largest cap a fan may set: a month of the largest top-ups, every day. */
export function capBounds(currency: Currency) {
  const rules = CURRENCY_RULES[currency];
  return { min: rules.walletTipMin, max: rules.topupMax * 31 };
}

interface CapRow {
  period: SpendingCapPeriod;
  amount: number | null;
  pending_amount: number | null;
  pending_from: Date | null;
}

/** The cap in force at `now`: a pending change whose time has come replaces the stored one. */
export function capInForce(row: Pick<CapRow, "amount" | "pending_amount" | "pending_from">, now: Date): number | null {
  if (row.pending_from && row.pending_from.getTime() <= now.getTime()) return row.pending_amount;
  return row.amount;
}

function pendingChange(row: CapRow, now: Date) {
  if (!row.pending_from || row.pending_from.getTime() <= now.getTime()) return null;
  return { amount: row.pending_amount, from: row.pending_from };
}

/** null (no cap) is the loosest; otherwise the smaller amount is the tighter. */
function isTighter(next: number | null, current: number | null) {
  if (next === null) return false;
  return current === null || next < current;
}

export function periodWindow(period: SpendingCapPeriod, now: Date) {
  return period === "day"
    ? { start: seoulDayStart(now), end: seoulDayStart(now, 1) }
    : { start: seoulMonthStart(now), end: seoulMonthStart(now, 1) };
}

/** What a fan spent from the wallet in `currency` this Seoul day and month (refunded tips do not count). */
async function spentFromWallet(trx: Tx, fanId: number, currency: Currency, now: Date) {
  const dayStart = seoulDayStart(now);
  const row = await trx
    .selectFrom("tips")
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<number>("amount").filterWhere("created_at", ">=", dayStart), eb.lit(0)).as("day"),
      eb.fn.coalesce(eb.fn.sum<number>("amount"), eb.lit(0)).as("month"),
    ])
    .where("fan_id", "=", fanId)
    .where("currency", "=", currency)
    .where("source", "=", "wallet")
    .where("status", "<>", "refunded")
    .where("created_at", ">=", seoulMonthStart(now))
    .executeTakeFirstOrThrow();
  return { day: Number(row.day), month: Number(row.month) };
}

/** A fan's cap rows as capRowsForShare reads them (JSON: times as text). */
export interface CapRowJson {
  period: SpendingCapPeriod;
  amount: number | null;
  pending_amount: number | null;
  pending_from: string | null;
}

/**
 * The fan's cap rows in `currency`, read FOR SHARE (a cap being changed waits for the payment, and the payment for
 * the change), as one JSON value: a sub-select the wallet payment folds into its first read (one round trip).
 */
export function capRowsForShare(fanId: number, currency: Currency) {
  return sql<CapRowJson[]>`(
    select coalesce(json_agg(c), '[]') from (
      select period, amount, pending_amount, pending_from from spending_caps
       where fan_id = ${fanId} and currency = ${currency} for share
    ) c
  )`;
}

/**
 * Refuses (422 spending_cap_reached) a wallet payment of `amount` that would take the fan past a cap. Call it in
 * the transaction that debits the wallet, with the cap rows that transaction read (capRowsForShare): the wallet
 * row is locked before this fan's spending is summed, so two payments at once are counted one after the other.
 * A fan without caps costs nothing more here and takes no lock.
 */
export async function enforceSpendingCaps(
  trx: Tx,
  args: { fanId: number; walletId: number; currency: Currency; amount: number; capRows: CapRowJson[]; now?: Date },
) {
  const now = args.now ?? new Date();
  const caps = args.capRows
    .map((row) => ({ period: row.period, cap: capInForce({ ...row, pending_from: row.pending_from === null ? null : new Date(row.pending_from) }, now) }))
    .filter((c): c is { period: SpendingCapPeriod; cap: number } => c.cap !== null)
    .sort((a, b) => CAP_PERIODS.indexOf(a.period) - CAP_PERIODS.indexOf(b.period));
  if (caps.length === 0) return;

  await trx.selectFrom("accounts").select("id").where("id", "=", args.walletId).forUpdate().execute();
  const spent = await spentFromWallet(trx, args.fanId, args.currency, now);
  for (const { period, cap } of caps) {
    if (spent[period] + args.amount > cap) throw spendingCapReached({ period, cap, spent: spent[period], currency: args.currency, now });
  }
}

function spendingCapReached(args: { period: SpendingCapPeriod; cap: number; spent: number; currency: Currency; now: Date }) {
  const remaining = Math.max(0, args.cap - args.spent);
  const which = args.period === "day" ? "daily" : "monthly";
  const resetsAt = periodWindow(args.period, args.now).end;
  return new Problem(
    422,
    "spending_cap_reached",
    `This would take you past your ${which} spending cap of ${formatMoney(args.cap, args.currency)}; ` +
      `${formatMoney(remaining, args.currency)} left until ${resetsAt.toISOString()}.`,
    { amount: [`must be at most ${remaining} to stay within your ${which} cap`] },
    undefined,
    { period: args.period, cap: args.cap, spent: args.spent, remaining, currency: args.currency, resetsAt: resetsAt.toISOString() },
  );
}

export interface CapState {
  period: SpendingCapPeriod;
  /** The cap in force now; null: none. */
  amount: number | null;
  /** A raise or removal waiting out its cooling-off period. */
  pending: { amount: number | null; from: string } | null;
  spent: number;
}

export interface WalletCaps {
  currency: Currency;
  day: CapState;
  month: CapState;
}

/** The fan's caps in `currency` as they stand at `now`, with what was spent in the current day and month. */
export async function getSpendingCaps(db: Tx, args: { fanId: number; currency: Currency; now?: Date }): Promise<WalletCaps> {
  const now = args.now ?? new Date();
  const rows = await db
    .selectFrom("spending_caps")
    .select(["period", "amount", "pending_amount", "pending_from"])
    .where("fan_id", "=", args.fanId)
    .where("currency", "=", args.currency)
    .execute();
  const spent = await spentFromWallet(db, args.fanId, args.currency, now);
  const state = (period: SpendingCapPeriod): CapState => {
    const row = rows.find((r) => r.period === period);
    const pending = row ? pendingChange(row, now) : null;
    return {
      period,
      amount: row ? capInForce(row, now) : null,
      pending: pending ? { amount: pending.amount, from: pending.from.toISOString() } : null,
      spent: spent[period],
    };
  };
  return { currency: args.currency, day: state("day"), month: state("month") };
}

/** The currencies in which the fan has a cap or a pending change (for the wallet page). */
export async function listCapCurrencies(db: DB, fanId: number): Promise<Currency[]> {
  const rows = await db.selectFrom("spending_caps").select("currency").distinct().where("fan_id", "=", fanId).orderBy("currency").execute();
  return rows.map((r) => r.currency);
}

function checkCap(currency: Currency, field: "daily" | "monthly", amount: number | null) {
  if (amount === null) return;
  const { min, max } = capBounds(currency);
  if (!Number.isSafeInteger(amount) || amount < min || amount > max) {
    throw new Problem(422, "cap_out_of_range", `Caps run from ${formatMoney(min, currency)} to ${formatMoney(max, currency)}.`, {
      [field]: [`must be an integer from ${min} to ${max}, or null for no cap`],
    }, undefined, { field, min, max });
  }
}

/**
 * Sets the fan's daily and monthly caps in `currency` (null: no cap). A tighter cap applies at once and cancels any
 * raise still waiting; a looser one (or none) is stored as pending from now + 24 hours. Sending the same looser
 * value again keeps its original time, so a retried or re-submitted form does not restart the clock.
 */
export async function setSpendingCaps(
  db: Tx,
  args: { fanId: number; currency: Currency; daily: number | null; monthly: number | null; now?: Date },
): Promise<WalletCaps> {
  const now = args.now ?? new Date();
  checkCap(args.currency, "daily", args.daily);
  checkCap(args.currency, "monthly", args.monthly);
  if (args.daily !== null && args.monthly !== null && args.daily > args.monthly) {
    throw new Problem(422, "cap_daily_above_monthly", "The daily cap cannot be larger than the monthly cap.", {
      daily: ["must not be larger than monthly"],
    });
  }
  return inTransaction(db, async (trx) => {
    const rows = await trx
      .selectFrom("spending_caps")
      .select(["period", "amount", "pending_amount", "pending_from"])
      .where("fan_id", "=", args.fanId)
      .where("currency", "=", args.currency)
      .forUpdate()
      .execute();
    for (const period of CAP_PERIODS) {
      const wanted = period === "day" ? args.daily : args.monthly;
      const row = rows.find((r) => r.period === period) ?? { period, amount: null, pending_amount: null, pending_from: null };
      const current = capInForce(row, now);
      const waiting = pendingChange(row, now);
      let next: { amount: number | null; pending_amount: number | null; pending_from: Date | null };
      if (wanted === current || isTighter(wanted, current)) {
        next = { amount: wanted, pending_amount: null, pending_from: null };
      } else if (waiting && waiting.amount === wanted) {
        next = { amount: current, pending_amount: wanted, pending_from: waiting.from };
      } else {
        next = { amount: current, pending_amount: wanted, pending_from: new Date(now.getTime() + CAP_COOLING_OFF_MS) };
      }
      if (next.amount === null && next.pending_from === null) {
        await trx
          .deleteFrom("spending_caps")
          .where("fan_id", "=", args.fanId)
          .where("currency", "=", args.currency)
          .where("period", "=", period)
          .execute();
        continue;
      }
      await trx
        .insertInto("spending_caps")
        .values({ fan_id: args.fanId, currency: args.currency, period, ...next, updated_at: now })
        .onConflict((oc) => oc.columns(["fan_id", "currency", "period"]).doUpdateSet({ ...next, updated_at: now }))
        .execute();
    }
    return getSpendingCaps(trx, { fanId: args.fanId, currency: args.currency, now });
  });
}
