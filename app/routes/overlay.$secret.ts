// The stream alert overlay, `/overlay/:secret`: a transparent page for an OBS browser source. Plain HTML with one
// static script (public/overlay.js), no framework: it only listens to /overlay/:secret/events and animates alerts.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { findOverlayBySecret } from "~/models/overlays.server";
import { getDb } from "~/utils/db.server";
import { escapeHtml } from "~/utils/html";
import { getLocale, t } from "~/utils/i18n";
import { OVERLAY_HEADERS } from "~/utils/security-headers.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const overlay = await findOverlayBySecret(getDb(), params.secret ?? "");
  if (!overlay) return new Response("Not Found", { status: 404, headers: { ...OVERLAY_HEADERS, "Content-Type": "text/plain; charset=utf-8" } });
  const locale = getLocale(request);
  const url = new URL(request.url);
  // How long each alert stays on screen, in seconds (OBS users tune this per stream).
  const seconds = Math.min(60, Math.max(1, Number.parseInt(url.searchParams.get("seconds") ?? "", 10) || 6));
  const attr = (text: string) => escapeHtml(text);
  const html = `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${attr(t(locale, "overlay.title"))}</title>
<link rel="stylesheet" href="/overlay.css">
</head>
<body data-events="${attr(`/overlay/${overlay.secret}/events?lang=${locale}`)}" data-seconds="${seconds}"
  data-tipped="${attr(t(locale, "overlay.tipped"))}" data-anonymous="${attr(t(locale, "overlay.anonymous"))}"
  data-test-badge="${attr(t(locale, "overlay.testBadge"))}" data-state="connecting">
<div id="alerts" class="alerts" aria-live="polite"></div>
<script src="/overlay.js" defer></script>
</body>
</html>
`;
  return new Response(html, { headers: { ...OVERLAY_HEADERS, "Content-Type": "text/html; charset=utf-8" } });
}
