// Outgoing mail. No mail server is wired in yet, so mail goes to the log — and, outside production, to the
// development outbox (the dev_mail table, shown at /dev/outbox) so a password reset can be finished locally and
// in tests. In production only the recipient and subject are logged: a reset link must not sit in logs.
import type { DB } from "../../db/client";
import { isProduction } from "./env.server";
import { getLogger } from "./logger.server";

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** The development outbox exists only outside production. */
export const devOutboxEnabled = () => !isProduction();

export async function sendMail(db: DB, mail: Mail) {
  if (!devOutboxEnabled()) {
    getLogger().warn({ to: mail.to, subject: mail.subject }, "mail not sent: no mail server is configured");
    return;
  }
  await db.insertInto("dev_mail").values({ to_address: mail.to, subject: mail.subject, body: mail.text }).execute();
  getLogger().info({ to: mail.to, subject: mail.subject, text: mail.text }, "mail written to the development outbox");
}

export async function listDevMail(db: DB, limit = 50) {
  const rows = await db.selectFrom("dev_mail").selectAll().orderBy("id", "desc").limit(limit).execute();
  return rows.map((r) => ({ id: r.id, to: r.to_address, subject: r.subject, body: r.body, createdAt: r.created_at.toISOString() }));
}
