// A tip's public receipt: what the fan sees after tipping, at an address anyone with the link may open (tip ids
// are random UUIDs). It names the supporter only as the creator's page would: not at all when anonymous.
import { sql } from "kysely";
import type { TipStatus } from "../../db/types";
import type { Currency } from "./currency";
import type { Tx } from "./ledger.server";
import type { TipPurpose } from "./tips.server";

export interface TipReceipt {
  id: string;
  status: TipStatus;
  purpose: TipPurpose;
  source: "wallet" | "card";
  amount: number;
  currency: Currency;
  message: string | null;
  /** Null when the tip was anonymous or the guest gave no name. */
  supporter: string | null;
  createdAt: string;
  creator: { handle: string; displayName: string };
  post: { slug: string; title: string } | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function getTipReceipt(db: Tx, tipId: string): Promise<TipReceipt | null> {
  // Anything else would be a Postgres cast error rather than "no such tip".
  if (!UUID.test(tipId)) return null;
  const row = await db
    .selectFrom("tips")
    .innerJoin("creators", "creators.id", "tips.creator_id")
    .leftJoin("users", "users.id", "tips.fan_id")
    .leftJoin("payments", "payments.id", "tips.payment_id")
    .leftJoin("posts", "posts.id", "tips.post_id")
    .select([
      "tips.id",
      "tips.status",
      "tips.purpose",
      "tips.source",
      "tips.amount",
      "tips.currency",
      "tips.message",
      "tips.anonymous",
      "tips.created_at",
      "creators.handle",
      "creators.display_name as creator_name",
      "users.display_name as fan_name",
      sql<string | null>`payments.details->>'supporterName'`.as("card_name"),
      "posts.slug as post_slug",
      "posts.title as post_title",
    ])
    .where("tips.id", "=", tipId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    status: row.status,
    purpose: row.purpose,
    source: row.source,
    amount: row.amount,
    currency: row.currency as Currency,
    message: row.message,
    supporter: row.anonymous ? null : (row.fan_name ?? (typeof row.card_name === "string" && row.card_name ? row.card_name : null)),
    createdAt: row.created_at.toISOString(),
    creator: { handle: row.handle, displayName: row.creator_name },
    post: row.post_slug && row.post_title ? { slug: row.post_slug, title: row.post_title } : null,
  };
}

/** The tip a card payment recorded — for a repeated submit, whose charge and tip the first submit made. */
export async function findTipIdByPayment(db: Tx, paymentId: string): Promise<string | null> {
  const row = await db.selectFrom("tips").select("id").where("payment_id", "=", paymentId).executeTakeFirst();
  return row?.id ?? null;
}
