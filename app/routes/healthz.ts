import type { LoaderFunctionArgs } from "@remix-run/node";
import { checkHealth } from "~/utils/health.server";

/** 200 when Postgres and Redis answer; 503 naming the one that does not. */
export async function loader(_: LoaderFunctionArgs) {
  const health = await checkHealth();
  return new Response(JSON.stringify(health), {
    status: health.status === "ok" ? 200 : 503,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  });
}
