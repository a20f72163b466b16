// Creators' outgoing webhooks: endpoints they register (URL + events), events queued as one delivery per endpoint
// in the same transaction as what they describe, and the delivery itself — signed (app/utils/webhook-signature.ts),
// every attempt logged with its status and the start of the response, retried with backoff by the webhooks worker,
// replayable from the dashboard. Delivery is at least once: receivers dedupe by the event id.
//
// The signing secret must be readable to sign, so it cannot be stored hashed like an API token. It is stored
// encrypted (AES-256-GCM under WEBHOOK_SECRET_KEY), so a copy of the database alone does not let anyone forge
// deliveries; the creator sees it once, when it is made or rotated.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import dns, { type LookupAddress } from "node:dns";
import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { sql } from "kysely";
import type { DB } from "../../db/client";
import type { Tx } from "../money/ledger.server";
import { getEnv } from "../utils/env.server";
import { Problem } from "../utils/problem.server";
import { SIGNATURE_HEADER, webhookSignature } from "../utils/webhook-signature";

export const WEBHOOK_EVENTS = ["tip.created", "payout.paid", "payout.failed", "payout.reversed"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];
export const MAX_ENDPOINTS = 5;
const SNIPPET_CHARS = 500;

// ---- the secret at rest ----

function secretKey(): Buffer {
  const env = getEnv();
  if (env.WEBHOOK_SECRET_KEY) {
    const key = Buffer.from(env.WEBHOOK_SECRET_KEY, "base64");
    if (key.length !== 32) throw new Error("WEBHOOK_SECRET_KEY must be the base64 of 32 bytes");
    return key;
  }
  if (env.NODE_ENV === "production") throw new Error("WEBHOOK_SECRET_KEY is required in production");
  return Buffer.from(hkdfSync("sha256", env.SESSION_SECRET, "sodam", "webhook signing secrets", 32));
}

export function encryptSecret(secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", secretKey(), iv);
  const data = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return `v1.${iv.toString("base64url")}.${cipher.getAuthTag().toString("base64url")}.${data.toString("base64url")}`;
}

export function decryptSecret(stored: string): string {
  const [version, iv, tag, data] = stored.split(".");
  if (version !== "v1" || !iv || !tag || !data) throw new Error("unknown webhook secret format");
  const decipher = createDecipheriv("aes-256-gcm", secretKey(), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}

const newSecret = () => `whsec_${randomBytes(32).toString("base64url")}`;

// ---- where deliveries may go ----

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) PRIVATE.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["64:ff9b::", 96]] as const) {
  PRIVATE.addSubnet(net, bits, "ipv6");
}

/** Loopback, private, link-local, carrier-grade NAT, multicast and reserved addresses (IPv4-mapped IPv6 too). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1], "ipv4");
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** Whether a host's addresses may be called: none found, or any of them private, refuses (unless allowed). */
function reachableAddresses(addresses: string[]) {
  return privateUrlsAllowed() || (addresses.length > 0 && !addresses.some(isPrivateAddress));
}

export function privateUrlsAllowed() {
  const env = getEnv();
  return env.WEBHOOK_ALLOW_PRIVATE_URLS ? env.WEBHOOK_ALLOW_PRIVATE_URLS === "true" : env.NODE_ENV !== "production";
}

function badUrl(message: string) {
  return new Problem(422, "webhook_url_invalid", message, { url: [message] });
}

/**
 * Checks an endpoint URL: http(s), no credentials, at most 500 characters, and — unless private addresses are
 * allowed — a host that resolves only to public addresses (checked again before every delivery, as DNS changes).
 */
export async function checkWebhookUrl(raw: string): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw badUrl("Enter a full address starting with https://.");
  }
  if (raw.length > 500) throw badUrl("The address can be at most 500 characters.");
  if (url.protocol !== "https:" && url.protocol !== "http:") throw badUrl("The address must start with https:// (or http://).");
  if (url.username || url.password) throw badUrl("The address must not contain a user name or password.");
  if (privateUrlsAllowed()) return url;
  if (url.protocol !== "https:") throw badUrl("The address must start with https://.");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    throw badUrl(`The host ${host} could not be found.`);
  }
  if (!reachableAddresses(addresses)) throw badUrl("The address points to a private or local network.");
  return url;
}

/**
 * Resolves a webhook host for the connection itself and refuses private addresses (unless allowed): the delivery
 * connects to the address that was checked, so a name that resolves to a public address when checked and to a
 * private one a moment later (DNS rebinding) cannot reach the private network.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, found) => {
    const addresses = found as unknown as LookupAddress[];
    if (error) return callback(error, "", 0);
    if (!reachableAddresses(addresses.map((a) => a.address))) {
      return callback(Object.assign(new Error(`${hostname} resolves to a private or local network`), { code: "EPRIVATEADDRESS" }), "", 0);
    }
    if (options.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

/** POSTs one delivery (no redirects followed); resolves with the status and the first characters of the answer. */
export function postWebhook(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<{ status: number; snippet: string }> {
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      target,
      { method: "POST", headers: { ...headers, "Content-Length": Buffer.byteLength(body) }, lookup: publicOnlyLookup },
      (response) => {
        let snippet = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          if (snippet.length < SNIPPET_CHARS) snippet += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, snippet: snippet.slice(0, SNIPPET_CHARS) }));
        response.on("error", reject);
      },
    );
    const timer = setTimeout(() => request.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: "TimeoutError" })), timeoutMs);
    request.on("close", () => clearTimeout(timer));
    request.on("error", reject);
    request.end(body);
  });
}

// ---- endpoints ----

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: WebhookEventType[];
  createdAt: string;
  secretRotatedAt: string | null;
}

function toEndpoint(row: { id: string; url: string; events: string[]; created_at: Date; secret_rotated_at: Date | null }): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    events: row.events as WebhookEventType[],
    createdAt: row.created_at.toISOString(),
    secretRotatedAt: row.secret_rotated_at?.toISOString() ?? null,
  };
}

function checkEvents(events: string[]): WebhookEventType[] {
  const chosen = [...new Set(events)];
  if (!chosen.length) throw new Problem(422, "webhook_events_required", "Choose at least one event.", { events: ["choose at least one"] });
  const unknown = chosen.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (unknown.length) throw new Problem(422, "webhook_event_unknown", `Unknown events: ${unknown.join(", ")}.`, { events: [`one of ${WEBHOOK_EVENTS.join(", ")}`] });
  return chosen as WebhookEventType[];
}

/** Registers an endpoint; the secret is returned here and never again. */
export async function createWebhookEndpoint(db: DB, args: { creatorId: number; url: string; events: string[] }) {
  const events = checkEvents(args.events);
  const url = await checkWebhookUrl(args.url);
  const secret = newSecret();
  return db.transaction().execute(async (trx) => {
    // Counting under the creator's row lock keeps two submits at once from passing the limit together.
    await trx.selectFrom("creators").select("id").where("id", "=", args.creatorId).forUpdate().execute();
    const count = await trx
      .selectFrom("webhook_endpoints")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("creator_id", "=", args.creatorId)
      .where("deleted_at", "is", null)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_ENDPOINTS) throw new Problem(422, "webhook_limit", `You can register up to ${MAX_ENDPOINTS} endpoints.`);
    const row = await trx
      .insertInto("webhook_endpoints")
      .values({ creator_id: args.creatorId, url: url.toString(), events, secret_ciphertext: encryptSecret(secret) })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { endpoint: toEndpoint(row), secret };
  });
}

/** A new secret for the creator's endpoint, in force for the next attempt; returned here and never again. */
export async function rotateWebhookSecret(db: DB, args: { creatorId: number; endpointId: string }) {
  const secret = newSecret();
  const row = await db
    .updateTable("webhook_endpoints")
    .set({ secret_ciphertext: encryptSecret(secret), secret_rotated_at: new Date() })
    .where("id", "=", args.endpointId)
    .where("creator_id", "=", args.creatorId)
    .where("deleted_at", "is", null)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new Problem(404, "webhook_not_found", "No such webhook endpoint.");
  return { endpoint: toEndpoint(row), secret };
}

export async function deleteWebhookEndpoint(db: DB, args: { creatorId: number; endpointId: string }) {
  const row = await db
    .updateTable("webhook_endpoints")
    .set({ deleted_at: new Date() })
    .where("id", "=", args.endpointId)
    .where("creator_id", "=", args.creatorId)
    .where("deleted_at", "is", null)
    .returning("id")
    .executeTakeFirst();
  if (!row) throw new Problem(404, "webhook_not_found", "No such webhook endpoint.");
}

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: "pending" | "succeeded" | "failed";
  attempts: number;
  createdAt: string;
  lastAttempt: { at: string; statusCode: number | null; error: string | null; responseSnippet: string | null } | null;
}

/** The creator's endpoints with their most recent deliveries, newest first. */
export async function listWebhookEndpoints(db: DB, creatorId: number, deliveriesPerEndpoint = 10) {
  const rows = await db
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("creator_id", "=", creatorId)
    .where("deleted_at", "is", null)
    .orderBy("created_at")
    .execute();
  return Promise.all(
    rows.map(async (row) => {
      const deliveries = await db
        .selectFrom("webhook_deliveries as d")
        .leftJoinLateral(
          (eb) =>
            eb
              .selectFrom("webhook_attempts as a")
              .select(["a.attempted_at", "a.status_code", "a.error", "a.response_snippet"])
              .whereRef("a.delivery_id", "=", "d.id")
              .orderBy("a.attempted_at", "desc")
              .orderBy("a.id", "desc")
              .limit(1)
              .as("last"),
          (join) => join.onTrue(),
        )
        .select(["d.id", "d.event_id", "d.event_type", "d.status", "d.attempts", "d.created_at", "last.attempted_at", "last.status_code", "last.error", "last.response_snippet"])
        .where("d.endpoint_id", "=", row.id)
        .orderBy("d.created_at", "desc")
        .limit(deliveriesPerEndpoint)
        .execute();
      return {
        ...toEndpoint(row),
        deliveries: deliveries.map(
          (d): DeliveryView => ({
            id: d.id,
            eventId: d.event_id,
            eventType: d.event_type,
            status: d.status,
            attempts: d.attempts,
            createdAt: d.created_at.toISOString(),
            lastAttempt: d.attempted_at
              ? { at: d.attempted_at.toISOString(), statusCode: d.status_code, error: d.error, responseSnippet: d.response_snippet }
              : null,
          }),
        ),
      };
    }),
  );
}

// ---- events and deliveries ----

export interface WebhookEvent {
  creatorId: number;
  type: WebhookEventType;
  key: string;
  data: Record<string, unknown>;
  at?: Date;
}

/**
 * Queues an event for every endpoint of the creator subscribed to it, in the caller's transaction (so an event
 * exists exactly when what it describes committed). `key` names the business fact (a tip id, a payout id): the
 * event id is `<type>:<key>`, and a second call for the same event adds nothing.
 */
export function queueWebhookEvent(trx: Tx, event: WebhookEvent) {
  return queueWebhookEvents(trx, [event]);
}

/** queueWebhookEvent for many events at once (the outbox relay's batches): one read, one insert. */
export async function queueWebhookEvents(trx: Tx, events: WebhookEvent[]) {
  if (!events.length) return 0;
  const endpoints = await trx
    .selectFrom("webhook_endpoints")
    .select(["id", "creator_id", "events"])
    .where("creator_id", "in", [...new Set(events.map((e) => e.creatorId))])
    .where("deleted_at", "is", null)
    .execute();
  const deliveries = events.flatMap((event) => {
    const subscribed = endpoints.filter((e) => e.creator_id === event.creatorId && e.events.includes(event.type));
    if (!subscribed.length) return [];
    const eventId = `${event.type}:${event.key}`;
    const body = JSON.stringify({ id: eventId, type: event.type, created: (event.at ?? new Date()).toISOString(), data: event.data });
    return subscribed.map((e) => ({ endpoint_id: e.id, event_id: eventId, event_type: event.type, body }));
  });
  if (!deliveries.length) return 0;
  const inserted = await trx
    .insertInto("webhook_deliveries")
    .values(deliveries)
    .onConflict((oc) => oc.columns(["endpoint_id", "event_id"]).doNothing())
    .returning("id")
    .execute();
  return inserted.length;
}

/** Pending deliveries, for the sweeper that (re)queues their jobs. */
export async function listPendingDeliveries(db: DB, limit = 500) {
  return db.selectFrom("webhook_deliveries").select(["id", "generation"]).where("status", "=", "pending").orderBy("created_at").limit(limit).execute();
}

/** Sends a failed (or any) delivery again, as a new generation with a fresh set of attempts. */
export async function replayWebhookDelivery(db: DB, args: { creatorId: number; deliveryId: string }) {
  if (!/^[0-9a-f-]{36}$/i.test(args.deliveryId)) throw new Problem(404, "webhook_delivery_not_found", "No such delivery.");
  const row = await db
    .updateTable("webhook_deliveries as d")
    .from("webhook_endpoints as e")
    .set((eb) => ({ status: "pending", generation: eb("d.generation", "+", 1), delivered_at: null }))
    .whereRef("e.id", "=", "d.endpoint_id")
    .where("e.creator_id", "=", args.creatorId)
    .where("e.deleted_at", "is", null)
    .where("d.id", "=", args.deliveryId)
    .returning(["d.id", "d.generation"])
    .executeTakeFirst();
  if (!row) throw new Problem(404, "webhook_delivery_not_found", "No such delivery.");
  return { deliveryId: row.id, generation: row.generation };
}

export type AttemptOutcome = "succeeded" | "retry" | "failed" | "skipped";

/**
 * One delivery attempt: signs the body with the endpoint's current secret, POSTs it (no redirects followed), logs
 * the attempt, and marks the delivery succeeded on a 2xx. A failure on the last allowed attempt marks it failed;
 * otherwise the caller retries later. A delivery of an older generation (replayed since) or no longer pending is
 * skipped.
 */
export async function attemptWebhookDelivery(db: DB, args: { deliveryId: string; generation: number; lastAttempt: boolean; now?: () => Date }): Promise<AttemptOutcome> {
  const now = args.now ?? (() => new Date());
  const delivery = await db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_endpoints as e", "e.id", "d.endpoint_id")
    .select(["d.id", "d.status", "d.generation", "d.body", "d.event_id", "d.event_type", "e.url", "e.secret_ciphertext", "e.deleted_at"])
    .where("d.id", "=", args.deliveryId)
    .executeTakeFirst();
  if (!delivery || delivery.status !== "pending" || delivery.generation !== args.generation) return "skipped";
  if (delivery.deleted_at) {
    await db.updateTable("webhook_deliveries").set({ status: "failed" }).where("id", "=", delivery.id).where("status", "=", "pending").execute();
    return "failed";
  }

  const started = Date.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  let snippet: string | null = null;
  try {
    await checkWebhookUrl(delivery.url);
    const timestamp = Math.floor(now().getTime() / 1000);
    const answer = await postWebhook(
      delivery.url,
      {
        "Content-Type": "application/json",
        "User-Agent": "Sodam-Webhooks/1",
        [SIGNATURE_HEADER]: webhookSignature(decryptSecret(delivery.secret_ciphertext), timestamp, delivery.body),
        "Sodam-Event-Id": delivery.event_id,
        "Sodam-Event-Type": delivery.event_type,
        "Sodam-Delivery-Id": delivery.id,
      },
      delivery.body,
      getEnv().WEBHOOK_TIMEOUT_MS,
    );
    statusCode = answer.status;
    snippet = answer.snippet;
  } catch (caught) {
    error = (caught instanceof Problem ? caught.detail : caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)).slice(0, SNIPPET_CHARS);
  }
  const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
  const outcome: AttemptOutcome = ok ? "succeeded" : args.lastAttempt ? "failed" : "retry";
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("webhook_attempts")
      .values({ delivery_id: delivery.id, status_code: statusCode, error, response_snippet: snippet, duration_ms: Date.now() - started })
      .execute();
    await trx
      .updateTable("webhook_deliveries")
      .set((eb) => ({
        attempts: eb("attempts", "+", 1),
        last_attempt_at: new Date(),
        ...(outcome === "succeeded" ? { status: "succeeded" as const, delivered_at: new Date() } : {}),
        ...(outcome === "failed" ? { status: "failed" as const } : {}),
      }))
      .where("id", "=", delivery.id)
      .where("generation", "=", args.generation)
      .execute();
  });
  return outcome;
}

/** A stable short fingerprint of a secret, so a creator can tell which one an endpoint uses without seeing it. */
export function secretHint(secret: string) {
  return createHash("sha256").update(secret).digest("hex").slice(0, 8);
}
