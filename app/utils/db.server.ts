// The process-wide Kysely instance, created on first use from the validated environment.
import { createDb, type DB } from "../../db/client";
import { getEnv } from "./env.server";

let db: DB | undefined;

export function getDb(): DB {
  if (!db) {
    const env = getEnv();
    db = createDb(env.DATABASE_URL, env.DATABASE_POOL_SIZE, { preparedStatements: env.DATABASE_PREPARED_STATEMENTS });
  }
  return db;
}

export async function closeDb() {
  const current = db;
  db = undefined;
  await current?.destroy();
}

export type { DB };
