// Absolute addresses Sodam hands out to be used elsewhere (QR codes, widget snippets, overlay URLs).
import { getEnv } from "./env.server";

/** PUBLIC_URL when set (behind a proxy or CDN), else the origin this request came in on. */
export function publicOrigin(request: Request) {
  return getEnv().PUBLIC_URL ?? new URL(request.url).origin;
}
