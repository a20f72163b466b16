// After a tip commits, the web process relays its event soon (live alert, settlement kick) without making the fan
// wait. Calls within 50 ms share one relay run: under load that is one outbox transaction (five round trips) for
// many tips instead of a few, and a live alert is still on screen well within a second. Best effort: when Redis
// is away the outbox sweeper in the workers relays it later.
import { relayOutbox } from "../money/outbox.server";
import { getDb } from "../utils/db.server";
import { getLogger } from "../utils/logger.server";
import { getRedis } from "../utils/redis.server";
import { redisOutboxSink } from "./outbox-sink.server";

const COALESCE_MS = 50;
let scheduled = false;

export function relayTipEventsSoon() {
  if (scheduled || getRedis().status !== "ready") return;
  scheduled = true;
  // The caller's transaction has committed, so the run below (starting later) sees its event.
  setTimeout(() => {
    scheduled = false;
    relayOutbox(getDb(), redisOutboxSink, { batchSize: 500 }).catch((err) => getLogger().debug({ err }, "outbox relay deferred to the sweeper"));
  }, COALESCE_MS).unref();
}
