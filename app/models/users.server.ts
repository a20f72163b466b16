// Users, passwords (argon2id) and API bearer tokens (only their SHA-256 is stored).
import { createHash, randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import type { DB } from "../../db/client";
import { Problem } from "../utils/problem.server";

// @node-rs/argon2: Algorithm.Argon2id is 2 (a const enum cannot cross isolated modules).
const ARGON2ID = 2;

export interface User {
  id: number;
  email: string;
  displayName: string;
  role: "fan" | "admin";
}

/** A user as a request knows them: whether this session or token proved the second factor. */
export type SignedInUser = User & { secondFactor: boolean };

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

export async function getUserByApiToken(db: DB, token: string): Promise<SignedInUser | null> {
  const row = await db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .select(["users.id", "users.email", "users.display_name", "users.role", "api_tokens.second_factor"])
    .where("api_tokens.token_hash", "=", hashToken(token))
    .where("api_tokens.revoked_at", "is", null)
    .executeTakeFirst();
  return row ? { id: row.id, email: row.email, displayName: row.display_name, role: row.role, secondFactor: row.second_factor } : null;
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

export async function revokeApiToken(db: DB, token: string) {
  await db
    .updateTable("api_tokens")
    .set({ revoked_at: new Date() })
    .where("token_hash", "=", hashToken(token))
    .where("revoked_at", "is", null)
    .execute();
}
