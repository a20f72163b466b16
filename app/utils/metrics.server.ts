// Prometheus metrics of the web process: request rates and latencies measured here, and business gauges
// (tips, payouts, queue depths, settlement lag) read from Postgres and Redis when scraped, so every web
// instance reports the same truth whichever process did the work.
import { sql } from "kysely";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { getQueue, QUEUES, type QueueName } from "../jobs/queues.server";
import { stuckPayoutGauges } from "../money/payout-tracking.server";
import { getDb } from "./db.server";
import { getEnv } from "./env.server";

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: "sodam_" });

export const httpRequests = new Counter({
  name: "sodam_http_requests_total",
  help: "HTTP requests by method, route group and status class",
  labelNames: ["method", "route", "status"] as const,
  registers: [registry],
});

export const httpDuration = new Histogram({
  name: "sodam_http_request_duration_seconds",
  help: "HTTP request latency",
  labelNames: ["method", "route"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

/** Route group for a path: low-cardinality labels (no handles, ids or slugs). */
export function routeGroup(path: string) {
  if (path.startsWith("/api/v1/")) return `/api/v1/${path.split("/")[3] ?? ""}`;
  if (path.startsWith("/@")) return "/@creator";
  if (path.startsWith("/build/") || /\.(css|js|svg|png|ico)$/.test(path)) return "static";
  return `/${path.split("/")[1] ?? ""}`;
}

const tips = new Gauge({ name: "sodam_tips", help: "Tips by status", labelNames: ["status", "currency"] as const, registers: [registry] });
const tipAmount = new Gauge({ name: "sodam_tips_amount", help: "Tip amounts in minor units by status", labelNames: ["status", "currency"] as const, registers: [registry] });
const payouts = new Gauge({ name: "sodam_payouts", help: "Payouts by status", labelNames: ["status", "currency"] as const, registers: [registry] });
const settlementLag = new Gauge({ name: "sodam_settlement_lag_seconds", help: "Age of the oldest tip not yet settled", registers: [registry] });
const queueDepth = new Gauge({ name: "sodam_queue_jobs", help: "BullMQ jobs by queue and state", labelNames: ["queue", "state"] as const, registers: [registry] });
const stuckPayouts = new Gauge({ name: "sodam_payouts_stuck", help: "Payouts still processing longer than PAYOUT_STUCK_AFTER_SECONDS", registers: [registry] });
const openAlerts = new Gauge({ name: "sodam_admin_alerts_open", help: "Admin alerts not yet resolved, by kind", labelNames: ["kind"] as const, registers: [registry] });
const scrapeErrors = new Counter({ name: "sodam_metrics_scrape_errors_total", help: "Failures reading business metrics", labelNames: ["source"] as const, registers: [registry] });

async function refreshBusinessGauges() {
  try {
    const db = getDb();
    const tipRows = await db
      .selectFrom("tips")
      .select((eb) => ["status", "currency", eb.fn.countAll<number>().as("n"), eb.fn.sum<number>("amount").as("amount")])
      .groupBy(["status", "currency"])
      .execute();
    tips.reset();
    tipAmount.reset();
    for (const r of tipRows) {
      tips.set({ status: r.status, currency: r.currency }, Number(r.n));
      tipAmount.set({ status: r.status, currency: r.currency }, Number(r.amount));
    }
    const payoutRows = await db
      .selectFrom("payouts")
      .select((eb) => ["status", "currency", eb.fn.countAll<number>().as("n")])
      .groupBy(["status", "currency"])
      .execute();
    payouts.reset();
    for (const r of payoutRows) payouts.set({ status: r.status, currency: r.currency }, Number(r.n));
    const { rows } = await sql<{ lag: number | null }>`
      select extract(epoch from now() - min(created_at))::int as lag from tips where status = 'pending'`.execute(db);
    settlementLag.set(Number(rows[0]?.lag ?? 0));
    const watch = await stuckPayoutGauges(db, getEnv().PAYOUT_STUCK_AFTER_SECONDS);
    stuckPayouts.set(watch.stuckPayouts);
    openAlerts.reset();
    for (const a of watch.openAlerts) openAlerts.set({ kind: a.kind }, a.count);
  } catch {
    scrapeErrors.inc({ source: "postgres" });
  }
  try {
    queueDepth.reset();
    for (const name of Object.values(QUEUES) as QueueName[]) {
      const counts = await getQueue(name).getJobCounts("waiting", "active", "delayed", "failed");
      for (const [state, n] of Object.entries(counts)) queueDepth.set({ queue: name, state }, n);
    }
  } catch {
    scrapeErrors.inc({ source: "redis" });
  }
}

export async function renderMetrics() {
  await refreshBusinessGauges();
  return { contentType: registry.contentType, body: await registry.metrics() };
}
