// The Idempotency-Key contract of API writes (Stripe's model): the first answer for a key is stored with the
// work in one transaction and replayed for the same key and body; the same key with another body is a 409.
// Concurrent requests with one key wait on the key's row until the first commits, then get its answer.
import { createHash } from "node:crypto";
import type { Transaction } from "kysely";
import type { DB } from "../../db/client";
import type { Database } from "../../db/types";
import { canonicalJson } from "./canonical-json";
import { Problem } from "./problem.server";

export interface StoredAnswer {
  status: number;
  body: unknown;
}

export function requestFingerprint(method: string, path: string, body: unknown) {
  return createHash("sha256").update(`${method} ${path}\n${canonicalJson(body)}`).digest("hex");
}

export function parseIdempotencyKey(request: Request, required: boolean): string | null {
  const key = request.headers.get("Idempotency-Key");
  if (key === null || key === "") {
    if (required) throw new Problem(400, "idempotency_key_required", "This request needs an Idempotency-Key header.");
    return null;
  }
  if (key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new Problem(400, "idempotency_key_invalid", "The Idempotency-Key must be 1 to 255 visible ASCII characters.");
  }
  return key;
}

/** Whose request, under which key (null: the client sent none), with what body. */
interface Scope {
  userId: number;
  key: string | null;
  fingerprint: string;
}

/** A scope with a key: the only kind that is claimed, replayed or stored. */
type KeyedScope = Scope & { key: string };

function keyedScope(scope: Scope): KeyedScope | null {
  return scope.key === null ? null : { ...scope, key: scope.key };
}

/** A Problem (a 4xx) thrown by the work: the request's answer, once what the work wrote is rolled back. */
class Refused {
  constructor(readonly problem: Problem) {}
}

/**
 * Runs `work` once per (user, key). A Problem thrown by `work` (402, 404 …) is stored and replayed like a
 * success, with everything `work` wrote rolled back; any other error rolls back the key too, so a retry runs again.
 */
export async function withIdempotency(
  db: DB,
  scope: Scope,
  work: (trx: Transaction<Database>) => Promise<StoredAnswer>,
): Promise<StoredAnswer & { replayed: boolean }> {
  const keyed = keyedScope(scope);
  try {
    return await db.transaction().execute(async (trx) => {
      if (keyed && !(await claim(trx, keyed))) return replay(trx, keyed);
      let answer: StoredAnswer;
      try {
        answer = await work(trx);
      } catch (error) {
        if (error instanceof Problem && error.status < 500) throw new Refused(error);
        throw error;
      }
      if (keyed) await storeAnswer(trx, keyed, answer);
      return { ...answer, replayed: false };
    });
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    // The whole transaction, the key's claim with it, is rolled back (no savepoint: one round trip less on every
    // request); the refusal is stored on its own. Had a retry claimed the key meanwhile, its answer is the one.
    const answer = { status: error.problem.status, body: error.problem.toJSON() };
    if (!keyed) return { ...answer, replayed: false };
    return db.transaction().execute(async (trx) => {
      if (!(await claim(trx, keyed, answer))) return replay(trx, keyed);
      return { ...answer, replayed: false };
    });
  }
}

/** Inserts the key (with its answer when already known); false when the key exists (after its holder committed). */
async function claim(trx: Transaction<Database>, scope: KeyedScope, answer?: StoredAnswer) {
  const claimed = await trx
    .insertInto("idempotency_keys")
    .values({
      user_id: scope.userId,
      key: scope.key,
      request_hash: scope.fingerprint,
      ...(answer && { status_code: answer.status, response: JSON.stringify(answer.body) }),
    })
    .onConflict((oc) => oc.columns(["user_id", "key"]).doNothing())
    .returning("key")
    .executeTakeFirst();
  return claimed !== undefined;
}

async function replay(trx: Transaction<Database>, scope: KeyedScope) {
  const stored = await trx
    .selectFrom("idempotency_keys")
    .select(["request_hash", "status_code", "response"])
    .where("user_id", "=", scope.userId)
    .where("key", "=", scope.key)
    .executeTakeFirstOrThrow();
  if (stored.request_hash !== scope.fingerprint) {
    throw new Problem(409, "idempotency_key_reused", "This Idempotency-Key was already used with a different request.");
  }
  return { status: stored.status_code!, body: JSON.parse(stored.response!), replayed: true };
}

async function storeAnswer(trx: Transaction<Database>, scope: KeyedScope, answer: StoredAnswer) {
  await trx
    .updateTable("idempotency_keys")
    .set({ status_code: answer.status, response: JSON.stringify(answer.body) })
    .where("user_id", "=", scope.userId)
    .where("key", "=", scope.key)
    .execute();
}
