// npm run db:migrate            — create the database if needed and apply every pending migration
// npm run db:migrate -- down    — roll back the most recent migration
import { createDb, ensureDatabase } from "../../db/client";
import { migrateToLatest, rollbackLast } from "../../db/migrator";
import { getEnv } from "../utils/env.server";
import { orExitWhenUnreachable } from "../utils/connectivity.server";

const { DATABASE_URL } = getEnv();
const direction = process.argv[2] ?? "up";
if (direction !== "up" && direction !== "down") {
  console.error(`usage: db:migrate [up|down] (got ${direction})`);
  process.exit(64);
}
await orExitWhenUnreachable("postgres", DATABASE_URL, () => ensureDatabase(DATABASE_URL));
const db = createDb(DATABASE_URL, 2);
try {
  const lines = direction === "up" ? await migrateToLatest(db) : await rollbackLast(db);
  console.log(lines.length ? lines.join("\n") : "migrations: nothing to do");
} finally {
  await db.destroy();
}
