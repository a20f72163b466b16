// What a paid post's page shows: the post and its creator, the body when the viewer may read it (their unlock,
// or their own post), and the viewer's wallet balance in the post's currency for the unlock button.
import type { DB } from "../../db/client";
import { getWalletBalances } from "../money/payments.server";
import { findCreatorByPageParam } from "./creator-page.server";
import type { Creator } from "./creators.server";
import { getPost, readPostBody, toPublicPost, type Post } from "./posts.server";

/** The creator and post a `/@handle/p/:slug` address names, or null (a 404). */
export async function findPostPage(db: DB, handleParam: string | undefined, slug: string | undefined) {
  const creator = await findCreatorByPageParam(db, handleParam);
  if (!creator || !slug) return null;
  const post = await getPost(db, creator.id, slug);
  return post ? { creator, post } : null;
}

export async function getPostPage(db: DB, args: { creator: Creator; post: Post; viewerId: number | null }) {
  const { creator, post, viewerId } = args;
  const [body, balances] = await Promise.all([
    readPostBody(db, { post, viewerId, creatorUserId: creator.userId }),
    viewerId === null ? Promise.resolve([]) : getWalletBalances(db, viewerId),
  ]);
  return {
    creator: { handle: creator.handle, displayName: creator.displayName },
    post: toPublicPost(post),
    body,
    viewer:
      viewerId === null
        ? null
        : {
            isOwner: creator.userId === viewerId,
            walletBalance: balances.find((b) => b.currency === post.currency)?.balance ?? 0,
          },
  };
}
