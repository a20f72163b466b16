// The one place that reads process.env: validated with zod once, with defaults that work on a machine where
// Postgres and Redis run on their standard ports.
import { z } from "zod";

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().url().default("postgres://postgres@127.0.0.1:5432/sodam"),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  // Keys and BullMQ queues live under this prefix; tests use their own so runs never collide.
  REDIS_PREFIX: z.string().regex(/^[a-z0-9_-]+$/i).default("sodam"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SESSION_SECRET: z.string().min(16).default("sodam-development-session-secret"),
  STRIPE_SECRET_KEY: z.string().optional(),
  // Platform fee in basis points, taken on each settlement's aggregate (500 = 5 %).
  PLATFORM_FEE_BPS: z.coerce.number().int().min(0).max(5000).default(500),
  // Chargeback window before settled money becomes available for payout; 0 in the demo.
  HOLD_PERIOD_SECONDS: z.coerce.number().int().min(0).default(0),
  SETTLEMENT_INTERVAL_MS: z.coerce.number().int().min(200).default(3000),
  // A reserved payout not finished after this long (a crash, a provider outage) is resumed by the workers.
  PAYOUT_RESUME_AFTER_SECONDS: z.coerce.number().int().min(0).default(60),
  PAYOUT_RESUME_INTERVAL_MS: z.coerce.number().int().min(200).default(30_000),
  SETTLEMENT_BATCH_SIZE: z.coerce.number().int().min(1).max(100000).default(5000),
  // Rate limits (Redis counters); generous for people, tight enough to stop scripts.
  RATE_LIMIT_TIPS_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  RATE_LIMIT_TOPUPS_PER_HOUR: z.coerce.number().int().min(1).default(30),
  RATE_LIMIT_SIGNINS_PER_15_MINUTES: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_SIGNUPS_PER_HOUR: z.coerce.number().int().min(1).default(20),
  // Base64 of a 32-byte Ed25519 seed signing the transparency log's blocks (derived from SESSION_SECRET in development).
  LEDGER_SIGNING_KEY: z.string().optional(),
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
