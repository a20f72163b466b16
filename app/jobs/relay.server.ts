// After a tip commits, the web process relays its event at once (live alert, settlement kick) without making the
// fan wait. Best effort: when Redis is away the outbox sweeper in the workers relays it later.
import { relayOutbox } from "../money/outbox.server";
import { getDb } from "../utils/db.server";
import { getLogger } from "../utils/logger.server";
import { getRedis } from "../utils/redis.server";
import { redisOutboxSink } from "./outbox-sink.server";

export function relayTipEventsSoon() {
  if (getRedis().status !== "ready") return;
  relayOutbox(getDb(), redisOutboxSink, { batchSize: 50 }).catch((err) => getLogger().debug({ err }, "outbox relay deferred to the sweeper"));
}
