// What the public creator page shows: profile, goal progress, recent and top supporters, paid posts, and — for a
// signed-in visitor — their wallet balance in the creator's currency and their monthly pledge, if any.
import type { DB } from "../../db/client";
import { recentSupporters, topSupporters } from "../money/dashboard.server";
import { getWalletBalances } from "../money/payments.server";
import { listFanPledges } from "../money/pledges.server";
import { getCreatorByHandle, getGoalProgress, type Creator } from "./creators.server";
import { listCreatorPosts, toPublicPost } from "./posts.server";

/** The creator a handle in an address names (`/embed/:handle`); null for anything that is not a handle or unknown. */
export async function findCreatorByHandleParam(db: DB, handle: string | undefined): Promise<Creator | null> {
  if (!handle || !/^[A-Za-z0-9_.-]{1,64}$/.test(handle)) return null;
  return getCreatorByHandle(db, handle);
}

/** The creator a `/@handle` address names; null (a 404) for a segment without the "@" or an unknown handle. */
export async function findCreatorByPageParam(db: DB, param: string | undefined): Promise<Creator | null> {
  if (!param?.startsWith("@")) return null;
  return findCreatorByHandleParam(db, param.slice(1));
}

export async function getCreatorPage(db: DB, args: { creator: Creator; viewerId: number | null }) {
  const { creator, viewerId } = args;
  const [raised, recent, top, posts, viewer] = await Promise.all([
    creator.goalAmount ? getGoalProgress(db, creator.id) : Promise.resolve(0),
    recentSupporters(db, creator.id, 10),
    topSupporters(db, creator.id, 5),
    listCreatorPosts(db, creator.id),
    viewerId === null ? Promise.resolve(null) : getViewer(db, viewerId, creator),
  ]);
  return {
    creator: {
      handle: creator.handle,
      displayName: creator.displayName,
      bio: creator.bio,
      avatarUrl: creator.avatarUrl,
      category: creator.category,
      currency: creator.currency,
    },
    goal: creator.goalAmount ? { title: creator.goalTitle, amount: creator.goalAmount, raised } : null,
    recent: recent.map((tip) => ({
      id: tip.id,
      supporter: tip.supporter,
      message: tip.message,
      amount: tip.amount,
      currency: tip.currency,
      createdAt: tip.createdAt,
    })),
    top,
    posts: posts.map(toPublicPost),
    viewer,
  };
}

async function getViewer(db: DB, viewerId: number, creator: Creator) {
  const [balances, pledges] = await Promise.all([getWalletBalances(db, viewerId), listFanPledges(db, viewerId)]);
  const pledge = pledges.find((p) => p.creatorId === creator.id && p.status === "active") ?? null;
  return {
    isOwner: creator.userId === viewerId,
    walletBalance: balances.find((b) => b.currency === creator.currency)?.balance ?? 0,
    pledge: pledge ? { id: pledge.id, amount: pledge.amount, currency: pledge.currency } : null,
  };
}
