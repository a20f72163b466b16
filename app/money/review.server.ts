// The admin review queue and the audit log of money-moving admin actions. A held tip (stopped by a fraud rule,
// app/risk/) sits in tips in flight until an admin approves it — it becomes pending and the next settlement run
// takes it — or refunds it. Each such action is written to admin_actions in the same transaction as its effect.
import { sql } from "kysely";
import type { DB } from "../../db/client";
import type { Currency } from "./currency";
import { inTransaction, type Tx } from "./ledger.server";
import type { PaymentProvider } from "./provider.server";
import { writeOutbox } from "./outbox.server";
import { getTipReceipt } from "./receipts.server";
import { refundTip } from "./refunds.server";
import { Problem } from "../utils/problem.server";

export interface HeldTip {
  id: string;
  amount: number;
  currency: Currency;
  source: "wallet" | "card";
  message: string | null;
  createdAt: string;
  creatorHandle: string;
  fanId: number | null;
  fanEmail: string | null;
  reasons: string[];
}

/** Held tips, oldest first, with the reasons of the decision that held them. */
export async function listHeldTips(db: DB, limit = 100): Promise<HeldTip[]> {
  const rows = await db
    .selectFrom("tips")
    .innerJoin("creators", "creators.id", "tips.creator_id")
    .leftJoin("users", "users.id", "tips.fan_id")
    .select([
      "tips.id",
      "tips.amount",
      "tips.currency",
      "tips.source",
      "tips.message",
      "tips.created_at",
      "creators.handle",
      "tips.fan_id",
      "users.email",
      sql<string[] | null>`(select d.reasons from risk_decisions d
                             where d.tip_id = tips.id or (tips.payment_id is not null and d.payment_id = tips.payment_id)
                             order by d.id desc limit 1)`.as("reasons"),
    ])
    .where("tips.status", "=", "held")
    .orderBy("tips.created_at")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    amount: r.amount,
    currency: r.currency as Currency,
    source: r.source,
    message: r.message,
    createdAt: r.created_at.toISOString(),
    creatorHandle: r.handle,
    fanId: r.fan_id,
    fanEmail: r.email,
    reasons: r.reasons ?? [],
  }));
}

async function recordAdminAction(
  trx: Tx,
  row: { adminId: number; action: "approve_tip" | "refund_tip"; tipId: string; amount: number | null; currency: Currency | null; outcome: string },
) {
  await trx
    .insertInto("admin_actions")
    .values({ admin_id: row.adminId, action: row.action, tip_id: row.tipId, amount: row.amount, currency: row.currency, outcome: row.outcome })
    .execute();
}

/** Releases a held tip to settlement (held → pending); 409 when the tip is not held (approved or refunded already). */
export async function approveHeldTip(db: DB, args: { tipId: string; adminId: number }) {
  return db.transaction().execute(async (trx) => {
    const tip = await trx
      .updateTable("tips")
      .set({ status: "pending" })
      .where("id", "=", args.tipId)
      .where("status", "=", "held")
      .returning(["id", "amount", "currency", "creator_id"])
      .executeTakeFirst();
    if (!tip) {
      const exists = await trx.selectFrom("tips").select("status").where("id", "=", args.tipId).executeTakeFirst();
      if (!exists) throw new Problem(404, "tip_not_found", "No such tip.");
      throw new Problem(409, "tip_not_held", `This tip is ${exists.status}, not held for review.`);
    }
    await recordAdminAction(trx, { adminId: args.adminId, action: "approve_tip", tipId: tip.id, amount: tip.amount, currency: tip.currency as Currency, outcome: "approved" });
    // Held tips were not announced when they came in; now the creator's overlay and tools hear of it.
    const receipt = (await getTipReceipt(trx, tip.id))!;
    await writeOutbox(trx, {
      topic: "tip.created",
      payload: {
        tipId: tip.id,
        creatorId: tip.creator_id,
        amount: tip.amount,
        currency: tip.currency,
        supporterName: receipt.supporter,
        message: receipt.message,
        createdAt: receipt.createdAt,
      },
    });
    return { tipId: tip.id, status: "pending" as const };
  });
}

/** An admin's refund (review queue or API), whole or `amount` of it, written to the audit log with the refund. */
export async function refundTipAsAdmin(db: Tx, provider: PaymentProvider, args: { tipId: string; adminId: number; amount?: number }) {
  return inTransaction(db, async (trx) => {
    const result = await refundTip(trx, provider, { tipId: args.tipId, amount: args.amount });
    const tip = await trx.selectFrom("tips").select(["amount", "currency"]).where("id", "=", args.tipId).executeTakeFirstOrThrow();
    await recordAdminAction(trx, {
      adminId: args.adminId,
      action: "refund_tip",
      tipId: args.tipId,
      amount: result.alreadyRefunded ? tip.amount : result.amount,
      currency: tip.currency as Currency,
      outcome: result.alreadyRefunded ? "already_refunded" : result.status,
    });
    return result;
  });
}

export interface AdminActionEntry {
  id: number;
  createdAt: string;
  adminEmail: string;
  action: "approve_tip" | "refund_tip";
  tipId: string | null;
  amount: number | null;
  currency: Currency | null;
  outcome: string;
}

export async function listAdminActions(db: DB, limit = 200): Promise<AdminActionEntry[]> {
  const rows = await db
    .selectFrom("admin_actions")
    .innerJoin("users", "users.id", "admin_actions.admin_id")
    .select([
      "admin_actions.id",
      "admin_actions.created_at",
      "users.email",
      "admin_actions.action",
      "admin_actions.tip_id",
      "admin_actions.amount",
      "admin_actions.currency",
      "admin_actions.outcome",
    ])
    .orderBy("admin_actions.id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.created_at.toISOString(),
    adminEmail: r.email,
    action: r.action,
    tipId: r.tip_id,
    amount: r.amount,
    currency: r.currency,
    outcome: r.outcome,
  }));
}
