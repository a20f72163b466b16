// A one-second memory cache of public creator pages for anonymous visitors, so a crowd following a streamer's link
// is served without a database round trip or a React render each. Only GET requests with no cookie, no
// Authorization and no query string; only 200 HTML answers that set no cookie. Every answer served from the cache
// gets its own CSP nonce and its own tip-form idempotency key (both are unique per page view by design).
// A hit is also served without compressing the page again: the page is kept gzipped once, in pieces that a fresh
// nonce and key are stitched between (see gzipAnswer), so a browser's request costs a copy, not a compression.
import { randomUUID } from "node:crypto";
import { constants, crc32, deflateRawSync } from "node:zlib";
import type { RequestHandler, Response } from "express";
import { createNonce } from "./security-headers.server";

/** What a cached page holds in place of its nonce and its idempotency key. */
type Slot = "nonce" | "idempotencyKey";

interface Entry {
  storedAt: number;
  /** A request is rendering the fresh page; meanwhile the others get this one (single flight, no stampede). */
  refreshing: boolean;
  headers: Record<string, string>;
  /** The body as bytes cut at each slot, so an answer is a copy of these with fresh values between them. */
  parts: Buffer[];
  /** The same parts, each compressed on its own into raw deflate that the next piece can follow. */
  deflatedParts: Buffer[];
  slots: Slot[];
  nonce: string | null;
}

/** Cuts `body` at every occurrence of the markers' values. */
function cutAtSlots(body: string, markers: Partial<Record<Slot, string | null>>) {
  const parts: Buffer[] = [];
  const slots: Slot[] = [];
  let from = 0;
  for (;;) {
    let next: { at: number; slot: Slot; length: number } | null = null;
    for (const [slot, value] of Object.entries(markers) as [Slot, string | null][]) {
      const at = value ? body.indexOf(value, from) : -1;
      if (at >= 0 && (!next || at < next.at)) next = { at, slot, length: value!.length };
    }
    if (!next) break;
    parts.push(Buffer.from(body.slice(from, next.at), "utf8"));
    slots.push(next.slot);
    from = next.at + next.length;
  }
  parts.push(Buffer.from(body.slice(from), "utf8"));
  return { parts, slots };
}

// A deflate stream may be built of pieces compressed apart: each piece but the last ends with a sync flush (on a
// byte boundary, not final), the fresh values go in between as stored (uncompressed) blocks, and the last piece
// ends the stream. The gzip wrapper adds a fixed header and the CRC-32 and length of the whole page.
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

function deflateParts(parts: Buffer[]) {
  return parts.map((part, i) => deflateRawSync(part, { finishFlush: i < parts.length - 1 ? constants.Z_SYNC_FLUSH : constants.Z_FINISH }));
}

function storedBlock(value: Buffer) {
  const block = Buffer.alloc(5 + value.length);
  block[0] = 0; // not final, stored
  block.writeUInt16LE(value.length, 1);
  block.writeUInt16LE(~value.length & 0xffff, 3);
  value.copy(block, 5);
  return block;
}

function gzipAnswer(entry: Entry, fresh: Record<Slot, Buffer>) {
  const pieces: Buffer[] = [GZIP_HEADER];
  let crc = 0;
  let length = 0;
  entry.parts.forEach((part, i) => {
    crc = crc32(part, crc);
    length += part.length;
    pieces.push(entry.deflatedParts[i]!);
    const slot = entry.slots[i];
    if (slot === undefined) return;
    crc = crc32(fresh[slot], crc);
    length += fresh[slot].length;
    pieces.push(storedBlock(fresh[slot]));
  });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(length >>> 0, 4);
  pieces.push(trailer);
  return Buffer.concat(pieces);
}

function plainAnswer(entry: Entry, fresh: Record<Slot, Buffer>) {
  return Buffer.concat(entry.parts.flatMap((part, i) => (i < entry.slots.length ? [part, fresh[entry.slots[i]!]] : [part])));
}

// Headers that describe the page itself; per-request ones (request id, date, length, encoding) are never replayed.
const KEPT_HEADERS = [
  "content-type",
  "content-security-policy",
  "x-frame-options",
  "x-content-type-options",
  "referrer-policy",
  "permissions-policy",
  "cross-origin-opener-policy",
  "cache-control",
];

/** Keeps a copy of what the route writes (before any compression: this runs inside the compression middleware). */
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

/**
 * Two middlewares: `serve` answers from the cache and goes before the compression middleware (a hit carries its own
 * gzip); `store` keeps a freshly rendered page and goes after it (it must see the page as the route wrote it).
 */
export function publicPageCache(options: { ttlMs: number; maxEntries: number; path: RegExp }) {
  const cache = new Map<string, Entry>();
  /** The cache key of a request that renders a page for the cache; set by `serve`, read by `store`. */
  const toStore = new WeakMap<Response, string>();

  const serve: RequestHandler = (req, res, next) => {
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
    if (!hit || !serveStale) {
      if (hit) hit.refreshing = true;
      toStore.set(res, key);
      return next();
    }
    const nonce = createNonce();
    const fresh: Record<Slot, Buffer> = { nonce: Buffer.from(nonce), idempotencyKey: Buffer.from(randomUUID()) };
    for (const [name, value] of Object.entries(hit.headers)) res.setHeader(name, hit.nonce ? value.replaceAll(hit.nonce, nonce) : value);
    res.setHeader("Vary", "Accept-Encoding");
    res.setHeader("X-Sodam-Cache", "hit");
    const gzip = req.acceptsEncodings("gzip", "identity") === "gzip";
    if (gzip) res.setHeader("Content-Encoding", "gzip");
    // Written directly: res.send would hash the body for an ETag that can never match (each answer differs).
    const bytes = gzip ? gzipAnswer(hit, fresh) : plainAnswer(hit, fresh);
    res.setHeader("Content-Length", bytes.length);
    res.writeHead(200);
    res.end(bytes);
  };

  const store: RequestHandler = (_req, res, next) => {
    const key = toStore.get(res);
    if (key === undefined) return next();
    capture(res, (buffer) => {
      const stale = cache.get(key);
      const type = String(res.getHeader("content-type") ?? "");
      if (res.statusCode !== 200 || res.getHeader("set-cookie") || !type.startsWith("text/html")) {
        if (stale) stale.refreshing = false;
        return;
      }
      const headers: Record<string, string> = {};
      for (const name of KEPT_HEADERS) {
        const value = res.getHeader(name);
        if (value !== undefined) headers[name] = String(value);
      }
      const body = buffer.toString("utf8");
      const nonce = /'nonce-([^']+)'/.exec(headers["content-security-policy"] ?? "")?.[1] ?? null;
      const idempotencyKey = /name="idempotencyKey" value="([0-9a-f-]{36})"/.exec(body)?.[1] ?? null;
      const { parts, slots } = cutAtSlots(body, { nonce, idempotencyKey });
      if (cache.size >= options.maxEntries) cache.delete(cache.keys().next().value as string);
      cache.delete(key);
      cache.set(key, { storedAt: Date.now(), refreshing: false, headers, nonce, parts, deflatedParts: deflateParts(parts), slots });
    });
    next();
  };

  return { serve, store };
}
