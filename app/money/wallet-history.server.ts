// A fan's wallet history, newest first: card top-ups (payments with purpose 'topup') and everything the fan paid
// for — tips, unlocks of paid posts and pledge months — with the creator and post they went to.
import type { DB } from "../../db/client";
import type { TipStatus } from "../../db/types";
import type { Currency } from "./currency";
import type { TipPurpose } from "./tips.server";

export type WalletActivity =
  | {
      kind: "topup";
      id: string;
      at: string;
      amount: number;
      currency: Currency;
      status: "pending" | "succeeded" | "failed" | "refunded";
    }
  | {
      kind: "tip";
      id: string;
      at: string;
      amount: number;
      currency: Currency;
      status: TipStatus;
      purpose: TipPurpose;
      source: "wallet" | "card";
      creator: { handle: string; displayName: string };
      post: { slug: string; title: string } | null;
    };

export async function listWalletActivity(db: DB, args: { userId: number; limit?: number }): Promise<WalletActivity[]> {
  const limit = args.limit ?? 30;
  const [topups, tips] = await Promise.all([
    db
      .selectFrom("payments")
      .select(["id", "amount", "currency", "status", "created_at"])
      .where("user_id", "=", args.userId)
      .where("purpose", "=", "topup")
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(limit)
      .execute(),
    db
      .selectFrom("tips")
      .innerJoin("creators", "creators.id", "tips.creator_id")
      .leftJoin("posts", "posts.id", "tips.post_id")
      .select([
        "tips.id",
        "tips.amount",
        "tips.currency",
        "tips.status",
        "tips.purpose",
        "tips.source",
        "tips.created_at",
        "creators.handle",
        "creators.display_name",
        "posts.slug as post_slug",
        "posts.title as post_title",
      ])
      .where("tips.fan_id", "=", args.userId)
      .orderBy("tips.created_at", "desc")
      .orderBy("tips.id", "desc")
      .limit(limit)
      .execute(),
  ]);
  const items: (WalletActivity & { sortAt: number })[] = [
    ...topups.map((p) => ({
      kind: "topup" as const,
      id: p.id,
      at: p.created_at.toISOString(),
      sortAt: p.created_at.getTime(),
      amount: p.amount,
      currency: p.currency as Currency,
      status: p.status,
    })),
    ...tips.map((r) => ({
      kind: "tip" as const,
      id: r.id,
      at: r.created_at.toISOString(),
      sortAt: r.created_at.getTime(),
      amount: r.amount,
      currency: r.currency as Currency,
      status: r.status,
      purpose: r.purpose,
      source: r.source,
      creator: { handle: r.handle, displayName: r.display_name },
      post: r.post_slug && r.post_title ? { slug: r.post_slug, title: r.post_title } : null,
    })),
  ];
  items.sort((a, b) => b.sortAt - a.sortAt);
  return items.slice(0, limit).map(({ sortAt: _sortAt, ...item }) => item);
}
