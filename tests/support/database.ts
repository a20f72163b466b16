// Each integration test file gets its own database, cloned from the run's migrated template, and its own Redis
// key prefix. At the end the ledger invariants are checked, then both are removed.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, expect } from "vitest";
import { createDb, type DB } from "../../db/client";
import { closeQueues } from "../../app/jobs/queues.server";
import { checkInvariants, formatInvariantReport } from "../../app/money/invariants.server";
import { closeDb } from "../../app/utils/db.server";
import { resetEnvForTests } from "../../app/utils/env.server";
import { closeRedis } from "../../app/utils/redis.server";
import { deleteRedisPrefix } from "./redis";

export interface TestDatabase {
  db: DB;
  url: string;
  redisPrefix: string;
  /** Environment for child processes (web, workers) that should use this database and prefix. */
  env: Record<string, string>;
}

function adminUrl() {
  return process.env.SODAM_TEST_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
}

async function cloneTemplate(name: string) {
  const template = process.env.SODAM_TEST_TEMPLATE;
  if (!template) throw new Error("SODAM_TEST_TEMPLATE is not set: run the tests through vitest (tests/support/global-setup.ts)");
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`create database "${name}" template "${template}"`);
        return;
      } catch (error) {
        // Two files cloning at the same instant: "source database is being accessed by other users".
        if ((error as { code?: string }).code !== "55006" || attempt > 50) throw error;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await client.end();
  }
}

export async function useTestDatabase(options: { checkInvariants?: boolean } = {}): Promise<TestDatabase> {
  const suffix = randomBytes(4).toString("hex");
  const name = `sodam_t_${process.env.SODAM_TEST_RUN}_${suffix}`;
  await cloneTemplate(name);
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  const redisPrefix = `sodam-test-${process.env.SODAM_TEST_RUN}-${suffix}`;
  const env = {
    NODE_ENV: "test",
    DATABASE_URL: url.toString(),
    REDIS_PREFIX: redisPrefix,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    // Every test user signs up from 127.0.0.1; the limits themselves are tested with their own server.
    RATE_LIMIT_SIGNUPS_PER_HOUR: "1000000",
    RATE_LIMIT_SIGNINS_PER_15_MINUTES: "1000000",
    RATE_LIMIT_TOPUPS_PER_HOUR: "1000000",
    // Every test pays from 127.0.0.1 with the same few test cards; the fraud rules are tested with their own server.
    RISK_IP_TIPS_PER_HOUR: "1000000",
    RISK_FAN_TIPS_PER_HOUR: "1000000",
    RISK_CARD_PAYMENTS_PER_HOUR: "1000000",
    RISK_DECLINES_BEFORE_BLOCK: "1000000",
  };
  Object.assign(process.env, env);
  resetEnvForTests();
  const db = createDb(url.toString(), 10);

  afterAll(async () => {
    if (options.checkInvariants !== false) {
      const results = await checkInvariants(db);
      expect(results.filter((r) => r.status === "FAIL"), formatInvariantReport(results)).toEqual([]);
    }
    await db.destroy();
    await closeQueues();
    await closeRedis();
    await closeDb();
    await deleteRedisPrefix(redisPrefix);
    const client = new pg.Client({ connectionString: adminUrl() });
    await client.connect();
    await client.query(`drop database if exists "${name}" with (force)`);
    await client.end();
  });
  return { db, url: url.toString(), redisPrefix, env };
}
