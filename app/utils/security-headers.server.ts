// The Content-Security-Policy and the other security headers of every page. Scripts run only from this origin or
// with the response's nonce; nothing frames a page except the routes made to be embedded elsewhere (the tip and goal
// widgets, the stream overlay, a payment started in the widget), which allow any site as their frame ancestor. With
// Stripe's Payment Element configured (a publishable key), Stripe.js may load, draw its frames (the card form,
// 3-D Secure challenges) and call Stripe's API — the sources Stripe documents for a CSP.
import { randomBytes } from "node:crypto";

// 128-bit nonces cut from random bytes drawn 256 at a time: one CSPRNG call per 256 pages instead of one each
// (the way randomUUID buffers its entropy).
const NONCE_BYTES = 16;
let noncePool = Buffer.alloc(0);
let noncePoolOffset = 0;

export function createNonce() {
  if (noncePoolOffset + NONCE_BYTES > noncePool.length) {
    noncePool = randomBytes(NONCE_BYTES * 256);
    noncePoolOffset = 0;
  }
  noncePoolOffset += NONCE_BYTES;
  return noncePool.toString("base64", noncePoolOffset - NONCE_BYTES, noncePoolOffset);
}

/** Route modules that may be framed by other sites say so with `export const handle = { frameable: true }`. */
export interface FrameableHandle {
  frameable?: boolean;
}

export interface PagePolicyOptions {
  nonce: string;
  frameable: boolean;
  /** Stripe.js is used (STRIPE_PUBLISHABLE_KEY is set). */
  stripeJs?: boolean;
}

export function pagePolicy(options: PagePolicyOptions) {
  const stripe = options.stripeJs === true;
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${options.nonce}'${stripe ? " https://js.stripe.com" : ""}`,
    // Inline style attributes (avatar sizes) only; no inline <style> blocks are needed, but CSP cannot tell them apart.
    "style-src 'self' 'unsafe-inline'",
    // Creator avatars may live on any https host.
    "img-src 'self' data: https:",
    `connect-src 'self'${stripe ? " https://api.stripe.com" : ""}`,
    "font-src 'self'",
    ...(stripe ? ["frame-src 'self' https://js.stripe.com https://hooks.stripe.com"] : []),
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${options.frameable ? "*" : "'none'"}`,
  ].join("; ");
}

/** Sets the security headers a response lacks. A route that set its own CSP (a resource route) keeps it. */
export function setSecurityHeaders(headers: Headers, policy: PagePolicyOptions | null) {
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
