// What the creator dashboard reads: earnings by day or week, the tips table with filters, CSV exports.
import { sql } from "kysely";
import type { DB } from "../../db/client";
import type { TipStatus } from "../../db/types";
import type { Currency } from "./currency";
import type { TipPurpose } from "./tips.server";

export interface EarningsPoint {
  /** First day of the bucket, YYYY-MM-DD in Korea's time zone. */
  start: string;
  amount: number;
  tips: number;
}

/** Tips received (refunds excluded) per day or ISO week, oldest first, empty buckets included. */
export async function earningsSeries(db: DB, args: { creatorId: number; bucket: "day" | "week"; count: number; now?: Date }): Promise<EarningsPoint[]> {
  const now = args.now ?? new Date();
  const unit = args.bucket === "day" ? "day" : "week";
  const { rows } = await sql<{ start: string; amount: number; tips: number }>`
    with buckets as (
      select generate_series(
        date_trunc(${unit}, (${now.toISOString()}::timestamptz at time zone 'Asia/Seoul')) - (${args.count - 1} * ${`1 ${unit}`}::interval),
        date_trunc(${unit}, (${now.toISOString()}::timestamptz at time zone 'Asia/Seoul')),
        ${`1 ${unit}`}::interval) as start
    )
    select to_char(b.start, 'YYYY-MM-DD') as start,
           coalesce(sum(t.amount), 0)::bigint as amount,
           count(t.id)::int as tips
      from buckets b
      left join tips t on t.creator_id = ${args.creatorId} and t.status <> 'refunded'
        and date_trunc(${unit}, t.created_at at time zone 'Asia/Seoul') = b.start
     group by b.start order by b.start
  `.execute(db);
  return rows.map((r) => ({ start: r.start, amount: Number(r.amount), tips: Number(r.tips) }));
}

export interface CreatorTipRow {
  id: string;
  supporter: string | null;
  message: string | null;
  amount: number;
  currency: Currency;
  status: TipStatus;
  purpose: TipPurpose;
  source: "wallet" | "card";
  createdAt: string;
}

export interface TipFilters {
  status?: TipStatus;
  purpose?: TipPurpose;
  /** Inclusive dates, YYYY-MM-DD in Korea's time zone. */
  from?: string;
  to?: string;
}

function filteredTips(db: DB, creatorId: number, filters: TipFilters) {
  let q = db.selectFrom("tips").leftJoin("users", "users.id", "tips.fan_id").where("tips.creator_id", "=", creatorId);
  if (filters.status) q = q.where("tips.status", "=", filters.status);
  if (filters.purpose) q = q.where("tips.purpose", "=", filters.purpose);
  if (filters.from) q = q.where(sql<boolean>`(tips.created_at at time zone 'Asia/Seoul')::date >= ${filters.from}::date`);
  if (filters.to) q = q.where(sql<boolean>`(tips.created_at at time zone 'Asia/Seoul')::date <= ${filters.to}::date`);
  return q;
}

/** A page of the creator's tips, newest first. Anonymous supporters stay anonymous here too. */
export async function listCreatorTips(db: DB, args: { creatorId: number; filters: TipFilters; page: number; pageSize: number }) {
  const base = filteredTips(db, args.creatorId, args.filters);
  const [rows, total] = await Promise.all([
    base
      .select([
        "tips.id",
        "tips.anonymous",
        "users.display_name",
        "tips.message",
        "tips.amount",
        "tips.currency",
        "tips.status",
        "tips.purpose",
        "tips.source",
        "tips.created_at",
        sql<string | null>`(select p.details->>'supporterName' from payments p where p.id = tips.payment_id)`.as("card_name"),
      ])
      .orderBy("tips.created_at", "desc")
      .orderBy("tips.id", "desc")
      .limit(args.pageSize)
      .offset((args.page - 1) * args.pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
  ]);
  const tips: CreatorTipRow[] = rows.map((r) => ({
    id: r.id,
    supporter: r.anonymous ? null : (r.display_name ?? r.card_name ?? null),
    message: r.message,
    amount: r.amount,
    currency: r.currency as Currency,
    status: r.status,
    purpose: r.purpose,
    source: r.source,
    createdAt: r.created_at.toISOString(),
  }));
  return { tips, total: Number(total.n), page: args.page, pageSize: args.pageSize };
}

/** One CSV field: quoted, and a leading = + - @ neutralised so a spreadsheet never runs it as a formula. */
export function csvField(value: string | number | null) {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) || text !== String(value) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: (string | number | null)[][]) {
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

export async function creatorTipsCsv(db: DB, creatorId: number, filters: TipFilters = {}) {
  const page = await listCreatorTips(db, { creatorId, filters, page: 1, pageSize: 100_000 });
  return toCsv(
    ["tip_id", "created_at", "supporter", "amount", "currency", "status", "purpose", "source", "message"],
    page.tips.map((t) => [t.id, t.createdAt, t.supporter ?? "(anonymous)", t.amount, t.currency, t.status, t.purpose, t.source, t.message]),
  );
}

export async function creatorPayoutsCsv(db: DB, creatorId: number) {
  const rows = await db
    .selectFrom("payouts")
    .select(["id", "period", "amount", "currency", "status", "created_at", "paid_at", "failure_reason"])
    .where("creator_id", "=", creatorId)
    .orderBy("created_at", "desc")
    .execute();
  return toCsv(
    ["payout_id", "period", "amount", "currency", "status", "requested_at", "paid_at", "failure_reason"],
    rows.map((p) => [p.id, p.period, p.amount, p.currency, p.status, p.created_at.toISOString(), p.paid_at?.toISOString() ?? null, p.failure_reason]),
  );
}

/** Recent supporters for the public creator page (anonymous ones without a name). */
export async function recentSupporters(db: DB, creatorId: number, limit = 10) {
  const page = await listCreatorTips(db, { creatorId, filters: { purpose: "tip" }, page: 1, pageSize: limit });
  return page.tips.filter((t) => t.status !== "refunded");
}

/** Top supporters by total (named fans only; anonymous tips are not ranked). */
export async function topSupporters(db: DB, creatorId: number, limit = 5) {
  const rows = await db
    .selectFrom("tips")
    .innerJoin("users", "users.id", "tips.fan_id")
    .select(["users.display_name", (eb) => eb.fn.sum<number>("tips.amount").as("total"), (eb) => eb.fn.countAll<number>().as("tips")])
    .where("tips.creator_id", "=", creatorId)
    .where("tips.status", "<>", "refunded")
    .where("tips.anonymous", "=", false)
    .groupBy(["users.id", "users.display_name"])
    .orderBy("total", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ name: r.display_name, total: Number(r.total), tips: Number(r.tips) }));
}
