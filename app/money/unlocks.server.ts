// Unlocking one paid post from the wallet: a tip for the post's price, marked as an unlock, and an unlock row —
// one per fan and post, so a fan pays once and reads again for free.
import type { DB } from "../../db/client";
import type { Creator } from "../models/creators.server";
import type { Post } from "../models/posts.server";
import { Problem } from "../utils/problem.server";
import { createWalletTip, type Tip } from "./tips.server";

export async function unlockPost(
  db: DB,
  args: { fan: { id: number; displayName: string }; creator: Creator; post: Post },
): Promise<{ tip: Tip | null; alreadyUnlocked: boolean }> {
  if (args.creator.userId === args.fan.id) return { tip: null, alreadyUnlocked: true };
  if (args.post.creatorId !== args.creator.id) throw new Problem(404, "post_not_found", "No such post.");
  try {
    return await unlockInTransaction(db, args);
  } catch (error) {
    // Two clicks at once: the other one unlocked it first (primary key fan + post).
    if ((error as { code?: string }).code === "23505") return { tip: null, alreadyUnlocked: true };
    throw error;
  }
}

function unlockInTransaction(db: DB, args: { fan: { id: number; displayName: string }; creator: Creator; post: Post }) {
  return db.transaction().execute(async (trx) => {
    // Serialises two clicks of the same fan on the same post; the primary key refuses a second unlock anyway.
    const existing = await trx
      .selectFrom("unlocks")
      .innerJoin("tips", "tips.id", "unlocks.tip_id")
      .select(["unlocks.tip_id", "tips.status"])
      .where("unlocks.fan_id", "=", args.fan.id)
      .where("unlocks.post_id", "=", args.post.id)
      .forUpdate("unlocks")
      .executeTakeFirst();
    if (existing && existing.status !== "refunded") return { tip: null, alreadyUnlocked: true };
    if (existing) await trx.deleteFrom("unlocks").where("fan_id", "=", args.fan.id).where("post_id", "=", args.post.id).execute();
    const tip = await createWalletTip(trx, {
      fan: args.fan,
      creator: args.creator,
      input: { amount: args.post.price, currency: args.post.currency, message: null, anonymous: false },
      purpose: "unlock",
      postId: args.post.id,
    });
    await trx.insertInto("unlocks").values({ fan_id: args.fan.id, post_id: args.post.id, tip_id: tip.id }).execute();
    return { tip: tip as Tip | null, alreadyUnlocked: false };
  });
}
