// The foundation: health check, clear messages when a service is unreachable, configuration, migrations.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, parseSafeInteger } from "../../db/client";
import { migrateToLatest, rollbackLast } from "../../db/migrator";
import { useTestDatabase } from "../support/database";
import { startWeb } from "../support/processes";

const t = await useTestDatabase();
const root = path.resolve(__dirname, "../..");
const tsx = path.join(root, "node_modules/.bin/tsx");
const UNUSED_PORT_URL = "redis://127.0.0.1:1";

function runScript(script: string, env: Record<string, string>) {
  const result = spawnSync(tsx, [script], { cwd: root, env: { ...process.env, ...t.env, ...env }, encoding: "utf8", timeout: 30_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

describe("/healthz", () => {
  let web: Awaited<ReturnType<typeof startWeb>>;
  let webWithoutRedis: Awaited<ReturnType<typeof startWeb>>;
  beforeAll(async () => {
    [web, webWithoutRedis] = await Promise.all([startWeb(t.env), startWeb({ ...t.env, REDIS_URL: UNUSED_PORT_URL })]);
  });
  afterAll(async () => {
    await Promise.all([web?.stop(), webWithoutRedis?.stop()]);
  });

  it("answers 200 with Postgres and Redis up", async () => {
    const response = await fetch(`${web.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", down: [], services: { postgres: { status: "up" }, redis: { status: "up" } } });
  });

  it("answers 503 naming Redis when Redis cannot be reached", async () => {
    const response = await fetch(`${webWithoutRedis.url}/healthz`);
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body.down).toEqual(["redis"]);
    expect(body.services.postgres.status).toBe("up");
  });

  it("serves Prometheus metrics to loopback clients: requests, tips, payouts, queues, settlement lag", async () => {
    await fetch(`${web.url}/api/v1/creators/nobody`);
    const response = await fetch(`${web.url}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/sodam_http_requests_total\{method="GET",route="\/api\/v1\/creators",status="4xx"\} [1-9]/);
    expect(text).toContain("sodam_http_request_duration_seconds_bucket");
    expect(text).toContain("sodam_settlement_lag_seconds");
    expect(text).toMatch(/sodam_queue_jobs\{queue="settlement",state="waiting"\} \d+/);
  });

  it("serves the home page and a 404 page", async () => {
    const home = await fetch(`${web.url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(await home.text()).toContain("소담");
    expect((await fetch(`${web.url}/no/such/page`)).status).toBe(404);
  });
});

describe("unreachable services", () => {
  it("the web process prints one clear line naming the PostgreSQL URL, not a stack trace", () => {
    const { status, output } = runScript("app/cli/web.ts", { DATABASE_URL: "postgres://postgres@127.0.0.1:1/sodam" });
    expect(status).toBe(2);
    expect(output).toBe(
      "sodam: cannot reach PostgreSQL at postgres://postgres@127.0.0.1:1/sodam — start PostgreSQL (pg_ctlcluster $(ls /etc/postgresql) main start) or set DATABASE_URL",
    );
  });

  it("the workers process prints one clear line naming the Redis URL", () => {
    const { status, output } = runScript("workers/index.ts", { REDIS_URL: UNUSED_PORT_URL });
    expect(status).toBe(2);
    expect(output).toBe(`sodam: cannot reach Redis at ${UNUSED_PORT_URL} — start Redis (redis-server --daemonize yes) or set REDIS_URL`);
  });

  it("an invalid variable is named at start", () => {
    const { status, output } = runScript("app/cli/web.ts", { PORT: "seventy" });
    expect(status).not.toBe(0);
    expect(output).toContain("Invalid environment: PORT");
  });
});

describe("database boundary", () => {
  it("parses int8 into safe integers and refuses unsafe ones", async () => {
    expect(parseSafeInteger("9007199254740991")).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => parseSafeInteger("9007199254740993")).toThrow(/safe integer/);
    const { rows } = await sql<{ n: number }>`select 42::bigint as n`.execute(t.db);
    expect(rows[0].n).toBe(42);
    await expect(sql`select 9007199254740993::bigint as n`.execute(t.db)).rejects.toThrow(/safe integer/);
  });

  it("rolls every migration back and applies them again", async () => {
    const scratch = new URL(t.url);
    scratch.pathname = `${scratch.pathname}_mig`;
    const { ensureDatabase, dropDatabase } = await import("../../db/client");
    await ensureDatabase(scratch.toString());
    const db = createDb(scratch.toString(), 1);
    try {
      const applied = await migrateToLatest(db);
      expect(applied.length).toBeGreaterThan(1);
      expect(applied.every((line) => /^Up \d{14}_\w+: Success$/.test(line))).toBe(true);
      const last = applied.at(-1)!.replace(/^Up (\S+): Success$/, "$1");
      expect(await rollbackLast(db)).toEqual([`Down ${last}: Success`]);
      expect(await migrateToLatest(db)).toEqual([`Up ${last}: Success`]);
      // Every migration rolls back cleanly, down to an empty database, and applies again.
      for (let i = 0; i < applied.length; i++) expect(await rollbackLast(db)).toHaveLength(1);
      expect(await migrateToLatest(db)).toEqual(applied);
      expect(await migrateToLatest(db)).toEqual([]);
    } finally {
      await db.destroy();
      await dropDatabase(scratch.toString());
    }
  });
});
