// Events written in the same database transaction as the money they describe. After commit they are relayed
// to Redis (live alerts, a settlement kick); if Redis is away the sweeper relays them later. Nothing waits on it.
import type { DB } from "../../db/client";
import { queueWebhookEvent } from "../models/webhooks.server";
import type { Tx } from "./ledger.server";

export interface TipCreatedEvent {
  tipId: string;
  creatorId: number;
  amount: number;
  currency: string;
  supporterName: string | null;
  message: string | null;
  createdAt: string;
}

export type OutboxEvent = { topic: "tip.created"; payload: TipCreatedEvent };

export async function writeOutbox(trx: Tx, event: OutboxEvent): Promise<number> {
  const row = await trx
    .insertInto("outbox")
    .values({ topic: event.topic, payload: JSON.stringify(event.payload) })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface OutboxSink {
  publish(event: OutboxEvent & { id: number }): Promise<void>;
}

/**
 * Claims unpublished events (SKIP LOCKED, so several relays share the work), hands each to the sink and marks
 * it published in the same transaction: a crash before commit means it is relayed again (at least once).
 */
export async function relayOutbox(db: DB, sink: OutboxSink, options: { batchSize?: number; onlyId?: number } = {}) {
  return db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom("outbox")
      .select(["id", "topic", "payload"])
      .where("published_at", "is", null)
      .orderBy("id")
      .limit(options.batchSize ?? 500)
      .forUpdate()
      .skipLocked();
    if (options.onlyId !== undefined) query = query.where("id", "=", options.onlyId);
    const rows = await query.execute();
    if (!rows.length) return 0;
    for (const row of rows) {
      const payload = row.payload as unknown as TipCreatedEvent;
      await sink.publish({ id: row.id, topic: row.topic as OutboxEvent["topic"], payload });
      // Creators' own endpoints get the event too (queued here, delivered by the webhooks worker).
      if (row.topic === "tip.created") {
        const { creatorId, ...data } = payload;
        await queueWebhookEvent(trx, { creatorId, type: "tip.created", key: payload.tipId, data, at: new Date(payload.createdAt) });
      }
    }
    await trx
      .updateTable("outbox")
      .set({ published_at: new Date() })
      .where("id", "in", rows.map((r) => r.id))
      .execute();
    return rows.length;
  });
}
