// Turns "cannot reach Postgres / Redis" into one line a person can act on, instead of a stack trace.

const HINTS = {
  postgres: "start PostgreSQL (pg_ctlcluster $(ls /etc/postgresql) main start) or set DATABASE_URL",
  redis: "start Redis (redis-server --daemonize yes) or set REDIS_URL",
} as const;

const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "EHOSTUNREACH", "ECONNRESET", "57P03", "3D000"]);

export function isUnreachable(error: unknown): boolean {
  const e = error as { code?: string; message?: string; errors?: unknown[] };
  if (e?.code && UNREACHABLE.has(e.code)) return true;
  if (Array.isArray(e?.errors)) return e.errors.some(isUnreachable);
  // ioredis gives up on a command with MaxRetriesPerRequestError while it cannot connect.
  return /timeout|connect|ECONNREFUSED|max retries per request|Connection is closed/i.test(e?.message ?? "");
}

/** A database error that means "Postgres is away" (cannot connect, connection lost, shutting down), not a bug. */
export function isDatabaseUnavailable(error: unknown) {
  const code = (error as { code?: string })?.code ?? "";
  return isUnreachable(error) || code.startsWith("08") || code === "57P01" || code === "57P03";
}

/** Hides the password in a URL before it is printed. */
export function redactUrl(url: string) {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

export function unreachableMessage(service: keyof typeof HINTS, url: string) {
  return `sodam: cannot reach ${service === "postgres" ? "PostgreSQL" : "Redis"} at ${redactUrl(url)} — ${HINTS[service]}`;
}

/** Runs a boot step; an unreachable service ends the process with one clear line (exit code 2). */
export async function orExitWhenUnreachable<T>(service: keyof typeof HINTS, url: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (isUnreachable(error)) {
      console.error(unreachableMessage(service, url));
      process.exit(2);
    }
    throw error;
  }
}
