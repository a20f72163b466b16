// Starts the web process (used by `npm start` and by tests that need a real server).
import { sql } from "kysely";
import { startWebServer } from "../web-server.server";
import { orExitWhenUnreachable } from "../utils/connectivity.server";
import { closeDb, getDb } from "../utils/db.server";
import { getEnv } from "../utils/env.server";
import { getLogger } from "../utils/logger.server";

process.env.SODAM_SERVICE ??= "sodam-web";
const env = getEnv();
await orExitWhenUnreachable("postgres", env.DATABASE_URL, () => sql`select 1`.execute(getDb()));
await closeDb();
const web = await startWebServer();
getLogger().info({ url: web.url }, "web listening");
if (process.send) process.send({ ready: web.url });

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    getLogger().info({ signal }, "web stopping: finishing in-flight requests");
    await web.close();
    process.exit(0);
  });
}
