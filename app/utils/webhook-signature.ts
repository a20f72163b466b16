// Signatures of Sodam's outgoing webhooks (the recipe the README documents for receivers):
//   Sodam-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the endpoint's secret>
// A receiver recomputes v1 over the raw body bytes, compares in constant time, and refuses an old t (replays).
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "Sodam-Signature";

export function webhookSignature(secret: string, timestamp: number, body: string) {
  const v1 = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${v1}`;
}

/** True when `header` signs `body` with `secret` and its time is within `toleranceSeconds` of `now`. */
export function verifyWebhookSignature(args: { secret: string; header: string | null; body: string; toleranceSeconds?: number; now?: Date }) {
  if (!args.header) return false;
  const parts = new Map<string, string[]>();
  for (const item of args.header.split(",")) {
    const eq = item.indexOf("=");
    if (eq > 0) parts.set(item.slice(0, eq).trim(), [...(parts.get(item.slice(0, eq).trim()) ?? []), item.slice(eq + 1).trim()]);
  }
  const timestamp = Number(parts.get("t")?.[0]);
  if (!Number.isInteger(timestamp)) return false;
  const now = Math.floor((args.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - timestamp) > (args.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(webhookSignature(args.secret, timestamp, args.body).split("v1=")[1], "hex");
  // During a secret rotation a receiver may be sent several v1 values; any one matching is enough.
  return (parts.get("v1") ?? []).some((candidate) => {
    const given = Buffer.from(candidate, "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
