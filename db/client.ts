// Kysely on a pg pool. int8 and numeric come back from pg as strings; they are parsed here, once, into safe
// JavaScript integers — an amount that does not fit is refused rather than silently rounded.
import { createHash } from "node:crypto";
import pg from "pg";
import { Kysely, PostgresDialect } from "kysely";
import type { Database } from "./types";

export function parseSafeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`database integer ${text} is outside the safe integer range`);
  }
  return value;
}

pg.types.setTypeParser(pg.types.builtins.INT8, parseSafeInteger);
// sum() over bigint yields numeric; money never has fractions, so a fractional numeric is a bug worth a throw.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, parseSafeInteger);

export type DB = Kysely<Database>;

/** How many statement texts one connection keeps prepared; texts beyond (value lists of every length) run unnamed. */
const PREPARED_PER_CONNECTION = 200;

/**
 * Runs every parameterized statement of `client` as a named (prepared) one: Postgres parses a statement the
 * process runs again and again once per connection instead of at every execution (a wallet tip runs ten), and
 * after five runs plans it once if the plan for any values costs no more than the plans for the values seen
 * (plan_cache_mode auto: a statement whose values decide the index, like status = 'pending' against a partial
 * index, keeps being planned for its values).
 */
function prepareStatements(client: pg.PoolClient) {
  const names = new Map<string, string>();
  let generation = 0;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (text: unknown, values?: unknown, ...rest: unknown[]) => {
    if (typeof text !== "string" || !Array.isArray(values) || values.length === 0 || rest.length > 0) return query(text, values, ...rest);
    let name = names.get(text);
    if (!name && names.size < PREPARED_PER_CONNECTION) {
      name = `sodam_${generation}_${createHash("sha1").update(text).digest("base64url")}`;
      names.set(text, name);
    }
    if (!name) return query(text, values);
    return (query({ name, text, values }) as Promise<unknown>).catch((error: { code?: string }) => {
      // A migration changed a table under a prepared statement ("cached plan must not change result type"):
      // this connection prepares everything anew from the next statement on.
      if (error?.code === "0A000") {
        names.clear();
        generation++;
      }
      throw error;
    });
  };
}

export function createPool(url: string, max = 20, options: { preparedStatements?: boolean } = {}) {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
  });
  // A connection cut under us (Postgres restarted, pg_terminate_backend) must not crash the process: the query in
  // flight fails with its error (a 503 for the API, a retry for a job) and the broken client is discarded.
  pool.on("error", () => {});
  pool.on("connect", (client) => {
    client.on("error", () => {});
    if (options.preparedStatements) prepareStatements(client);
  });
  return pool;
}

export function createDb(url: string, max = 20, options: { preparedStatements?: boolean } = {}): DB {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPool(url, max, options) }) });
}

/** Creates the database named in `url` when it does not exist yet (connecting to the `postgres` database). */
export async function ensureDatabase(url: string) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ""));
  if (!/^[a-z0-9_]+$/i.test(name)) throw new Error(`database name ${JSON.stringify(name)} is not a plain identifier`);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`create database "${name}"`);
      } catch (error) {
        // Another process created it at the same moment.
        if ((error as { code?: string }).code !== "42P04") throw error;
      }
    }
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url: string) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ""));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}
