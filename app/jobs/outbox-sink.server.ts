// Where outbox events go once committed: live alerts on Redis pub/sub, and a settlement kick.
import type { OutboxEvent, OutboxSink } from "../money/outbox.server";
import { alertChannel } from "../models/overlays.server";
import { getRedis } from "../utils/redis.server";
import { kickSettlement } from "./queues.server";

export const redisOutboxSink: OutboxSink = {
  async publish(events) {
    const tips = events.filter((e) => e.topic === "tip.created");
    if (!tips.length) return;
    // One round trip for the whole batch (a pipeline, in order), then one settlement kick for all of it.
    const pipeline = getRedis().pipeline();
    for (const event of tips) pipeline.publish(alertChannel(event.payload.creatorId), JSON.stringify({ id: event.id, ...event.payload }));
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
    await kickSettlement();
  },
};
