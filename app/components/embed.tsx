// Browser side of the widget frame: tells the host page (through embed.js) how tall the frame is, that a tip was
// sent, or to close. Messages go only to the host origin embed.js named; a popup reports back to its opener frame,
// which is on Sodam's own origin and checks that before passing the news on.
import { useEffect } from "react";
import type { EmbedMessage } from "~/models/embeds";

function postToHost(parent: string | null, message: EmbedMessage) {
  if (!parent || window.parent === window) return;
  window.parent.postMessage(message, parent);
}

export function useFrameMessaging(args: { parent: string | null; mode: "frame" | "popup"; tippedId: string | null }) {
  const { parent, mode, tippedId } = args;

  useEffect(() => {
    if (mode !== "frame") return;
    const report = () => postToHost(parent, { type: "sodam:resize", height: Math.ceil(document.documentElement.scrollHeight) });
    report();
    const observer = new ResizeObserver(report);
    observer.observe(document.body);
    // A popup (wallet tip) on our own origin reports its tip here; anything else is ignored.
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== window.location.origin) return;
      const data = event.data as Partial<EmbedMessage> | null;
      if (data?.type === "sodam:tipped" && typeof data.tipId === "string") {
        postToHost(parent, { type: "sodam:tipped", tipId: data.tipId });
      }
    };
    window.addEventListener("message", onMessage);
    return () => {
      observer.disconnect();
      window.removeEventListener("message", onMessage);
    };
  }, [parent, mode]);

  useEffect(() => {
    if (!tippedId) return;
    if (mode === "popup") {
      if (window.opener) (window.opener as Window).postMessage({ type: "sodam:tipped", tipId: tippedId } satisfies EmbedMessage, window.location.origin);
    } else {
      postToHost(parent, { type: "sodam:tipped", tipId: tippedId });
    }
  }, [parent, mode, tippedId]);

  return {
    close() {
      if (mode === "popup") window.close();
      else postToHost(parent, { type: "sodam:close" });
    },
  };
}
