// Where outbox events go once committed: live alerts on Redis pub/sub, and a settlement kick.
import type { OutboxEvent, OutboxSink } from "../money/outbox.server";
import { getRedis, redisKey } from "../utils/redis.server";
import { kickSettlement } from "./queues.server";

export function alertChannel(creatorId: number) {
  return redisKey("alerts", creatorId);
}

export const redisOutboxSink: OutboxSink = {
  async publish(event: OutboxEvent & { id: number }) {
    if (event.topic === "tip.created") {
      await getRedis().publish(alertChannel(event.payload.creatorId), JSON.stringify({ id: event.id, ...event.payload }));
      await kickSettlement();
    }
  },
};
