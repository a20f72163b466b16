// Shared plumbing of the JSON API v1: reading bodies, bearer auth, and turning every failure into
// application/problem+json — user input gets a 4xx, an unavailable database a 503, never a bare 500 page.
import { z, type ZodType } from "zod";
import { getUserByApiToken, type SignedInUser } from "../models/users.server";
import { isDatabaseUnavailable } from "./connectivity.server";
import { getDb } from "./db.server";
import { getLogger } from "./logger.server";
import { Problem, problemResponse } from "./problem.server";
import { hasControlCharacters } from "./text";

const MAX_BODY_BYTES = 64 * 1024;

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}) {
  const contentType = status >= 400 ? "application/problem+json; charset=utf-8" : "application/json; charset=utf-8";
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": contentType, "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", ...headers },
  });
}

/** Wraps a loader or action: Problems become their response; unexpected errors are logged and become 500/503. */
export async function handleApi(request: Request, run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    await drainBody(request);
    if (error instanceof Response) return error;
    if (error instanceof Problem) return problemResponse(error);
    if (isDatabaseUnavailable(error)) {
      return problemResponse(
        new Problem(503, "service_unavailable", "Sodam is briefly unavailable. Please try again in a moment.", undefined, {
          "Retry-After": "5",
        }),
      );
    }
    getLogger().error({ err: error, method: request.method, url: request.url }, "unexpected API error");
    return problemResponse(new Problem(500, "internal_error", "Something went wrong on our side. Nothing was charged twice; please try again."));
  }
}

/**
 * A request refused before its body was read (a missing header, no token) must still have its body consumed:
 * otherwise the connection cannot be reused and the client's next request on it is reset.
 */
async function drainBody(request: Request) {
  if (request.bodyUsed || !request.body) return;
  if (Number(request.headers.get("Content-Length") ?? 0) > 1024 * 1024) return;
  await request.arrayBuffer().catch(() => undefined);
}

export function methodNotAllowed(allowed: string[]) {
  return new Problem(405, "method_not_allowed", `Use ${allowed.join(" or ")} on this endpoint.`, undefined, { Allow: allowed.join(", ") });
}

/** Reads a JSON body (64 KB at most) and validates it; 415 / 413 / 400 / 422 otherwise. */
export async function readJson<T>(request: Request, schema: ZodType<T>): Promise<{ data: T; raw: unknown }> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new Problem(415, "unsupported_media_type", "Send the body as JSON with Content-Type: application/json.");
  }
  const length = Number(request.headers.get("Content-Length") ?? 0);
  if (length > MAX_BODY_BYTES) throw new Problem(413, "body_too_large", "The request body is larger than 64 KB.");
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new Problem(413, "body_too_large", "The request body is larger than 64 KB.");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Problem(400, "invalid_json", "The request body is not valid JSON.");
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new Problem(422, "validation_failed", "The request body must be a JSON object.", { body: ["must be an object"] });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw Problem.fromZod(parsed.error);
  return { data: parsed.data, raw };
}

/**
 * What a request needs of its token. A sign-in token may do everything; a personal token only what its scopes say:
 * read (GET requests), tips (POST /api/v1/tips). Other writes need a sign-in token.
 */
export type ApiScopeNeeded = "read" | "tips" | "full";

/** The user behind `Authorization: Bearer <token>`; 401 otherwise, 403 when the token's scopes do not allow it. */
export async function requireApiUser(request: Request, scope?: ApiScopeNeeded): Promise<SignedInUser> {
  const header = request.headers.get("Authorization") ?? "";
  const match = /^Bearer\s+(\S{1,200})$/i.exec(header);
  if (!match) {
    throw new Problem(401, "unauthenticated", "Sign in: send Authorization: Bearer <token> from POST /api/v1/auth/token.", undefined, {
      "WWW-Authenticate": 'Bearer realm="sodam"',
    });
  }
  const found = await getUserByApiToken(getDb(), match[1]);
  if (!found) {
    throw new Problem(401, "invalid_token", "This token is unknown or revoked.", undefined, {
      "WWW-Authenticate": 'Bearer realm="sodam", error="invalid_token"',
    });
  }
  const { scopes, ...user } = found;
  const needed = scope ?? (request.method === "GET" || request.method === "HEAD" ? "read" : "full");
  if (scopes !== null && (needed === "full" || !scopes.includes(needed))) {
    throw new Problem(
      403,
      "insufficient_scope",
      needed === "full" ? "This personal token cannot do this; use a sign-in token." : `This token needs the ${needed} scope.`,
      undefined,
      { "WWW-Authenticate": `Bearer realm="sodam", error="insufficient_scope"${needed === "full" ? "" : `, scope="${needed}"`}` },
    );
  }
  return user;
}

/** The bearer token of a request that passed requireApiUser. */
export function bearerToken(request: Request) {
  return (request.headers.get("Authorization") ?? "").replace(/^Bearer\s+/i, "");
}

/** Money amounts in the API are JSON integers in minor units; strings, fractions and unsafe numbers are refused. */
export const Amount = z
  .number({ error: "must be an integer amount in minor units" })
  .refine((n) => Number.isSafeInteger(n), "must be an integer amount in minor units")
  .refine((n) => n > 0, "must be greater than zero");

export const CurrencyField = z.enum(["KRW", "USD"], { error: "must be KRW or USD" });

export function pageLimit(url: URL, fallback = 20, max = 100) {
  const raw = url.searchParams.get("limit");
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new Problem(422, "validation_failed", `limit must be an integer from 1 to ${max}.`, { limit: [`must be 1..${max}`] });
  }
  return n;
}

/** A string field without NUL or other control characters (Postgres refuses NUL; nobody means to send them). */
export function cleanText(max: number, min = 0) {
  return z
    .string({ error: "must be a string" })
    .max(max, `must be at most ${max} characters`)
    .refine((s) => s.trim().length >= min, min > 0 ? `must not be empty` : "invalid")
    .refine((s) => !hasControlCharacters(s), "must not contain control characters");
}
