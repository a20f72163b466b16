// Rate limits kept in Redis (fixed windows: INCR + PEXPIRE), shared by every web process. When Redis is away the
// request is allowed: Postgres is the source of truth and a tip must not fail because counters are unavailable.
import { getEnv } from "../utils/env.server";
import { getLogger } from "../utils/logger.server";
import { Problem } from "../utils/problem.server";
import { getRedis, redisKey } from "../utils/redis.server";

export type LimitName = "tip" | "topup" | "signin" | "signup" | "token";

interface Limit {
  points: number;
  windowSeconds: number;
}

export function limits(): Record<LimitName, Limit> {
  const env = getEnv();
  return {
    tip: { points: env.RATE_LIMIT_TIPS_PER_MINUTE, windowSeconds: 60 },
    topup: { points: env.RATE_LIMIT_TOPUPS_PER_HOUR, windowSeconds: 3600 },
    signin: { points: env.RATE_LIMIT_SIGNINS_PER_15_MINUTES, windowSeconds: 900 },
    signup: { points: env.RATE_LIMIT_SIGNUPS_PER_HOUR, windowSeconds: 3600 },
    token: { points: env.RATE_LIMIT_SIGNINS_PER_15_MINUTES, windowSeconds: 900 },
  };
}

/** Counts one attempt for `subject` (a user id, an IP, an email); throws a 429 Problem with Retry-After when over. */
export async function consumeRateLimit(name: LimitName, subject: string | number) {
  const limit = limits()[name];
  const key = redisKey("rl", name, String(subject).toLowerCase().slice(0, 200));
  let count: number;
  let ttl: number;
  try {
    const result = await getRedis()
      .multi()
      .incr(key)
      .pexpire(key, limit.windowSeconds * 1000, "NX")
      .pttl(key)
      .exec();
    count = Number(result?.[0]?.[1]);
    ttl = Number(result?.[2]?.[1]);
  } catch (err) {
    getLogger().warn({ err, limit: name }, "rate limit unavailable; allowing");
    return;
  }
  if (count > limit.points) {
    const retryAfter = Math.max(1, Math.ceil(ttl / 1000));
    throw new Problem(429, "rate_limited", `Too many attempts. Try again in ${retryAfter} seconds.`, undefined, {
      "Retry-After": String(retryAfter),
    });
  }
}

/** Refuses (429) when `subject` has used up its attempts, without counting this one (see recordFailure). */
export async function checkRateLimit(name: LimitName, subject: string | number) {
  const limit = limits()[name];
  const key = redisKey("rl", name, String(subject).toLowerCase().slice(0, 200));
  let count: number;
  let ttl: number;
  try {
    const [value, pttl] = await Promise.all([getRedis().get(key), getRedis().pttl(key)]);
    count = Number(value ?? 0);
    ttl = pttl;
  } catch {
    return;
  }
  if (count >= limit.points) {
    const retryAfter = Math.max(1, Math.ceil(ttl / 1000));
    throw new Problem(429, "rate_limited", `Too many attempts. Try again in ${retryAfter} seconds.`, undefined, {
      "Retry-After": String(retryAfter),
    });
  }
}

/** Counts a failed attempt (a wrong password) without refusing this request. */
export async function recordFailure(name: LimitName, subject: string | number) {
  await consumeRateLimit(name, subject).catch((error) => {
    if (!(error instanceof Problem)) throw error;
  });
}

/** The client address as the web server saw it (Express sets X-Forwarded-For only behind a trusted proxy). */
export function clientIp(request: Request) {
  return request.headers.get("X-Sodam-Client-Ip") ?? "unknown";
}
