import { sql } from "kysely";
import { getDb } from "./db.server";
import { getRedis } from "./redis.server";

type ServiceState = { status: "up" } | { status: "down"; error: string };

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}

async function probe(run: () => Promise<unknown>): Promise<ServiceState> {
  try {
    await withTimeout(run(), 2000);
    return { status: "up" };
  } catch (error) {
    return { status: "down", error: (error as Error).message || String(error) };
  }
}

export async function checkHealth() {
  const [postgres, redis] = await Promise.all([probe(() => sql`select 1`.execute(getDb())), probe(() => getRedis().ping())]);
  const down = [postgres.status === "down" ? "postgres" : null, redis.status === "down" ? "redis" : null].filter(Boolean);
  return { status: down.length ? ("unavailable" as const) : ("ok" as const), down, services: { postgres, redis } };
}
