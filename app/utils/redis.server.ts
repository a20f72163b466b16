// Redis connections. Losing Redis never loses money (Postgres is the source of truth), so commands fail fast
// for web requests instead of queueing while Redis is away; BullMQ workers need blocking connections that retry.
import { Redis, type RedisOptions } from "ioredis";
import { getEnv } from "./env.server";

export function createRedis(purpose: "commands" | "worker" | "subscriber", extra: RedisOptions = {}) {
  const env = getEnv();
  const options: RedisOptions =
    purpose === "commands"
      ? { maxRetriesPerRequest: 1, commandTimeout: 1500, connectTimeout: 2000 }
      : { maxRetriesPerRequest: null, connectTimeout: 5000 };
  const redis = new Redis(env.REDIS_URL, { ...options, ...extra });
  // Errors surface on the commands that fail; the connection-level event must not crash the process.
  redis.on("error", () => {});
  return redis;
}

let commands: Redis | undefined;

/** Shared connection for short commands (publish, counters, health). */
export function getRedis(): Redis {
  if (!commands) commands = createRedis("commands");
  return commands;
}

export async function closeRedis() {
  const current = commands;
  commands = undefined;
  if (current) await current.quit().catch(() => current.disconnect());
}

/** Prefix for every key Sodam writes outside BullMQ. */
export function redisKey(...parts: (string | number)[]) {
  return [getEnv().REDIS_PREFIX, ...parts].join(":");
}

/** Plain connection options from REDIS_URL, for BullMQ to open (and close) connections of its own. */
export function redisConnectionOptions(): RedisOptions {
  const url = new URL(getEnv().REDIS_URL);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === "rediss:" ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}
