// Users, passwords (argon2id) and API bearer tokens (only their SHA-256 is stored): sign-in tokens from
// POST /api/v1/auth/token can do everything; personal tokens made in the dashboard carry scopes (read, tips).
import { createHash, randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import type { DB } from "../../db/client";
import type { ApiScope } from "../../db/types";
import { Problem } from "../utils/problem.server";

// @node-rs/argon2: Algorithm.Argon2id is 2 (a const enum cannot cross isolated modules).
const ARGON2ID = 2;

export interface User {
  id: number;
  email: string;
  displayName: string;
  role: "fan" | "admin";
}

/** A user as a request knows them: whether this session or token proved the second factor; since when they exist (fraud rules weigh new accounts). */
export type SignedInUser = User & { secondFactor: boolean; createdAt: Date };

function isUniqueViolation(error: unknown) {
  return (error as { code?: string })?.code === "23505";
}

export async function createUser(db: DB, input: { email: string; password: string; displayName: string }): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  try {
    const row = await db
      .insertInto("users")
      .values({ email: input.email.trim(), password_hash: passwordHash, display_name: input.displayName.trim() })
      .returning(["id", "email", "display_name", "role"])
      .executeTakeFirstOrThrow();
    return { id: row.id, email: row.email, displayName: row.display_name, role: row.role };
  } catch (error) {
    if (isUniqueViolation(error)) throw new Problem(409, "email_taken", "An account with this email already exists.");
    throw error;
  }
}

/** Returns the user when the password matches; the same answer for an unknown email and a wrong password. */
export async function verifyLogin(db: DB, email: string, password: string): Promise<User | null> {
  const row = await db
    .selectFrom("users")
    .select(["id", "email", "display_name", "role", "password_hash"])
    .where((eb) => eb(eb.fn("lower", ["email"]), "=", email.trim().toLowerCase()))
    .executeTakeFirst();
  if (!row) {
    // Spend comparable time so response timing does not reveal which emails exist.
    await verify(DUMMY_HASH, password).catch(() => false);
    return null;
  }
  const ok = await verify(row.password_hash, password).catch(() => false);
  return ok ? { id: row.id, email: row.email, displayName: row.display_name, role: row.role } : null;
}

const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$9/N4Yk0BMXqRDMGxQoYiQA$kGSzlcOomDR2VN3hgHfgdvOizlQmqLmyl/N93v3DC4Q";

export function hashToken(token: string) {
  return createHash("sha256").update(token).digest("hex");
}

export async function createApiToken(db: DB, userId: number, options: { secondFactor?: boolean } = {}): Promise<string> {
  const token = `sodam_${randomBytes(24).toString("base64url")}`;
  await db.insertInto("api_tokens").values({ user_id: userId, token_hash: hashToken(token), second_factor: options.secondFactor ?? false }).execute();
  return token;
}

/** The token proved the second factor (its owner confirmed enrolment with it). */
export async function markApiTokenSecondFactor(db: DB, token: string) {
  await db.updateTable("api_tokens").set({ second_factor: true }).where("token_hash", "=", hashToken(token)).execute();
}

export function hashPassword(password: string) {
  return hash(password, { algorithm: ARGON2ID });
}

/** A new password (after a reset), in the caller's transaction: every session ends and every API token is revoked. */
export async function setPasswordHash(db: DB, userId: number, passwordHash: string) {
  await db.updateTable("users").set({ password_hash: passwordHash }).where("id", "=", userId).execute();
  await db.deleteFrom("sessions").where("user_id", "=", userId).execute();
  await db.updateTable("api_tokens").set({ revoked_at: new Date() }).where("user_id", "=", userId).where("revoked_at", "is", null).execute();
}

/** The token's user, whether it proved the second factor, and its scopes (null: a sign-in token, allowed everything). */
export async function getUserByApiToken(db: DB, token: string): Promise<(SignedInUser & { scopes: ApiScope[] | null }) | null> {
  const row = await db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .select(["users.id", "users.email", "users.display_name", "users.role", "users.created_at", "api_tokens.second_factor", "api_tokens.scopes"])
    .where("api_tokens.token_hash", "=", hashToken(token))
    .where("api_tokens.revoked_at", "is", null)
    .executeTakeFirst();
  return row
    ? { id: row.id, email: row.email, displayName: row.display_name, role: row.role, secondFactor: row.second_factor, createdAt: row.created_at, scopes: row.scopes }
    : null;
}

export const API_SCOPES: ApiScope[] = ["read", "tips"];

export interface PersonalToken {
  id: number;
  name: string;
  scopes: ApiScope[];
  createdAt: string;
}

/** A personal token for a bot or script; the token is returned here and never again (only its hash is kept). */
export async function createPersonalToken(db: DB, args: { userId: number; name: string; scopes: ApiScope[] }) {
  const scopes = API_SCOPES.filter((s) => args.scopes.includes(s));
  if (!scopes.length) throw new Problem(422, "token_scopes_required", "Choose at least one scope.", { scopes: ["choose read and/or tips"] });
  const name = args.name.trim();
  if (!name || name.length > 60) throw new Problem(422, "token_name_invalid", "Name the token (up to 60 characters).", { name: ["1 to 60 characters"] });
  const live = await db.selectFrom("api_tokens").select((eb) => eb.fn.countAll<number>().as("n")).where("user_id", "=", args.userId).where("scopes", "is not", null).where("revoked_at", "is", null).executeTakeFirstOrThrow();
  if (Number(live.n) >= 20) throw new Problem(422, "token_limit", "You can have up to 20 personal tokens. Revoke one first.");
  const token = `sodam_pat_${randomBytes(24).toString("base64url")}`;
  const row = await db
    .insertInto("api_tokens")
    .values({ user_id: args.userId, token_hash: hashToken(token), name, scopes })
    .returning(["id", "created_at"])
    .executeTakeFirstOrThrow();
  return { token, personalToken: { id: row.id, name, scopes, createdAt: row.created_at.toISOString() } satisfies PersonalToken };
}

export async function listPersonalTokens(db: DB, userId: number): Promise<PersonalToken[]> {
  const rows = await db
    .selectFrom("api_tokens")
    .select(["id", "name", "scopes", "created_at"])
    .where("user_id", "=", userId)
    .where("scopes", "is not", null)
    .where("revoked_at", "is", null)
    .orderBy("created_at")
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name ?? "", scopes: r.scopes ?? [], createdAt: r.created_at.toISOString() }));
}

/** Revokes one of the user's personal tokens (ownership in the where clause). */
export async function revokePersonalToken(db: DB, args: { userId: number; tokenId: number }) {
  const row = await db
    .updateTable("api_tokens")
    .set({ revoked_at: new Date() })
    .where("id", "=", args.tokenId)
    .where("user_id", "=", args.userId)
    .where("scopes", "is not", null)
    .where("revoked_at", "is", null)
    .returning("id")
    .executeTakeFirst();
  if (!row) throw new Problem(404, "token_not_found", "No such token.");
}

export async function revokeApiToken(db: DB, token: string) {
  await db
    .updateTable("api_tokens")
    .set({ revoked_at: new Date() })
    .where("token_hash", "=", hashToken(token))
    .where("revoked_at", "is", null)
    .execute();
}
