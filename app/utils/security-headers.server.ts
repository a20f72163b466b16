// The Content-Security-Policy and the other security headers of every page. Scripts run only from this origin or
// with the response's nonce; nothing frames a page except the routes made to be embedded elsewhere (the tip and goal
// widgets, the stream overlay), which allow any site as their frame ancestor.
import { randomBytes } from "node:crypto";

export function createNonce() {
  return randomBytes(16).toString("base64");
}

/** Route modules that may be framed by other sites say so with `export const handle = { frameable: true }`. */
export interface FrameableHandle {
  frameable?: boolean;
}

export function pagePolicy(options: { nonce: string; frameable: boolean }) {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${options.nonce}'`,
    // Inline style attributes (avatar sizes) only; no inline <style> blocks are needed, but CSP cannot tell them apart.
    "style-src 'self' 'unsafe-inline'",
    // Creator avatars may live on any https host.
    "img-src 'self' data: https:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${options.frameable ? "*" : "'none'"}`,
  ].join("; ");
}

/** Sets the security headers a response lacks. A route that set its own CSP (a resource route) keeps it. */
export function setSecurityHeaders(headers: Headers, policy: { nonce: string; frameable: boolean } | null) {
  if (!headers.has("Content-Security-Policy")) {
    headers.set("Content-Security-Policy", policy ? pagePolicy(policy) : "frame-ancestors 'none'");
    if (!policy?.frameable && !headers.has("X-Frame-Options")) headers.set("X-Frame-Options", "DENY");
  }
  if (!headers.has("X-Content-Type-Options")) headers.set("X-Content-Type-Options", "nosniff");
  if (!headers.has("Referrer-Policy")) headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  if (!headers.has("Permissions-Policy")) headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(self)");
  if (!headers.has("Cross-Origin-Opener-Policy") && !policy?.frameable) headers.set("Cross-Origin-Opener-Policy", "same-origin-allow-popups");
}

/** Security headers of the overlay page and its event stream: framable anywhere, no referrer (the URL is a secret). */
export const OVERLAY_HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors *",
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
  "X-Robots-Tag": "noindex",
  "Cache-Control": "no-store",
};
