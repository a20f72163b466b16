// A one-second memory cache of public creator pages for anonymous visitors, so a crowd following a streamer's link
// is served without a database round trip or a React render each. Only GET requests with no cookie, no
// Authorization and no query string; only 200 HTML answers that set no cookie. Every answer served from the cache
// gets its own CSP nonce and its own tip-form idempotency key (both are unique per page view by design).
import { randomBytes, randomUUID } from "node:crypto";
import type { RequestHandler, Response } from "express";

interface Entry {
  storedAt: number;
  /** A request is rendering the fresh page; meanwhile the others get this one (single flight, no stampede). */
  refreshing: boolean;
  headers: Record<string, string>;
  body: string;
  nonce: string | null;
  idempotencyKey: string | null;
}

// Headers that describe the page itself; per-request ones (request id, date, length) are never replayed.
const KEPT_HEADERS = [
  "content-type",
  "content-security-policy",
  "x-frame-options",
  "x-content-type-options",
  "referrer-policy",
  "permissions-policy",
  "cross-origin-opener-policy",
  "cache-control",
  "vary",
];

function capture(res: Response, onBody: (body: Buffer) => void) {
  const chunks: Buffer[] = [];
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  const keep = (chunk: unknown, encoding?: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === "function") return;
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8") : Buffer.from(chunk as Uint8Array));
  };
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    keep(chunk, rest[0]);
    return write(chunk, ...rest);
  }) as Response["write"];
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    keep(chunk, rest[0]);
    onBody(Buffer.concat(chunks));
    return end(chunk, ...rest);
  }) as Response["end"];
}

export function publicPageCache(options: { ttlMs: number; maxEntries: number; path: RegExp }): RequestHandler {
  const cache = new Map<string, Entry>();
  return (req, res, next) => {
    if (req.method !== "GET" || req.headers.cookie || req.headers.authorization || req.originalUrl.includes("?") || !options.path.test(req.path)) {
      return next();
    }
    // The language comes from Accept-Language when there is no cookie; the page differs by it.
    const key = `${req.path}\n${req.get("Accept-Language") ?? ""}`;
    const hit = cache.get(key);
    const age = hit ? Date.now() - hit.storedAt : Infinity;
    // Expired: the first request renders a fresh page, the rest are served this one until it is ready (an answer
    // that never comes — an error — stops counting after ten seconds).
    const serveStale = hit !== undefined && age < 10 * options.ttlMs && (hit.refreshing || age < options.ttlMs);
    if (hit && !serveStale) hit.refreshing = true;
    if (hit && serveStale) {
      const nonce = randomBytes(16).toString("base64");
      let body = hit.nonce ? hit.body.replaceAll(hit.nonce, nonce) : hit.body;
      if (hit.idempotencyKey) body = body.replaceAll(hit.idempotencyKey, randomUUID());
      for (const [name, value] of Object.entries(hit.headers)) res.setHeader(name, hit.nonce ? value.replaceAll(hit.nonce, nonce) : value);
      res.setHeader("X-Sodam-Cache", "hit");
      // Written directly: res.send would hash the body for an ETag that can never match (each answer differs).
      const bytes = Buffer.from(body, "utf8");
      res.setHeader("Content-Length", bytes.length);
      res.writeHead(200);
      res.end(bytes);
      return;
    }
    capture(res, (buffer) => {
      const type = String(res.getHeader("content-type") ?? "");
      if (res.statusCode !== 200 || res.getHeader("set-cookie") || !type.startsWith("text/html")) {
        if (hit) hit.refreshing = false;
        return;
      }
      const headers: Record<string, string> = {};
      for (const name of KEPT_HEADERS) {
        const value = res.getHeader(name);
        if (value !== undefined) headers[name] = String(value);
      }
      const body = buffer.toString("utf8");
      if (cache.size >= options.maxEntries) cache.delete(cache.keys().next().value as string);
      cache.delete(key);
      cache.set(key, {
        storedAt: Date.now(),
        refreshing: false,
        headers,
        body,
        nonce: /'nonce-([^']+)'/.exec(headers["content-security-policy"] ?? "")?.[1] ?? null,
        idempotencyKey: /name="idempotencyKey" value="([0-9a-f-]{36})"/.exec(body)?.[1] ?? null,
      });
    });
    next();
  };
}
