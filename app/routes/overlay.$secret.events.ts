// Server-Sent Events for one overlay: live tip alerts, and the ones missed while disconnected (Last-Event-ID).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { openAlertStream, resumePoint } from "~/models/overlay-stream.server";
import { findOverlayBySecret } from "~/models/overlays.server";
import { getDb } from "~/utils/db.server";
import { getLocale, toIntlLocale } from "~/utils/i18n";
import { OVERLAY_HEADERS } from "~/utils/security-headers.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const overlay = await findOverlayBySecret(getDb(), params.secret ?? "");
  // 404 ends an EventSource for good: a rotated secret must not keep retrying.
  if (!overlay) return new Response("Not Found", { status: 404, headers: { ...OVERLAY_HEADERS, "Content-Type": "text/plain; charset=utf-8" } });
  const stream = openAlertStream(getDb(), overlay, {
    after: resumePoint(request),
    locale: toIntlLocale(getLocale(request)),
    signal: request.signal,
  });
  return new Response(stream, {
    headers: {
      ...OVERLAY_HEADERS,
      "Content-Type": "text/event-stream; charset=utf-8",
      // no-transform: the compression middleware must not buffer the stream.
      "Cache-Control": "no-store, no-transform",
      "X-Accel-Buffering": "no",
    },
  });
}
