// Payout statements: for one payout, the tips it covers (through the released settlements linked to it at
// reservation), their gross, Sodam's fee, adjustments (refunds and chargebacks taken from the balance since),
// the Korean withholding and the net paid — plus its state history. And the per-year export a creator needs for
// their income-tax filing.
import { sql } from "kysely";
import type { DB } from "../../db/client";
import type { TaxStatus } from "../../db/types";
import { seoulDate } from "../utils/seoul-time";
import type { Currency } from "./currency";
import { toCsv } from "./dashboard.server";
import { listPayoutEvents, type PayoutEvent } from "./payout-tracking.server";
import { getCreatorPayout, type Payout } from "./payouts.server";

export interface StatementTip {
  id: string;
  createdAt: string;
  supporter: string | null;
  amount: number;
  purpose: "tip" | "unlock" | "pledge";
  refunded: boolean;
}

export interface PayoutStatement {
  payout: Payout;
  grossTips: number;
  platformFee: number;
  /** payout − (gross − fee): refunds and chargebacks taken from the balance, or money a failed payout returned. */
  adjustments: number;
  tipCount: number;
  tips: StatementTip[];
  /** More tips than listed (the page shows the first `tipLimit`; the CSV of tips has them all). */
  moreTips: number;
  events: PayoutEvent[];
}

/** The statement of one of the creator's payouts (ownership in the query); null when it is not theirs. */
export async function getPayoutStatement(db: DB, args: { creatorId: number; payoutId: string; tipLimit?: number }): Promise<PayoutStatement | null> {
  const payout = await getCreatorPayout(db, args);
  if (!payout) return null;
  const limit = args.tipLimit ?? 500;
  const totals = await db
    .selectFrom("settlements")
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<number>("gross"), eb.lit(0)).as("gross"),
      eb.fn.coalesce(eb.fn.sum<number>("fee"), eb.lit(0)).as("fee"),
      eb.fn.coalesce(eb.fn.sum<number>("net"), eb.lit(0)).as("net"),
      eb.fn.coalesce(eb.fn.sum<number>("tip_count"), eb.lit(0)).as("tips"),
    ])
    .where("payout_id", "=", payout.id)
    .executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom("tips")
    .innerJoin("settlements", "settlements.id", "tips.settlement_id")
    .leftJoin("users", "users.id", "tips.fan_id")
    .select([
      "tips.id",
      "tips.created_at",
      "tips.amount",
      "tips.purpose",
      "tips.status",
      "tips.anonymous",
      "users.display_name",
      sql<string | null>`(select p.details->>'supporterName' from payments p where p.id = tips.payment_id)`.as("card_name"),
    ])
    .where("settlements.payout_id", "=", payout.id)
    .orderBy("tips.created_at")
    .orderBy("tips.id")
    .limit(limit)
    .execute();
  const gross = Number(totals.gross);
  const fee = Number(totals.fee);
  const tipCount = Number(totals.tips);
  return {
    payout,
    grossTips: gross,
    platformFee: fee,
    adjustments: payout.amount - (gross - fee),
    tipCount,
    tips: rows.map((r) => ({
      id: r.id,
      createdAt: r.created_at.toISOString(),
      supporter: r.anonymous ? null : (r.display_name ?? r.card_name ?? null),
      amount: r.amount,
      purpose: r.purpose,
      refunded: r.status === "refunded",
    })),
    moreTips: Math.max(0, tipCount - rows.length),
    events: await listPayoutEvents(db, payout.id),
  };
}

export interface TaxYearRow {
  payoutId: string;
  paidOn: string;
  period: string;
  currency: Currency;
  grossTips: number;
  platformFee: number;
  adjustments: number;
  payoutAmount: number;
  incomeTax: number;
  localTax: number;
  netPaid: number;
}

/** The creator's payouts paid in a calendar year (Seoul time), for income-tax filing; reversed ones were not received. */
export async function listTaxYearPayouts(db: DB, args: { creatorId: number; year: number }): Promise<TaxYearRow[]> {
  const rows = await db
    .selectFrom("payouts as p")
    .select([
      "p.id",
      "p.paid_at",
      "p.period",
      "p.currency",
      "p.amount",
      "p.withholding_income_tax",
      "p.withholding_local_tax",
      (eb) => eb.selectFrom("settlements as s").select((e) => e.fn.coalesce(e.fn.sum<number>("s.gross"), e.lit(0)).as("g")).whereRef("s.payout_id", "=", "p.id").as("gross"),
      (eb) => eb.selectFrom("settlements as s").select((e) => e.fn.coalesce(e.fn.sum<number>("s.fee"), e.lit(0)).as("f")).whereRef("s.payout_id", "=", "p.id").as("fee"),
    ])
    .where("p.creator_id", "=", args.creatorId)
    .where("p.status", "=", "paid")
    .where(sql<boolean>`extract(year from p.paid_at at time zone 'Asia/Seoul') = ${args.year}`)
    .orderBy("p.paid_at")
    .execute();
  return rows.map((r) => {
    const gross = Number(r.gross ?? 0);
    const fee = Number(r.fee ?? 0);
    const withheld = r.withholding_income_tax + r.withholding_local_tax;
    return {
      payoutId: r.id,
      paidOn: seoulDate(r.paid_at!),
      period: r.period,
      currency: r.currency as Currency,
      grossTips: gross,
      platformFee: fee,
      adjustments: r.amount - (gross - fee),
      payoutAmount: r.amount,
      incomeTax: r.withholding_income_tax,
      localTax: r.withholding_local_tax,
      netPaid: r.amount - withheld,
    };
  });
}

/** The year's payouts as CSV, with a total line per currency (what the income-tax return asks for). */
export async function taxYearCsv(db: DB, args: { creatorId: number; year: number; taxStatus: TaxStatus }) {
  const rows = await listTaxYearPayouts(db, args);
  const header = [
    "payout_id",
    "paid_on",
    "period",
    "currency",
    "gross_tips",
    "platform_fee",
    "adjustments",
    "payout_amount",
    "income_tax_withheld",
    "local_income_tax_withheld",
    "net_paid",
    "tax_status",
  ];
  const lines: (string | number | null)[][] = rows.map((r) => [
    r.payoutId,
    r.paidOn,
    r.period,
    r.currency,
    r.grossTips,
    r.platformFee,
    r.adjustments,
    r.payoutAmount,
    r.incomeTax,
    r.localTax,
    r.netPaid,
    args.taxStatus,
  ]);
  for (const currency of [...new Set(rows.map((r) => r.currency))]) {
    const mine = rows.filter((r) => r.currency === currency);
    const sum = (pick: (r: TaxYearRow) => number) => mine.reduce((total, r) => total + pick(r), 0);
    lines.push([
      `total ${args.year}`,
      null,
      null,
      currency,
      sum((r) => r.grossTips),
      sum((r) => r.platformFee),
      sum((r) => r.adjustments),
      sum((r) => r.payoutAmount),
      sum((r) => r.incomeTax),
      sum((r) => r.localTax),
      sum((r) => r.netPaid),
      args.taxStatus,
    ]);
  }
  return toCsv(header, lines);
}
