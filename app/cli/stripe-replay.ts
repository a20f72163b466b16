// npm run stripe:replay -- [--since 2026-11-29T00:00:00Z] [--event evt_…]
// Applies stored Stripe webhook events again, in the order Stripe created them — processed or not. Processing is
// idempotent (each effect is keyed by its payment, tip, payout or dispute), so a replay only does what is missing.
// Without options it replays every stored event. Exits 1 when any event fails (its error is stored on the row).
import { parseArgs } from "node:util";
import { getPaymentProvider } from "../money/payment-provider.server";
import { replayProviderEvents } from "../money/provider-events.server";
import { orExitWhenUnreachable } from "../utils/connectivity.server";
import { closeDb, getDb } from "../utils/db.server";
import { getEnv } from "../utils/env.server";

const env = getEnv();
let options: { since?: string; event?: string };
try {
  ({ values: options } = parseArgs({ options: { since: { type: "string" }, event: { type: "string" } }, strict: true }));
} catch (error) {
  console.error(`${(error as Error).message}\nusage: npm run stripe:replay -- [--since ISO-8601 time] [--event evt_…]`);
  process.exit(64);
}
const since = options.since ? new Date(options.since) : undefined;
if (since && Number.isNaN(since.getTime())) {
  console.error(`--since ${options.since} is not a time (use ISO 8601, e.g. 2026-11-29T00:00:00Z)`);
  process.exit(64);
}
if (options.event && !/^evt_[A-Za-z0-9_]+$/.test(options.event)) {
  console.error(`--event ${options.event} is not a Stripe event id (evt_…)`);
  process.exit(64);
}

const db = getDb();
const results = await orExitWhenUnreachable("postgres", env.DATABASE_URL, () =>
  replayProviderEvents(db, getPaymentProvider(), { eventId: options.event, since }, { feeBps: env.PLATFORM_FEE_BPS }),
);
if (options.event && results.length === 0) {
  console.error(`event ${options.event} is not stored`);
  await closeDb();
  process.exit(1);
}
let failed = 0;
for (const { id, result } of results) {
  if (result.status === "failed") failed++;
  console.log(`${id}  ${result.status}${"outcome" in result ? `  ${result.outcome}` : ""}${"error" in result ? `  ${result.error}` : ""}`);
}
console.log(`${results.length} event(s) replayed, ${failed} failed`);
await closeDb();
process.exit(failed ? 1 : 0);
