// Once per `vitest run`: a uniquely named, migrated template database that each test file clones, and a run id
// for Redis key prefixes — so two runs on one machine never collide. Everything is dropped afterwards.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDb, ensureDatabase } from "../../db/client";
import { migrateToLatest } from "../../db/migrator";

const ADMIN_URL = process.env.SODAM_TEST_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export function databaseUrl(name: string) {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export default async function setup() {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  const template = `sodam_tpl_${runId}`;
  const templateUrl = databaseUrl(template);
  await ensureDatabase(templateUrl);
  const db = createDb(templateUrl, 1);
  await migrateToLatest(db);
  await db.destroy();
  process.env.SODAM_TEST_RUN = runId;
  process.env.SODAM_TEST_TEMPLATE = template;
  process.env.SODAM_TEST_ADMIN_URL = ADMIN_URL;

  return async () => {
    const client = new pg.Client({ connectionString: ADMIN_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>("select datname from pg_database where datname like $1", [`sodam_%${runId}%`]);
      for (const { datname } of rows) await client.query(`drop database if exists "${datname}" with (force)`);
    } finally {
      await client.end();
    }
  };
}
