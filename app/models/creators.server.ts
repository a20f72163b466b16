// Creators: becoming one, public profiles and the home page listing.
import { sql } from "kysely";
import type { DB } from "../../db/client";
import type { CreatorCategory } from "../../db/types";
import { CURRENCY_RULES, type Currency } from "../money/currency";
import { ensureCreatorAccounts } from "../money/ledger.server";
import { Problem } from "../utils/problem.server";

export const CATEGORIES: CreatorCategory[] = ["music", "art", "writing", "webtoon", "streaming", "busking"];

export interface Creator {
  id: number;
  userId: number;
  handle: string;
  displayName: string;
  bio: string;
  avatarUrl: string | null;
  category: CreatorCategory;
  currency: Currency;
  goalTitle: string | null;
  goalAmount: number | null;
  payoutSchedule: "weekly" | "monthly";
  payoutMinimum: number;
}

const CREATOR_COLUMNS = [
  "id",
  "user_id",
  "handle",
  "display_name",
  "bio",
  "avatar_url",
  "category",
  "currency",
  "goal_title",
  "goal_amount",
  "payout_schedule",
  "payout_minimum",
] as const;

type CreatorRow = {
  id: number;
  user_id: number;
  handle: string;
  display_name: string;
  bio: string;
  avatar_url: string | null;
  category: CreatorCategory;
  currency: string;
  goal_title: string | null;
  goal_amount: number | null;
  payout_schedule: "weekly" | "monthly";
  payout_minimum: number;
};

function toCreator(row: CreatorRow): Creator {
  return {
    id: row.id,
    userId: row.user_id,
    handle: row.handle,
    displayName: row.display_name,
    bio: row.bio,
    avatarUrl: row.avatar_url,
    category: row.category,
    currency: row.currency as Currency,
    goalTitle: row.goal_title,
    goalAmount: row.goal_amount,
    payoutSchedule: row.payout_schedule,
    payoutMinimum: row.payout_minimum,
  };
}

export function normalizeHandle(handle: string) {
  return handle.trim().replace(/^@/, "").toLowerCase();
}

export async function becomeCreator(
  db: DB,
  input: {
    userId: number;
    handle: string;
    displayName: string;
    currency: Currency;
    bio?: string;
    avatarUrl?: string | null;
    category?: CreatorCategory;
    payoutSchedule?: "weekly" | "monthly";
    payoutMinimum?: number;
    goalTitle?: string | null;
    goalAmount?: number | null;
  },
): Promise<Creator> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom("creators").select("id").where("user_id", "=", input.userId).executeTakeFirst();
    if (existing) throw new Problem(409, "already_creator", "This account already has a creator page.");
    const row = await trx
      .insertInto("creators")
      .values({
        user_id: input.userId,
        handle: normalizeHandle(input.handle),
        display_name: input.displayName.trim(),
        bio: input.bio ?? "",
        avatar_url: input.avatarUrl ?? null,
        category: input.category ?? "art",
        currency: input.currency,
        goal_title: input.goalTitle ?? null,
        goal_amount: input.goalAmount ?? null,
        payout_schedule: input.payoutSchedule ?? "weekly",
        payout_minimum: input.payoutMinimum ?? CURRENCY_RULES[input.currency].defaultPayoutMinimum,
      })
      .onConflict((oc) => oc.column("handle").doNothing())
      .returning(CREATOR_COLUMNS)
      .executeTakeFirst();
    if (!row) throw new Problem(409, "handle_taken", "This handle is already taken.", { handle: ["already taken"] });
    await ensureCreatorAccounts(trx, row.id, input.currency);
    return toCreator(row);
  });
}

export async function getCreatorByHandle(db: DB, handle: string): Promise<Creator | null> {
  const row = await db
    .selectFrom("creators")
    .select(CREATOR_COLUMNS)
    .where("handle", "=", normalizeHandle(handle))
    .executeTakeFirst();
  return row ? toCreator(row) : null;
}

export interface CreatorSettings {
  displayName: string;
  bio: string;
  avatarUrl: string | null;
  category: CreatorCategory;
  goalTitle: string | null;
  goalAmount: number | null;
  payoutSchedule: "weekly" | "monthly";
  payoutMinimum: number;
}

/** Profile, goal and payout settings of the creator owned by `userId` (ownership in the where clause). */
export async function updateCreatorSettings(db: DB, userId: number, settings: Partial<CreatorSettings>): Promise<Creator> {
  const row = await db
    .updateTable("creators")
    .set({
      ...(settings.displayName !== undefined && { display_name: settings.displayName.trim() }),
      ...(settings.bio !== undefined && { bio: settings.bio }),
      ...(settings.avatarUrl !== undefined && { avatar_url: settings.avatarUrl }),
      ...(settings.category !== undefined && { category: settings.category }),
      ...(settings.goalTitle !== undefined && { goal_title: settings.goalTitle }),
      ...(settings.goalAmount !== undefined && { goal_amount: settings.goalAmount }),
      ...(settings.payoutSchedule !== undefined && { payout_schedule: settings.payoutSchedule }),
      ...(settings.payoutMinimum !== undefined && { payout_minimum: settings.payoutMinimum }),
    })
    .where("user_id", "=", userId)
    .returning(CREATOR_COLUMNS)
    .executeTakeFirst();
  if (!row) throw new Problem(403, "not_a_creator", "Only creators can do this.");
  return toCreator(row);
}

export async function getCreatorById(db: DB, id: number): Promise<Creator | null> {
  const row = await db.selectFrom("creators").select(CREATOR_COLUMNS).where("id", "=", id).executeTakeFirst();
  return row ? toCreator(row) : null;
}

/** The creator page of an API user; 403 for a fan without one. */
export async function requireApiCreator(db: DB, user: { id: number }): Promise<Creator> {
  const creator = await getCreatorByUserId(db, user.id);
  if (!creator) throw new Problem(403, "not_a_creator", "Only creators can do this. Create your creator page first.");
  return creator;
}

export async function getCreatorByUserId(db: DB, userId: number): Promise<Creator | null> {
  const row = await db.selectFrom("creators").select(CREATOR_COLUMNS).where("user_id", "=", userId).executeTakeFirst();
  return row ? toCreator(row) : null;
}

/** Goal progress counts every tip not refunded, pending ones included, so fans see their tip at once. */
export async function getGoalProgress(db: DB, creatorId: number) {
  const row = await db
    .selectFrom("tips")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("amount"), sql<number>`0`).as("total"))
    .where("creator_id", "=", creatorId)
    .where("status", "<>", "refunded")
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

/** What anyone may see of a creator (the public API and pages). */
export async function getPublicProfile(db: DB, creator: Creator) {
  const rules = CURRENCY_RULES[creator.currency];
  return {
    handle: creator.handle,
    displayName: creator.displayName,
    bio: creator.bio,
    avatarUrl: creator.avatarUrl,
    category: creator.category,
    currency: creator.currency,
    tipPresets: rules.presets,
    minimumTip: { wallet: rules.walletTipMin, card: rules.cardTipMin },
    maximumTip: rules.tipMax,
    goal: creator.goalAmount
      ? { title: creator.goalTitle, amount: creator.goalAmount, raised: await getGoalProgress(db, creator.id) }
      : null,
  };
}

export async function listCreatorsForHome(
  db: DB,
  options: { query?: string; category?: CreatorCategory; limit?: number },
) {
  let q = db
    .selectFrom("creators as c")
    .leftJoin(
      (eb) =>
        eb
          .selectFrom("tips")
          .select((e) => [
            "creator_id",
            e.fn.count<number>(sql`distinct coalesce(fan_id::text, id::text)`).as("supporters"),
            e.fn.sum<number>("amount").as("total"),
          ])
          .where("status", "<>", "refunded")
          .groupBy("creator_id")
          .as("t"),
      (join) => join.onRef("t.creator_id", "=", "c.id"),
    )
    .select([
      "c.handle",
      "c.display_name",
      "c.avatar_url",
      "c.category",
      "c.currency",
      "c.bio",
      sql<number>`coalesce(t.supporters, 0)::int`.as("supporters"),
      sql<number>`coalesce(t.total, 0)::bigint`.as("total"),
    ])
    .orderBy(sql`coalesce(t.total, 0)`, "desc")
    .orderBy("c.id")
    .limit(options.limit ?? 24);
  if (options.category) q = q.where("c.category", "=", options.category);
  if (options.query?.trim()) {
    const pattern = `%${options.query.trim().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    q = q.where((eb) => eb.or([eb("c.display_name", "ilike", pattern), eb("c.handle", "ilike", pattern)]));
  }
  const rows = await q.execute();
  return rows.map((r) => ({
    handle: r.handle,
    displayName: r.display_name,
    avatarUrl: r.avatar_url,
    category: r.category,
    currency: r.currency as Currency,
    bio: r.bio,
    supporterCount: Number(r.supporters),
    totalTipped: Number(r.total),
  }));
}
