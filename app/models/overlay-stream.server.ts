// The Server-Sent Events stream behind an overlay. Live alerts come from Redis pub/sub; after a dropped connection
// the browser reconnects with Last-Event-ID (an outbox id) and the tips it missed are replayed from Postgres first.
// Subscribing before the replay query, and sending each id once, means nothing falls between the two.
import type { DB } from "../../db/client";
import { getLogger } from "../utils/logger.server";
import { subscribe } from "../utils/pubsub.server";
import {
  alertChannel,
  findOverlayBySecret,
  latestAlertId,
  listMissedAlerts,
  toOverlayAlert,
  type ChannelMessage,
  type OverlayAlert,
  type OverlaySettings,
} from "./overlays.server";

const HEARTBEAT_MS = 15_000;
// How soon a browser reconnects after the stream breaks (the SSE `retry` field).
const RECONNECT_MS = 1_000;

const openStreams = new Set<() => void>();

/** Ends every open stream (the web process is shutting down); browsers reconnect to another instance. */
export function endLiveStreams() {
  for (const end of [...openStreams]) end();
}

/** The id an overlay resumes after: the Last-Event-ID header, else `?after=`; null when it has seen nothing. */
export function resumePoint(request: Request): number | null {
  const raw = request.headers.get("Last-Event-ID") ?? new URL(request.url).searchParams.get("after");
  if (raw === null || !/^\d{1,15}$/.test(raw.trim())) return null;
  return Number(raw.trim());
}

export function openAlertStream(db: DB, overlay: OverlaySettings, options: { after: number | null; locale: string; signal: AbortSignal }) {
  const encoder = new TextEncoder();
  let settings = overlay;
  // Where a reconnect resumes: the newest id sent. Relays may publish slightly out of order, so ids already sent
  // are remembered too, and an older id that arrives late is still shown once.
  let resumeAfter = options.after ?? 0;
  let floor = resumeAfter;
  const sent = new Set<number>();
  let replaying = true;
  const buffered: ChannelMessage[] = [];
  let stop = () => {};

  return new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const write = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const sendAlert = (alert: OverlayAlert) => {
        // Test alerts carry no id, so they never move the resume point.
        write(`${alert.id === null ? "" : `id: ${resumeAfter}\n`}event: alert\ndata: ${JSON.stringify(alert)}\n\n`);
      };
      const handle = async (message: ChannelMessage) => {
        if ("control" in message) {
          const fresh = await findOverlayBySecret(db, settings.secret);
          if (!fresh) {
            // The secret was rotated: this URL no longer shows anything.
            write("event: revoked\ndata: {}\n\n");
            stop();
            return;
          }
          settings = fresh;
          return;
        }
        if ("id" in message) {
          if (message.id <= floor || sent.has(message.id)) return;
          sent.add(message.id);
          if (sent.size > 1000) sent.delete(sent.values().next().value as number);
          resumeAfter = Math.max(resumeAfter, message.id);
        }
        const alert = toOverlayAlert(message, settings, options.locale);
        if (alert) sendAlert(alert);
      };

      const unsubscribe = subscribe(alertChannel(settings.creatorId), (raw) => {
        let message: ChannelMessage;
        try {
          message = JSON.parse(raw) as ChannelMessage;
        } catch {
          return;
        }
        if (replaying) buffered.push(message);
        else void handle(message).catch((err) => getLogger().warn({ err }, "overlay alert not sent"));
      });
      const heartbeat = setInterval(() => write(": keep-alive\n\n"), HEARTBEAT_MS);
      heartbeat.unref();

      stop = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        openStreams.delete(stop);
        try {
          controller.close();
        } catch {
          // Already closed by the client going away.
        }
      };
      openStreams.add(stop);
      options.signal.addEventListener("abort", () => stop(), { once: true });

      write(`retry: ${RECONNECT_MS}\n\n`);
      void (async () => {
        if (options.after === null) {
          // Nothing seen yet: name the current position so a reconnect replays from here, not from the start.
          floor = resumeAfter = await latestAlertId(db);
          write(`id: ${resumeAfter}\nevent: ready\ndata: {}\n\n`);
        } else {
          for (const missed of await listMissedAlerts(db, settings.creatorId, options.after)) await handle(missed);
          write("event: ready\ndata: {}\n\n");
        }
        replaying = false;
        for (const message of buffered.splice(0)) await handle(message);
      })().catch((err) => {
        getLogger().warn({ err }, "overlay stream could not start");
        stop();
      });
    },
    cancel() {
      stop();
    },
  });
}
