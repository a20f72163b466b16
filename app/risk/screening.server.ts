// Screening a payment attempt with the fraud rules: gathers the signals (hourly counters and card-testing blocks
// in Redis, account age and page ownership in Postgres), decides, and stores the decision with its reasons.
// A blocked attempt is refused (403) with nothing written but its decision row; a held tip is recorded with status
// `held` and waits for an admin (app/money/review.server.ts).
//
// Redis is never on the durable path. When it is away (commands fail fast): the counters read as unknown, so the
// velocity rules and the card-testing count stay quiet; a card-testing block in force is looked up in the block
// decision rows instead; declines are counted per fan from the payments table (per address and card they are
// not); account age, amounts and self-tipping come from Postgres and still apply. Tips are still accepted.
import { createHmac } from "node:crypto";
import { sql } from "kysely";
import type { DB } from "../../db/client";
import type { Currency } from "../money/currency";
import { getDb } from "../utils/db.server";
import { getEnv } from "../utils/env.server";
import { getLogger } from "../utils/logger.server";
import { Problem } from "../utils/problem.server";
import { getRedis, redisKey } from "../utils/redis.server";
import { DEFAULT_AMOUNTS, cardTesting, decide, type RiskAction, type RiskCounters, type RiskDecision, type RiskLimits, type RiskReason } from "./fraud-rules";

const WINDOW_SECONDS = 3600;

export function riskLimits(): RiskLimits {
  const env = getEnv();
  return {
    fanTipsPerHour: env.RISK_FAN_TIPS_PER_HOUR,
    ipTipsPerHour: env.RISK_IP_TIPS_PER_HOUR,
    cardPaymentsPerHour: env.RISK_CARD_PAYMENTS_PER_HOUR,
    declinesBeforeBlock: env.RISK_DECLINES_BEFORE_BLOCK,
    newAccountSeconds: Math.round(env.RISK_NEW_ACCOUNT_HOURS * 3600),
    amounts: DEFAULT_AMOUNTS,
  };
}

/** A card number or payment method id, keyed so the decision rows never hold the card itself. */
export function cardFingerprint(card: string | null | undefined) {
  const normalized = card?.replace(/[\s-]/g, "");
  if (!normalized) return null;
  return createHmac("sha256", getEnv().SESSION_SECRET).update(`card:${normalized}`).digest("hex").slice(0, 24);
}

const keys = {
  fanTips: (fanId: number) => redisKey("risk", "tips", "fan", fanId),
  ipTips: (ip: string) => redisKey("risk", "tips", "ip", ip),
  cardPayments: (card: string) => redisKey("risk", "card", card),
  fanDeclines: (fanId: number) => redisKey("risk", "declines", "fan", fanId),
  ipDeclines: (ip: string) => redisKey("risk", "declines", "ip", ip),
  cardDeclines: (card: string) => redisKey("risk", "declines", "card", card),
  fanBlock: (fanId: number) => redisKey("risk", "block", "fan", fanId),
  ipBlock: (ip: string) => redisKey("risk", "block", "ip", ip),
};

export interface ScreenArgs {
  action: RiskAction;
  /** The signed-in fan (the account's creation time, as the request's user lookup read it). */
  fan: { id: number; createdAt: Date } | null;
  /** The page tipped (tips only). */
  creator?: { id: number; userId: number } | null;
  amount: number;
  currency: Currency;
  ip: string;
  /** The card (a test card number or a payment method id) for card tips and top-ups paid now. */
  card?: string | null;
}

interface Signals {
  counters: RiskCounters;
  blocked: boolean | null;
}

/** While the connection is being re-established Redis is away: answer "unknown" at once instead of waiting. */
function redisAway() {
  const status = getRedis().status;
  return status === "reconnecting" || status === "close" || status === "end";
}

const UNKNOWN: RiskCounters = { fanTips: null, ipTips: null, cardPayments: null, fanDeclines: null, ipDeclines: null, cardDeclines: null };

/** Counts this attempt and reads the decline counters and blocks, in one round trip; unknown when Redis is away. */
async function readSignals(args: ScreenArgs, card: string | null): Promise<Signals> {
  const isTip = args.action !== "topup";
  if (redisAway()) return { counters: { ...UNKNOWN }, blocked: null };
  const multi = getRedis().multi();
  const slots: (keyof RiskCounters | "fanBlock" | "ipBlock")[] = [];
  const count = (slot: keyof RiskCounters, key: string) => {
    multi.incr(key).expire(key, WINDOW_SECONDS, "NX");
    slots.push(slot, slot);
  };
  const read = (slot: keyof RiskCounters | "fanBlock" | "ipBlock", key: string) => {
    multi.get(key);
    slots.push(slot);
  };
  if (isTip && args.fan) count("fanTips", keys.fanTips(args.fan.id));
  if (isTip) count("ipTips", keys.ipTips(args.ip));
  if (card) count("cardPayments", keys.cardPayments(card));
  if (args.fan) read("fanDeclines", keys.fanDeclines(args.fan.id));
  read("ipDeclines", keys.ipDeclines(args.ip));
  if (card) read("cardDeclines", keys.cardDeclines(card));
  if (args.fan) read("fanBlock", keys.fanBlock(args.fan.id));
  read("ipBlock", keys.ipBlock(args.ip));
  try {
    const results = (await multi.exec()) ?? [];
    const counters: RiskCounters = { ...UNKNOWN };
    let blocked = false;
    const seen = new Set<string>();
    results.forEach(([error, value], i) => {
      if (error) throw error;
      const slot = slots[i];
      // The EXPIRE answer follows each INCR under the same slot; only the first answer is the count.
      if (seen.has(slot)) return;
      seen.add(slot);
      if (slot === "fanBlock" || slot === "ipBlock") blocked ||= value !== null;
      else counters[slot] = Number(value ?? 0);
    });
    // Counters that do not apply to this attempt (no fan, no card) are zero, not unknown.
    if (!args.fan) counters.fanTips = counters.fanDeclines = 0;
    if (!card) counters.cardPayments = counters.cardDeclines = 0;
    if (!isTip) counters.fanTips = counters.ipTips = 0;
    return { counters, blocked };
  } catch (err) {
    getLogger().warn({ err }, "fraud counters unavailable; velocity rules skipped");
    return { counters: { ...UNKNOWN }, blocked: null };
  }
}

/** With Redis away, a card-testing block is still found in the decision rows it left. */
async function blockedInDatabase(db: DB, fanId: number | null, ip: string) {
  const minutes = getEnv().RISK_BLOCK_MINUTES;
  const row = await db
    .selectFrom("risk_decisions")
    .select("id")
    .where("outcome", "=", "block")
    .where("created_at", ">", sql<Date>`now() - make_interval(mins => ${minutes})`)
    .where(sql<boolean>`reasons ? 'card_testing'`)
    .where((eb) => (fanId === null ? eb("ip", "=", ip) : eb.or([eb("user_id", "=", fanId), eb("ip", "=", ip)])))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export interface DecisionRow {
  action: RiskAction;
  decision: RiskDecision;
  userId: number | null;
  creatorId: number | null;
  ip: string;
  card: string | null;
  amount: number;
  currency: Currency;
  tipId?: string | null;
  paymentId?: string | null;
}

async function insertDecision(db: DB, row: DecisionRow) {
  await db
    .insertInto("risk_decisions")
    .values({
      action: row.action,
      outcome: row.decision.outcome,
      reasons: JSON.stringify(row.decision.reasons),
      user_id: row.userId,
      creator_id: row.creatorId,
      ip: row.ip.slice(0, 100),
      card_fingerprint: row.card,
      amount: row.amount,
      currency: row.currency,
      tip_id: row.tipId ?? null,
      payment_id: row.paymentId ?? null,
    })
    .execute();
}

export interface Screening {
  decision: RiskDecision;
  /** The tip is recorded as held (tips only). */
  held: boolean;
  /** Stores the decision in `trx`, with the tip or payment it let through. */
  record(trx: DB, links: { tipId?: string | null; paymentId?: string | null }): Promise<void>;
}

function blockedProblem(action: RiskAction, reasons: RiskReason[]) {
  if (reasons.includes("self_tip")) return new Problem(403, "tip_blocked", "Creators cannot tip their own page.");
  const cardTest = reasons.includes("card_testing") || reasons.includes("blocked_for_card_testing");
  const detail = cardTest
    ? "Payments from this account or network are paused for a while after many declined cards."
    : "This payment was stopped by our fraud checks.";
  return new Problem(403, action === "topup" ? "topup_blocked" : "tip_blocked", detail);
}

/**
 * Runs the fraud rules on one attempt. Throws a 403 Problem (code tip_blocked or topup_blocked) when blocked —
 * the decision row is committed on its own connection, so it stays even though the caller's transaction rolls
 * back. Otherwise the caller writes the tip or payment and then `record`s the decision in the same transaction.
 */
export async function screenPayment(trx: DB, args: ScreenArgs): Promise<Screening> {
  const card = cardFingerprint(args.card);
  const signals = await readSignals(args, card);
  const blocked = signals.blocked ?? (await blockedInDatabase(trx, args.fan?.id ?? null, args.ip));
  const decision = decide(
    {
      action: args.action,
      amount: args.amount,
      currency: args.currency,
      accountAgeSeconds: args.fan ? Math.max(0, (Date.now() - args.fan.createdAt.getTime()) / 1000) : null,
      fanUserId: args.fan?.id ?? null,
      creatorOwnerId: args.creator?.userId ?? null,
      blocked,
      counters: signals.counters,
    },
    riskLimits(),
  );
  const row: DecisionRow = {
    action: args.action,
    decision,
    userId: args.fan?.id ?? null,
    creatorId: args.creator?.id ?? null,
    ip: args.ip,
    card,
    amount: args.amount,
    currency: args.currency,
  };
  if (decision.outcome === "block") {
    await insertDecision(getDb(), row);
    getLogger().warn({ action: args.action, reasons: decision.reasons, user: args.fan?.id, ip: args.ip }, "payment blocked by fraud rules");
    throw blockedProblem(args.action, decision.reasons);
  }
  return {
    decision,
    held: decision.outcome === "hold" && args.action !== "topup",
    record: (db, links) => insertDecision(db, { ...row, ...links }),
  };
}

/** Declined payments in the last hour by this fan, from Postgres (Redis away). */
async function recentDeclinesInDatabase(db: DB, fanId: number, smallest: number) {
  const row = await db
    .selectFrom("payments")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", fanId)
    .where("status", "=", "failed")
    .where("amount", "<=", smallest)
    .where("created_at", ">", sql<Date>`now() - interval '1 hour'`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * A card was declined (a top-up or a card tip). Small declines are counted per fan, address and card; the one
 * that reaches the card-testing threshold blocks the fan and the address for RISK_BLOCK_MINUTES (Redis keys with
 * a TTL) and leaves a block decision. Returns whether this decline started a block.
 */
export async function noteCardDecline(args: Omit<ScreenArgs, "creator"> & { creatorId?: number | null }): Promise<boolean> {
  const limits = riskLimits();
  if (args.amount > limits.amounts[args.currency].smallDecline) return false;
  const card = cardFingerprint(args.card);
  let counters: Pick<RiskCounters, "fanDeclines" | "ipDeclines" | "cardDeclines">;
  let redisUp = true;
  try {
    if (redisAway()) throw new Error("Redis is reconnecting");
    const multi = getRedis().multi();
    const targets = [args.fan ? keys.fanDeclines(args.fan.id) : null, keys.ipDeclines(args.ip), card ? keys.cardDeclines(card) : null];
    for (const key of targets) if (key) multi.incr(key).expire(key, WINDOW_SECONDS, "NX");
    const results = (await multi.exec()) ?? [];
    const values = results.filter((_, i) => i % 2 === 0).map(([error, value]) => {
      if (error) throw error;
      return Number(value);
    });
    const next = () => values.shift() ?? 0;
    counters = { fanDeclines: args.fan ? next() : 0, ipDeclines: next(), cardDeclines: card ? next() : 0 };
  } catch (err) {
    getLogger().warn({ err }, "decline counters unavailable; counting this fan's declines in Postgres");
    redisUp = false;
    const fanDeclines = args.fan ? await recentDeclinesInDatabase(getDb(), args.fan.id, limits.amounts[args.currency].smallDecline) : 0;
    counters = { fanDeclines, ipDeclines: null, cardDeclines: null };
  }
  const hit = cardTesting(
    { action: args.action, amount: args.amount, currency: args.currency, accountAgeSeconds: null, fanUserId: null, creatorOwnerId: null, blocked: null, counters: { ...counters, fanTips: null, ipTips: null, cardPayments: null } },
    limits,
  );
  if (!hit) return false;
  if (redisUp) {
    const seconds = getEnv().RISK_BLOCK_MINUTES * 60;
    const multi = getRedis().multi().set(keys.ipBlock(args.ip), "card_testing", "EX", seconds);
    if (args.fan) multi.set(keys.fanBlock(args.fan.id), "card_testing", "EX", seconds);
    await multi.exec().catch((err) => getLogger().warn({ err }, "card-testing block kept in Postgres only"));
  }
  await insertDecision(getDb(), {
    action: args.action,
    decision: { outcome: "block", reasons: ["card_testing"] },
    userId: args.fan?.id ?? null,
    creatorId: args.creatorId ?? null,
    ip: args.ip,
    card,
    amount: args.amount,
    currency: args.currency,
  });
  getLogger().warn({ user: args.fan?.id, ip: args.ip }, "card testing: fan and address blocked");
  return true;
}
