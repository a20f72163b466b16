// Fraud rules: small pure functions over what is known about one payment attempt (a wallet tip, a card tip, a
// top-up). Each rule either stays quiet or says hold (an admin reviews the tip before it settles) or block (nothing
// is written); the decision is the strictest outcome, with every reason that fired. Signals that could not be read
// (Redis away) are null, and the rules that need them stay quiet — see screening.server.ts.
import type { Currency } from "../money/currency";

export type RiskAction = "wallet_tip" | "card_tip" | "topup";
export type RiskOutcome = "allow" | "hold" | "block";

export type RiskReason =
  | "self_tip"
  | "card_testing"
  | "blocked_for_card_testing"
  | "fan_velocity"
  | "ip_velocity"
  | "card_velocity"
  | "new_account_amount"
  | "large_amount";

/** Counts over the last hour (fixed windows in Redis); null when they could not be read. */
export interface RiskCounters {
  /** Tips by this fan, this attempt included. */
  fanTips: number | null;
  /** Tips from this address, this attempt included. */
  ipTips: number | null;
  /** Card payments (tips and top-ups) with this card, this attempt included; null without a card. */
  cardPayments: number | null;
  /** Small declined card payments by this fan / from this address / with this card. */
  fanDeclines: number | null;
  ipDeclines: number | null;
  cardDeclines: number | null;
}

export interface RiskContext {
  action: RiskAction;
  amount: number;
  currency: Currency;
  /** Seconds since the fan's account was made; null for a guest paying by card. */
  accountAgeSeconds: number | null;
  /** The fan's own user id and the user id owning the creator page tipped (null for top-ups and guests). */
  fanUserId: number | null;
  creatorOwnerId: number | null;
  /** A card-testing block on the fan or the address is in force; null when that could not be checked. */
  blocked: boolean | null;
  counters: RiskCounters;
}

export interface RiskLimits {
  fanTipsPerHour: number;
  ipTipsPerHour: number;
  cardPaymentsPerHour: number;
  /** Small declines within an hour (by fan, address or card) that count as card testing. */
  declinesBeforeBlock: number;
  newAccountSeconds: number;
  /** Per currency, in minor units. */
  amounts: Record<Currency, { review: number; newAccountReview: number; smallDecline: number }>;
}

export const DEFAULT_AMOUNTS: RiskLimits["amounts"] = {
  KRW: { review: 500_000, newAccountReview: 100_000, smallDecline: 10_000 },
  USD: { review: 50_000, newAccountReview: 10_000, smallDecline: 1_000 },
};

export interface RuleHit {
  outcome: Exclude<RiskOutcome, "allow">;
  reason: RiskReason;
}

export type Rule = (ctx: RiskContext, limits: RiskLimits) => RuleHit | null;

const isTip = (ctx: RiskContext) => ctx.action !== "topup";
const over = (count: number | null, limit: number) => count !== null && count > limit;

/** A creator tipping their own page (or a fan tipping a creator account they own) turns wallet money into payouts. */
export const selfTip: Rule = (ctx) =>
  isTip(ctx) && ctx.fanUserId !== null && ctx.fanUserId === ctx.creatorOwnerId ? { outcome: "block", reason: "self_tip" } : null;

/** An earlier burst of small declines blocked this fan or address for a while. */
export const blockedForCardTesting: Rule = (ctx) => (ctx.blocked ? { outcome: "block", reason: "blocked_for_card_testing" } : null);

/** Many small declined card payments in an hour: someone is trying stolen card numbers. */
export const cardTesting: Rule = (ctx, limits) => {
  const c = ctx.counters;
  const most = Math.max(c.fanDeclines ?? 0, c.ipDeclines ?? 0, c.cardDeclines ?? 0);
  return most >= limits.declinesBeforeBlock ? { outcome: "block", reason: "card_testing" } : null;
};

export const fanVelocity: Rule = (ctx, limits) =>
  isTip(ctx) && over(ctx.counters.fanTips, limits.fanTipsPerHour) ? { outcome: "hold", reason: "fan_velocity" } : null;

export const ipVelocity: Rule = (ctx, limits) =>
  isTip(ctx) && over(ctx.counters.ipTips, limits.ipTipsPerHour) ? { outcome: "hold", reason: "ip_velocity" } : null;

/** One card paying again and again: a tip is held; a top-up (money that would land in a wallet at once) is blocked. */
export const cardVelocity: Rule = (ctx, limits) =>
  over(ctx.counters.cardPayments, limits.cardPaymentsPerHour) ? { outcome: isTip(ctx) ? "hold" : "block", reason: "card_velocity" } : null;

/** A large tip from an account made today (or from a guest) waits for a look. */
export const newAccountAmount: Rule = (ctx, limits) => {
  if (!isTip(ctx)) return null;
  const young = ctx.accountAgeSeconds === null || ctx.accountAgeSeconds < limits.newAccountSeconds;
  return young && ctx.amount >= limits.amounts[ctx.currency].newAccountReview ? { outcome: "hold", reason: "new_account_amount" } : null;
};

export const largeAmount: Rule = (ctx, limits) =>
  isTip(ctx) && ctx.amount >= limits.amounts[ctx.currency].review ? { outcome: "hold", reason: "large_amount" } : null;

export const RULES: Rule[] = [selfTip, blockedForCardTesting, cardTesting, fanVelocity, ipVelocity, cardVelocity, newAccountAmount, largeAmount];

export interface RiskDecision {
  outcome: RiskOutcome;
  reasons: RiskReason[];
}

/** Runs every rule; the strictest outcome wins and every reason that fired is kept. */
export function decide(ctx: RiskContext, limits: RiskLimits, rules: Rule[] = RULES): RiskDecision {
  const hits = rules.map((rule) => rule(ctx, limits)).filter((hit): hit is RuleHit => hit !== null);
  const outcome: RiskOutcome = hits.some((h) => h.outcome === "block") ? "block" : hits.length ? "hold" : "allow";
  return { outcome, reasons: [...new Set(hits.map((h) => h.reason))] };
}

/** After a card was declined: is this the decline that shows card testing (and should block the fan and address)? */
export function isCardTestingDecline(amount: number, currency: Currency, counters: Pick<RiskCounters, "fanDeclines" | "ipDeclines" | "cardDeclines">, limits: RiskLimits) {
  if (amount > limits.amounts[currency].smallDecline) return false;
  return Math.max(counters.fanDeclines ?? 0, counters.ipDeclines ?? 0, counters.cardDeclines ?? 0) >= limits.declinesBeforeBlock;
}
