// Where outbox events go once committed: live alerts on Redis pub/sub, and a settlement kick.
import type { OutboxEvent, OutboxSink } from "../money/outbox.server";
import { alertChannel } from "../models/overlays.server";
import { getRedis } from "../utils/redis.server";
import { kickSettlement } from "./queues.server";

export const redisOutboxSink: OutboxSink = {
  async publish(event: OutboxEvent & { id: number }) {
    if (event.topic === "tip.created") {
      await getRedis().publish(alertChannel(event.payload.creatorId), JSON.stringify({ id: event.id, ...event.payload }));
      await kickSettlement();
    }
  },
};
