// Two-factor authentication: TOTP (app/utils/totp.server.ts) with single-use recovery codes. The secret is stored
// encrypted; the last accepted step is kept so a code (or an earlier one) cannot be replayed. Creators need it on,
// and a session or token that proved it, before requesting payouts or changing payout settings.
import { createHmac, randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { DB } from "../../db/client";
import { getEnv } from "../utils/env.server";
import { Problem } from "../utils/problem.server";
import { open, seal } from "../utils/secret-box.server";
import { base32Encode, generateTotpSecret, otpauthUri, verifyTotp } from "../utils/totp.server";

const PURPOSE = "totp";
export const RECOVERY_CODE_COUNT = 10;

function hashRecoveryCode(code: string) {
  return createHmac("sha256", getEnv().SESSION_SECRET).update(`recovery:${normalizeRecoveryCode(code)}`).digest("hex");
}

const normalizeRecoveryCode = (code: string) => code.toLowerCase().replace(/[\s-]/g, "");

function newRecoveryCode() {
  const raw = base32Encode(randomBytes(7)).slice(0, 10).toLowerCase();
  return `${raw.slice(0, 5)}-${raw.slice(5)}`;
}

export interface TwoFactorStatus {
  enabled: boolean;
  /** During enrolment: the secret and its otpauth:// URI, until a code confirms them. */
  pending: { secret: string; uri: string } | null;
  recoveryCodesLeft: number;
}

export async function getTwoFactorStatus(db: DB, userId: number): Promise<TwoFactorStatus> {
  const user = await db
    .selectFrom("users")
    .select(["email", "totp_enabled_at", "totp_pending_secret"])
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();
  const left = await db
    .selectFrom("recovery_codes")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .where("used_at", "is", null)
    .executeTakeFirstOrThrow();
  const pendingSecret = user.totp_pending_secret ? open(user.totp_pending_secret, PURPOSE) : null;
  return {
    enabled: user.totp_enabled_at !== null,
    pending: pendingSecret ? { secret: pendingSecret, uri: otpauthUri(pendingSecret, user.email) } : null,
    recoveryCodesLeft: Number(left.n),
  };
}

/** Starts (or restarts) enrolment with a fresh secret; two-factor stays as it was until confirmTwoFactor. */
export async function startTwoFactorEnrolment(db: DB, userId: number) {
  const user = await db.selectFrom("users").select(["email", "totp_enabled_at"]).where("id", "=", userId).executeTakeFirstOrThrow();
  if (user.totp_enabled_at) throw new Problem(409, "two_factor_enabled", "Two-factor authentication is already on.");
  const secret = generateTotpSecret();
  await db.updateTable("users").set({ totp_pending_secret: seal(secret, PURPOSE) }).where("id", "=", userId).execute();
  return { secret, uri: otpauthUri(secret, user.email) };
}

export async function cancelTwoFactorEnrolment(db: DB, userId: number) {
  await db.updateTable("users").set({ totp_pending_secret: null }).where("id", "=", userId).execute();
}

async function replaceRecoveryCodes(db: DB, userId: number): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await db.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
  await db
    .insertInto("recovery_codes")
    .values(codes.map((code) => ({ user_id: userId, code_hash: hashRecoveryCode(code) })))
    .execute();
  return codes;
}

const invalidCode = () => new Problem(422, "invalid_code", "That code is not right.", { code: ["is not the current code"] });

/** Turns two-factor on when `code` matches the pending secret; returns the recovery codes (shown once). */
export async function confirmTwoFactor(db: DB, userId: number, code: string, atMs = Date.now()): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom("users").select(["totp_pending_secret", "totp_enabled_at"]).where("id", "=", userId).forUpdate().executeTakeFirstOrThrow();
    if (user.totp_enabled_at) throw new Problem(409, "two_factor_enabled", "Two-factor authentication is already on.");
    if (!user.totp_pending_secret) throw new Problem(409, "two_factor_not_started", "Start setting up two-factor authentication first.");
    const step = verifyTotp(open(user.totp_pending_secret, PURPOSE), code, atMs);
    if (step === null) throw invalidCode();
    await trx
      .updateTable("users")
      .set({ totp_secret: user.totp_pending_secret, totp_pending_secret: null, totp_enabled_at: new Date(atMs), totp_last_step: step })
      .where("id", "=", userId)
      .execute();
    return replaceRecoveryCodes(trx, userId);
  });
}

export async function hasTwoFactor(db: DB, userId: number) {
  const row = await db.selectFrom("users").select("totp_enabled_at").where("id", "=", userId).executeTakeFirst();
  return Boolean(row?.totp_enabled_at);
}

/**
 * Checks a second factor: a TOTP code for the current step ±1 that is later than the last one accepted (so a
 * code works once), or an unused recovery code (then used up). Concurrent attempts with one code: one wins.
 */
export async function verifySecondFactor(db: DB, userId: number, code: string, atMs = Date.now()): Promise<boolean> {
  const user = await db.selectFrom("users").select(["totp_secret"]).where("id", "=", userId).where("totp_enabled_at", "is not", null).executeTakeFirst();
  if (!user?.totp_secret) return false;
  const trimmed = code.trim();
  if (/^\d{3}\s?\d{3}$/.test(trimmed)) {
    const step = verifyTotp(open(user.totp_secret, PURPOSE), trimmed, atMs);
    if (step === null) return false;
    const taken = await db
      .updateTable("users")
      .set({ totp_last_step: step })
      .where("id", "=", userId)
      .where((eb) => eb.or([eb("totp_last_step", "is", null), eb("totp_last_step", "<", step)]))
      .returning("id")
      .executeTakeFirst();
    return taken !== undefined;
  }
  if (normalizeRecoveryCode(trimmed).length !== 10) return false;
  const used = await db
    .updateTable("recovery_codes")
    .set({ used_at: sql`now()` })
    .where("user_id", "=", userId)
    .where("code_hash", "=", hashRecoveryCode(trimmed))
    .where("used_at", "is", null)
    .returning("id")
    .executeTakeFirst();
  return used !== undefined;
}

export async function disableTwoFactor(db: DB, userId: number, code: string) {
  if (!(await verifySecondFactor(db, userId, code))) throw invalidCode();
  await db
    .updateTable("users")
    .set({ totp_secret: null, totp_pending_secret: null, totp_enabled_at: null, totp_last_step: null })
    .where("id", "=", userId)
    .execute();
  await db.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
  // Sessions and tokens that proved the old factor no longer count as having proved one.
  await db.updateTable("sessions").set({ second_factor: false }).where("user_id", "=", userId).execute();
  await db.updateTable("api_tokens").set({ second_factor: false }).where("user_id", "=", userId).execute();
}

export async function regenerateRecoveryCodes(db: DB, userId: number, code: string): Promise<string[]> {
  if (!(await verifySecondFactor(db, userId, code))) throw invalidCode();
  return replaceRecoveryCodes(db, userId);
}

/**
 * Payouts and payout settings: the creator must have two-factor on, and this session or token must have proved
 * it (at sign-in, at token creation, or by confirming enrolment). 403 otherwise, with a code saying which.
 */
export async function requirePayoutSecondFactor(db: DB, user: { id: number; secondFactor: boolean }) {
  if (!(await hasTwoFactor(db, user.id))) {
    throw new Problem(403, "two_factor_setup_required", "Set up two-factor authentication first to request payouts or change payout settings.");
  }
  if (!user.secondFactor) {
    throw new Problem(403, "two_factor_required", "This sign-in did not use two-factor authentication. Sign in again with your code.");
  }
}
