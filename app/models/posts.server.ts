// Paid posts: an article, a webtoon chapter or an episode. Everyone sees the preview; the body is for fans who
// unlocked it (and for its creator).
import type { DB } from "../../db/client";
import type { Currency } from "../money/currency";
import { Problem } from "../utils/problem.server";

export type PostKind = "article" | "webtoon" | "episode";

export interface Post {
  id: number;
  creatorId: number;
  slug: string;
  kind: PostKind;
  title: string;
  preview: string;
  price: number;
  currency: Currency;
  publishedAt: string;
}

const POST_COLUMNS = ["id", "creator_id", "slug", "kind", "title", "preview", "price", "currency", "published_at"] as const;

function toPost(row: {
  id: number;
  creator_id: number;
  slug: string;
  kind: PostKind;
  title: string;
  preview: string;
  price: number;
  currency: string;
  published_at: Date;
}): Post {
  return {
    id: row.id,
    creatorId: row.creator_id,
    slug: row.slug,
    kind: row.kind,
    title: row.title,
    preview: row.preview,
    price: row.price,
    currency: row.currency as Currency,
    publishedAt: row.published_at.toISOString(),
  };
}

/** What anyone may see of a post (no internal ids, no body). */
export function toPublicPost(post: Post) {
  return {
    slug: post.slug,
    kind: post.kind,
    title: post.title,
    preview: post.preview,
    price: post.price,
    currency: post.currency,
    publishedAt: post.publishedAt,
  };
}

export async function listCreatorPosts(db: DB, creatorId: number): Promise<Post[]> {
  const rows = await db.selectFrom("posts").select(POST_COLUMNS).where("creator_id", "=", creatorId).orderBy("published_at", "desc").execute();
  return rows.map(toPost);
}

export async function getPost(db: DB, creatorId: number, slug: string): Promise<Post | null> {
  const row = await db.selectFrom("posts").select(POST_COLUMNS).where("creator_id", "=", creatorId).where("slug", "=", slug).executeTakeFirst();
  return row ? toPost(row) : null;
}

/** The full body, only for the creator or a fan whose unlock was not refunded. */
export async function readPostBody(db: DB, args: { post: Post; viewerId: number | null; creatorUserId: number }): Promise<string | null> {
  if (args.viewerId === null) return null;
  if (args.viewerId !== args.creatorUserId) {
    const unlocked = await isUnlocked(db, args.viewerId, args.post.id);
    if (!unlocked) return null;
  }
  const row = await db.selectFrom("posts").select("body").where("id", "=", args.post.id).executeTakeFirstOrThrow();
  return row.body;
}

export async function isUnlocked(db: DB, fanId: number, postId: number) {
  const row = await db
    .selectFrom("unlocks")
    .innerJoin("tips", "tips.id", "unlocks.tip_id")
    .select("unlocks.tip_id")
    .where("unlocks.fan_id", "=", fanId)
    .where("unlocks.post_id", "=", postId)
    .where("tips.status", "<>", "refunded")
    .executeTakeFirst();
  return Boolean(row);
}

export interface PostInput {
  slug: string;
  kind: PostKind;
  title: string;
  preview: string;
  body: string;
  price: number;
}

/** Creates or updates a creator's post by slug (ownership in the query: a creator edits only their own). */
export async function savePost(db: DB, creator: { id: number; currency: Currency }, input: PostInput, originalSlug?: string): Promise<Post> {
  try {
    const row = originalSlug
      ? await db
          .updateTable("posts")
          .set({ ...input })
          .where("creator_id", "=", creator.id)
          .where("slug", "=", originalSlug)
          .returning(POST_COLUMNS)
          .executeTakeFirst()
      : await db
          .insertInto("posts")
          .values({ ...input, creator_id: creator.id, currency: creator.currency })
          .returning(POST_COLUMNS)
          .executeTakeFirst();
    if (!row) throw new Problem(404, "post_not_found", "No such post.");
    return toPost(row);
  } catch (error) {
    if ((error as { code?: string }).code === "23505") {
      throw new Problem(409, "slug_taken", "You already have a post with this address.", { slug: ["already used"] });
    }
    throw error;
  }
}
