// Password reset: a random token mailed as a link, stored only as its SHA-256, valid for an hour and once. Using it
// sets the new password, ends every session and revokes every API token, all in one transaction.
import { createHash, randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { DB } from "../../db/client";
import { sendMail } from "../utils/mail.server";
import { t, type Locale } from "../utils/i18n";
import { Problem } from "../utils/problem.server";
import { hashPassword, setPasswordHash } from "./users.server";

export const RESET_TOKEN_MINUTES = 60;

const hashResetToken = (token: string) => createHash("sha256").update(`reset:${token}`).digest("hex");

/**
 * Mails a reset link when an account has this email; the same (silent) answer when none does, so the form does
 * not tell which emails have accounts.
 */
export async function requestPasswordReset(db: DB, args: { email: string; baseUrl: string; locale: Locale }) {
  const user = await db
    .selectFrom("users")
    .select(["id", "email"])
    .where((eb) => eb(eb.fn("lower", ["email"]), "=", args.email.trim().toLowerCase()))
    .executeTakeFirst();
  if (!user) return;
  const token = randomBytes(32).toString("base64url");
  await db
    .insertInto("password_resets")
    .values({ id: hashResetToken(token), user_id: user.id, expires_at: new Date(Date.now() + RESET_TOKEN_MINUTES * 60_000) })
    .execute();
  const link = `${args.baseUrl}/reset-password?token=${token}`;
  await sendMail(db, { to: user.email, subject: t(args.locale, "reset.mailSubject"), text: t(args.locale, "reset.mailBody", { link }) });
}

/** Whether a token can still be used (for the form; resetPassword checks again, atomically). */
export async function isResetTokenUsable(db: DB, token: string) {
  const row = await db
    .selectFrom("password_resets")
    .select("id")
    .where("id", "=", hashResetToken(token))
    .where("used_at", "is", null)
    .where("expires_at", ">", sql<Date>`now()`)
    .executeTakeFirst();
  return row !== undefined;
}

/** Uses the token once: 400 reset_token_invalid when it is unknown, used or expired. */
export async function resetPassword(db: DB, args: { token: string; password: string }) {
  const passwordHash = await hashPassword(args.password);
  await db.transaction().execute(async (trx) => {
    const used = await trx
      .updateTable("password_resets")
      .set({ used_at: sql`now()` })
      .where("id", "=", hashResetToken(args.token))
      .where("used_at", "is", null)
      .where("expires_at", ">", sql<Date>`now()`)
      .returning("user_id")
      .executeTakeFirst();
    if (!used) throw new Problem(400, "reset_token_invalid", "This reset link has expired or was already used.");
    await setPasswordHash(trx, used.user_id, passwordHash);
    // Other links for the same account stop working too.
    await trx.updateTable("password_resets").set({ used_at: sql`now()` }).where("user_id", "=", used.user_id).where("used_at", "is", null).execute();
  });
}
