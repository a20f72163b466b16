// Monthly pledges: a fan supports a creator with a fixed amount each month, paid from the wallet. The monthly
// job turns each active pledge into one wallet tip per month — idempotent by (pledge, month). A short wallet is
// recorded (the fan is told) instead of retried into an overdraft.
import { sql, type Transaction } from "kysely";
import type { Database } from "../../db/types";
import type { DB } from "../../db/client";
import { getCreatorById, type Creator } from "../models/creators.server";
import { Problem } from "../utils/problem.server";
import { seoulMonth } from "../utils/seoul-time";
import type { Currency } from "./currency";
import { createWalletTip, validateTip } from "./tips.server";

export interface Pledge {
  id: number;
  creatorId: number;
  creatorHandle: string;
  creatorName: string;
  amount: number;
  currency: Currency;
  status: "active" | "cancelled";
  createdAt: string;
  lastCharge: { month: string; status: PledgeChargeStatus } | null;
}

/** A month's outcome: paid, or not paid because the wallet was short or the fan's own spending cap refused it. */
export type PledgeChargeStatus = "paid" | "insufficient_funds" | "spending_cap_reached";

/** The month a date falls in, in Korea's time zone. */
export function pledgeMonth(at: Date) {
  return seoulMonth(at);
}

export async function createPledge(db: DB, args: { fan: { id: number; displayName: string }; creator: Creator; amount: number; now?: Date }) {
  validateTip(args.creator, { amount: args.amount, currency: args.creator.currency }, "wallet");
  if (args.creator.userId === args.fan.id) throw new Problem(422, "self_pledge", "You cannot pledge to your own page.");
  try {
    // The first month is paid at once, in the same transaction: a pledge whose first month the fan's spending
    // cap refuses is not created at all (422 spending_cap_reached, nothing written).
    return await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto("pledges")
        .values({ fan_id: args.fan.id, creator_id: args.creator.id, amount: args.amount, currency: args.creator.currency })
        .returning("id")
        .executeTakeFirstOrThrow();
      const charge = await chargePledgeIn(trx, row.id, pledgeMonth(args.now ?? new Date()), { refuseOverCap: true, now: args.now });
      return { pledgeId: row.id, firstCharge: charge };
    });
  } catch (error) {
    if ((error as { code?: string }).code === "23505") {
      throw new Problem(409, "pledge_exists", "You already support this creator monthly. Cancel it first to change the amount.");
    }
    throw error;
  }
}

export async function cancelPledge(db: DB, args: { fanId: number; pledgeId: number }) {
  const row = await db
    .updateTable("pledges")
    .set({ status: "cancelled", cancelled_at: new Date() })
    .where("id", "=", args.pledgeId)
    .where("fan_id", "=", args.fanId)
    .where("status", "=", "active")
    .returning("id")
    .executeTakeFirst();
  if (!row) throw new Problem(404, "pledge_not_found", "No active pledge to cancel.");
}

/** Charges one pledge for one month, at most once; returns the outcome recorded for that month. */
export async function chargePledge(db: DB, pledgeId: number, month: string): Promise<PledgeChargeStatus | "inactive"> {
  return db.transaction().execute((trx) => chargePledgeIn(trx, pledgeId, month, {}));
}

async function chargePledgeIn(
  trx: Transaction<Database>,
  pledgeId: number,
  month: string,
  options: { refuseOverCap?: boolean; now?: Date },
): Promise<PledgeChargeStatus | "inactive"> {
  const pledge = await trx
    .selectFrom("pledges")
    .innerJoin("users", "users.id", "pledges.fan_id")
    .select(["pledges.id", "pledges.fan_id", "pledges.creator_id", "pledges.amount", "pledges.currency", "pledges.status", "users.display_name"])
    .where("pledges.id", "=", pledgeId)
    .forUpdate("pledges")
    .executeTakeFirst();
  if (!pledge || pledge.status !== "active") return "inactive";
  const done = await trx.selectFrom("pledge_charges").select("status").where("pledge_id", "=", pledgeId).where("month", "=", month).executeTakeFirst();
  if (done) return done.status;
  const creator = (await getCreatorById(trx, pledge.creator_id))!;

  await sql`savepoint pledge_tip`.execute(trx);
  let tipId: string | null = null;
  let refusal: PledgeChargeStatus = "insufficient_funds";
  try {
    const tip = await createWalletTip(trx, {
      fan: { id: pledge.fan_id, displayName: pledge.display_name },
      creator,
      input: { amount: pledge.amount, currency: pledge.currency as Currency, message: null, anonymous: false },
      purpose: "pledge",
      now: options.now,
    });
    tipId = tip.id;
  } catch (error) {
    const refused = error instanceof Problem && (error.code === "insufficient_funds" || error.code === "spending_cap_reached") ? error : null;
    if (!refused || (refused.code === "spending_cap_reached" && options.refuseOverCap)) throw error;
    await sql`rollback to savepoint pledge_tip`.execute(trx);
    refusal = refused.code as PledgeChargeStatus;
  }
  const status: PledgeChargeStatus = tipId ? "paid" : refusal;
  await trx.insertInto("pledge_charges").values({ pledge_id: pledgeId, month, status, tip_id: tipId }).execute();
  return status;
}

/** The monthly job: every active pledge without a charge for `month`. Safe to run any number of times. */
export async function chargeDuePledges(db: DB, month: string) {
  const due = await db
    .selectFrom("pledges")
    .select("id")
    .where("status", "=", "active")
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom("pledge_charges").select("pledge_id").whereRef("pledge_charges.pledge_id", "=", "pledges.id").where("month", "=", month))),
    )
    .orderBy("id")
    .execute();
  const outcome = { paid: 0, insufficientFunds: 0, spendingCapReached: 0 };
  for (const { id } of due) {
    const status = await chargePledge(db, id, month);
    if (status === "paid") outcome.paid++;
    if (status === "insufficient_funds") outcome.insufficientFunds++;
    if (status === "spending_cap_reached") outcome.spendingCapReached++;
  }
  return outcome;
}

export async function listFanPledges(db: DB, fanId: number): Promise<Pledge[]> {
  const rows = await db
    .selectFrom("pledges")
    .innerJoin("creators", "creators.id", "pledges.creator_id")
    .select([
      "pledges.id",
      "pledges.creator_id",
      "creators.handle",
      "creators.display_name",
      "pledges.amount",
      "pledges.currency",
      "pledges.status",
      "pledges.created_at",
      (eb) =>
        eb
          .selectFrom("pledge_charges")
          .select(sql<string>`month || ':' || status`.as("charge"))
          .whereRef("pledge_charges.pledge_id", "=", "pledges.id")
          .orderBy("month", "desc")
          .limit(1)
          .as("last_charge"),
    ])
    .where("pledges.fan_id", "=", fanId)
    .orderBy("pledges.status")
    .orderBy("pledges.created_at", "desc")
    .execute();
  return rows.map((r) => {
    const [month, status] = (r.last_charge ?? "").split(":");
    return {
      id: r.id,
      creatorId: r.creator_id,
      creatorHandle: r.handle,
      creatorName: r.display_name,
      amount: r.amount,
      currency: r.currency as Currency,
      status: r.status,
      createdAt: r.created_at.toISOString(),
      lastCharge: r.last_charge ? { month, status: status as PledgeChargeStatus } : null,
    };
  });
}
