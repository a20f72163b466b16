// The one place that reads process.env: validated with zod once, with defaults that work on a machine where
// Postgres and Redis run on their standard ports.
import { z } from "zod";

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // The address people use to reach Sodam (QR codes, widget snippets, overlay URLs); else the request's own origin.
  PUBLIC_URL: z
    .string()
    .url()
    .transform((url) => new URL(url).origin)
    .optional(),
  DATABASE_URL: z.string().url().default("postgres://postgres@127.0.0.1:5432/sodam"),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  // Off behind a pooler that does not carry prepared statements across its server connections (PgBouncer in
  // transaction mode before 1.21).
  DATABASE_PREPARED_STATEMENTS: z.enum(["true", "false"]).default("true").transform((v) => v === "true"),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  // Keys and BullMQ queues live under this prefix; tests use their own so runs never collide.
  REDIS_PREFIX: z.string().regex(/^[a-z0-9_-]+$/i).default("sodam"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SESSION_SECRET: z.string().min(16).default("sodam-development-session-secret"),
  // Stripe: with a secret key payments go through Stripe; without one, the labelled test-mode provider.
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_\w+$/, "must be a Stripe secret key (sk_test_… or sk_live_…)")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  // Enables the Payment Element on pages (cards and Korean wallets confirmed in the browser).
  STRIPE_PUBLISHABLE_KEY: z.string().regex(/^pk_(test|live)_\w+$/, "must be a Stripe publishable key (pk_…)").optional(),
  // Signing secret(s) of the webhook endpoint(s) pointed at /webhooks/stripe, comma-separated (platform, Connect).
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  // Oldest signature timestamp accepted on a webhook, in seconds (Stripe's default tolerance).
  STRIPE_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  // Payment methods offered in the Payment Element; Stripe drops those the amount or currency cannot use.
  STRIPE_PAYMENT_METHOD_TYPES: z
    .string()
    .regex(/^[a-z_]+(,[a-z_]+)*$/, "must be comma-separated Stripe payment method types")
    .default("card,kr_card,kakao_pay,naver_pay,payco,samsung_pay"),
  // Country of creators' Connect Express accounts (recipient service agreement: transfers only).
  STRIPE_CONNECT_COUNTRY: z.string().regex(/^[A-Z]{2}$/).default("KR"),
  // Only for tests: point the SDK at a local Stripe-compatible server.
  STRIPE_API_HOST: z.string().optional(),
  STRIPE_API_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  STRIPE_API_PROTOCOL: z.enum(["http", "https"]).optional(),
  // How often stored webhook events that were not processed yet (a lost job, a failure) are picked up again.
  STRIPE_EVENTS_SWEEP_MS: z.coerce.number().int().min(200).default(10_000),
  // Platform fee in basis points, taken on each settlement's aggregate (500 = 5 %).
  PLATFORM_FEE_BPS: z.coerce.number().int().min(0).max(5000).default(500),
  // Chargeback window before settled money becomes available for payout; 0 in the demo.
  HOLD_PERIOD_SECONDS: z.coerce.number().int().min(0).default(0),
  SETTLEMENT_INTERVAL_MS: z.coerce.number().int().min(200).default(3000),
  // A reserved payout not finished after this long (a crash, a provider outage) is resumed by the workers.
  PAYOUT_RESUME_AFTER_SECONDS: z.coerce.number().int().min(0).default(60),
  PAYOUT_RESUME_INTERVAL_MS: z.coerce.number().int().min(200).default(30_000),
  // A payout still processing (not paid, not failed) this long after it was reserved raises an admin alert and a
  // notice to its creator; the maintenance worker looks this often.
  PAYOUT_STUCK_AFTER_SECONDS: z.coerce.number().int().min(1).default(3600),
  PAYOUT_STUCK_CHECK_INTERVAL_MS: z.coerce.number().int().min(200).default(60_000),
  // Creators' outgoing webhooks. The key (base64 of 32 bytes) encrypts their signing secrets at rest; derived
  // from SESSION_SECRET outside production. Private and loopback addresses are refused unless allowed (default:
  // allowed outside production, so development and tests can use a local receiver).
  WEBHOOK_SECRET_KEY: z.string().optional(),
  WEBHOOK_ALLOW_PRIVATE_URLS: z.enum(["true", "false"]).optional(),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(8),
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(10).default(2_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  WEBHOOK_SWEEP_MS: z.coerce.number().int().min(200).default(2_000),
  SETTLEMENT_BATCH_SIZE: z.coerce.number().int().min(1).max(100000).default(2500),
  SETTLEMENT_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  // Rate limits (Redis counters); generous for people, tight enough to stop scripts.
  RATE_LIMIT_TIPS_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  RATE_LIMIT_TOPUPS_PER_HOUR: z.coerce.number().int().min(1).default(30),
  RATE_LIMIT_SIGNINS_PER_15_MINUTES: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_SIGNUPS_PER_HOUR: z.coerce.number().int().min(1).default(20),
  // Fraud rules (app/risk/fraud-rules.ts): beyond these counts in an hour a tip is held for review.
  RISK_FAN_TIPS_PER_HOUR: z.coerce.number().int().min(1).default(200),
  RISK_IP_TIPS_PER_HOUR: z.coerce.number().int().min(1).default(1000),
  RISK_CARD_PAYMENTS_PER_HOUR: z.coerce.number().int().min(1).default(10),
  // Small declined card payments in an hour (by fan, address or card) that count as card testing, and how long
  // the fan and the address are then blocked.
  RISK_DECLINES_BEFORE_BLOCK: z.coerce.number().int().min(1).default(5),
  RISK_BLOCK_MINUTES: z.coerce.number().int().min(1).default(60),
  // Accounts younger than this tipping large amounts are held for review.
  RISK_NEW_ACCOUNT_HOURS: z.coerce.number().min(0).default(24),
  // Base64 of a 32-byte Ed25519 seed signing the transparency log's blocks (derived from SESSION_SECRET in development).
  LEDGER_SIGNING_KEY: z.string().optional(),
  // Bearer token for /metrics; without it only loopback clients may scrape.
  METRICS_TOKEN: z.string().min(16).optional(),
  // Comma-separated crash points, honoured outside production only (see failpoints.server.ts).
  SODAM_FAILPOINTS: z.string().default(""),
});

export type Env = z.infer<typeof EnvSchema>;

let cached: Env | undefined;

/** Parses the environment once; throws one readable error naming every bad variable. */
export function getEnv(): Env {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${problems}`);
  }
  cached = parsed.data;
  return cached;
}

/** Tests change the environment between files; this forgets the parsed copy. */
export function resetEnvForTests() {
  cached = undefined;
}

export function isProduction() {
  return getEnv().NODE_ENV === "production";
}
