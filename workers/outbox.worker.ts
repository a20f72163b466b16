import { redisOutboxSink } from "~/jobs/outbox-sink.server";
import { relayOutbox } from "~/money/outbox.server";
import { getDb } from "~/utils/db.server";

/** Relays committed events the web process could not publish right away (Redis was down, the process died). */
export async function processOutbox() {
  return { relayed: await relayOutbox(getDb(), redisOutboxSink) };
}
