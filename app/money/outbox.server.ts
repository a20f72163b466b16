// Events written in the same database transaction as the money they describe. After commit they are relayed
// to Redis (live alerts, a settlement kick); if Redis is away the sweeper relays them later. Nothing waits on it.
import type { DB } from "../../db/client";
import { queueWebhookEvents } from "../models/webhooks.server";
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

/** The outbox row of an event (for a caller that writes it as part of a larger statement). */
export function outboxRow(event: OutboxEvent) {
  return { topic: event.topic, payload: JSON.stringify(event.payload) };
}

export async function writeOutbox(trx: Tx, event: OutboxEvent): Promise<number> {
  const row = await trx.insertInto("outbox").values(outboxRow(event)).returning("id").executeTakeFirstOrThrow();
  return row.id;
}

export interface OutboxSink {
  /** Everything claimed in one relay run, in order. */
  publish(events: (OutboxEvent & { id: number })[]): Promise<void>;
}

/**
 * Claims unpublished events (SKIP LOCKED, so several relays share the work), hands them to the sink and marks
 * them published in the same transaction: a crash before commit means they are relayed again (at least once).
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
    const events = rows.map((row) => ({ id: row.id, topic: row.topic as OutboxEvent["topic"], payload: row.payload as unknown as TipCreatedEvent }));
    await sink.publish(events);
    // Creators' own endpoints get the event too (queued here, delivered by the webhooks worker).
    await queueWebhookEvents(
      trx,
      events
        .filter((e) => e.topic === "tip.created")
        .map(({ payload: { creatorId, ...data } }) => ({ creatorId, type: "tip.created" as const, key: data.tipId, data, at: new Date(data.createdAt) })),
    );
    await trx
      .updateTable("outbox")
      .set({ published_at: new Date() })
      .where("id", "in", rows.map((r) => r.id))
      .execute();
    return rows.length;
  });
}
