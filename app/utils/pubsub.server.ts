// One Redis subscriber connection per process, shared by every open live stream (overlays): each channel is
// subscribed while at least one listener needs it. ioredis resubscribes by itself after Redis comes back.
import type { Redis } from "ioredis";
import { createRedis } from "./redis.server";

type Listener = (message: string) => void;

let subscriber: Redis | undefined;
const listeners = new Map<string, Set<Listener>>();

function getSubscriber() {
  if (!subscriber) {
    subscriber = createRedis("subscriber");
    subscriber.on("message", (channel: string, message: string) => {
      for (const listener of listeners.get(channel) ?? []) listener(message);
    });
  }
  return subscriber;
}

/** Calls `listener` with each message published on `channel`; returns the function that stops it. */
export function subscribe(channel: string, listener: Listener): () => void {
  let set = listeners.get(channel);
  if (!set) {
    set = new Set();
    listeners.set(channel, set);
    getSubscriber().subscribe(channel).catch(() => undefined);
  }
  set.add(listener);
  return () => {
    const current = listeners.get(channel);
    if (!current) return;
    current.delete(listener);
    if (current.size === 0) {
      listeners.delete(channel);
      subscriber?.unsubscribe(channel).catch(() => undefined);
    }
  };
}

export async function closePubSub() {
  const current = subscriber;
  subscriber = undefined;
  listeners.clear();
  if (current) await current.quit().catch(() => current.disconnect());
}
