// `npm start`: everything a fresh machine needs, in order — database, migrations, build (when sources changed),
// demo data (once), then the web and workers processes together. Ctrl-C stops both cleanly.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { createDb, ensureDatabase } from "../../db/client";
import { migrateToLatest } from "../../db/migrator";
import { seedDemoData } from "../../db/seed";
import { orExitWhenUnreachable } from "../utils/connectivity.server";
import { getEnv } from "../utils/env.server";
import { createRedis } from "../utils/redis.server";

const env = getEnv();
const root = process.cwd();
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function buildIfNeeded() {
  const output = path.join(root, "build/server/index.js");
  const sources = Math.max(newestMtime(path.join(root, "app")), statSync(path.join(root, "remix.config.js")).mtimeMs);
  if (existsSync(output) && statSync(output).mtimeMs >= sources) return;
  console.log("sodam: building the web app …");
  const result = spawnSync(bin("remix"), ["build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

await orExitWhenUnreachable("postgres", env.DATABASE_URL, () => ensureDatabase(env.DATABASE_URL));
const db = createDb(env.DATABASE_URL, 4);
await migrateToLatest(db);
const redis = createRedis("commands", { lazyConnect: true });
await orExitWhenUnreachable("redis", env.REDIS_URL, async () => {
  await redis.connect();
  await redis.ping();
});
redis.disconnect();
if (process.env.SODAM_SEED !== "false") {
  const seeded = await seedDemoData(db);
  if (seeded) console.log(`sodam: demo data created (${seeded.creators} creators, ${seeded.tips} tips); fan sign-in: ${seeded.fanEmail} / ${seeded.fanPassword}`);
}
await db.destroy();
buildIfNeeded();

const children: ChildProcess[] = [];
let stopping = false;

function run(name: string, script: string) {
  // node --import tsx, not the tsx CLI: signals then reach our own shutdown handlers directly.
  const child = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "inherit", "inherit", "ipc"], env: process.env });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`sodam: ${name} exited (${signal ?? code}); stopping`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

async function stop(exitCode: number) {
  stopping = true;
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }),
    ),
  );
  process.exit(exitCode);
}

const web = run("web", "app/cli/web.ts");
run("workers", "workers/index.ts");
web.on("message", (message: { ready?: string }) => {
  if (message.ready) console.log(`\n  소담 Sodam is running at ${message.ready}  (Ctrl-C to stop)\n`);
});
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
