// The server Playwright tests run against: its own database (created, migrated, seeded) and Redis prefix, the
// web process and the workers; both are removed again when Playwright stops it.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createDb, dropDatabase, ensureDatabase } from "../../db/client";
import { migrateToLatest } from "../../db/migrator";
import { seedDemoData } from "../../db/seed";
import { deleteRedisPrefix } from "../support/redis";

const id = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
const admin = new URL(process.env.SODAM_TEST_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
admin.pathname = `/sodam_e2e_${id}`;
const databaseUrl = admin.toString();
const redisPrefix = `sodam-e2e-${id}`;

await ensureDatabase(databaseUrl);
const db = createDb(databaseUrl, 2);
await migrateToLatest(db);
await seedDemoData(db);
await db.destroy();

const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "test", DATABASE_URL: databaseUrl, REDIS_PREFIX: redisPrefix, LOG_LEVEL: "warn",
  // Every browser test signs up from 127.0.0.1.
  RATE_LIMIT_SIGNUPS_PER_HOUR: "1000000", RATE_LIMIT_SIGNINS_PER_15_MINUTES: "1000000", RATE_LIMIT_TOPUPS_PER_HOUR: "1000000",
  // …with the same few test cards: the fraud rules' counts are tested in tests/integration/fraud.test.ts.
  RISK_IP_TIPS_PER_HOUR: "1000000", RISK_FAN_TIPS_PER_HOUR: "1000000", RISK_CARD_PAYMENTS_PER_HOUR: "1000000", RISK_DECLINES_BEFORE_BLOCK: "1000000" };
const run = (script: string) => spawn(process.execPath, ["--import", "tsx", script], { env, stdio: "inherit" });
const children: ChildProcess[] = [run("app/cli/web.ts"), run("workers/index.ts")];

/** SIGTERM, and SIGKILL after `graceMs`: the clean-up below must run before Playwright's own deadline. */
function stopChild(child: ChildProcess, graceMs: number) {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => {
      console.error(`serve: ${child.spawnargs.at(-1)} did not stop within ${graceMs} ms of SIGTERM; killing it`);
      child.kill("SIGKILL");
    }, graceMs);
    child.once("exit", () => (clearTimeout(kill), resolve()));
    child.kill("SIGTERM");
  });
}

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await Promise.all(children.map((child) => stopChild(child, 10_000)));
  await dropDatabase(databaseUrl).catch(() => {});
  await deleteRedisPrefix(redisPrefix).catch(() => {});
  process.exit(0);
}
for (const child of children) child.once("exit", () => void stop());
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
