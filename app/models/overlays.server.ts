// Live alert overlays for streams (an OBS browser source at /overlay/:secret): the creator's rotatable secret and
// alert preferences, the alerts an overlay missed (replayed from the outbox after a dropped connection), and the
// rules that turn a committed tip into what the overlay may show.
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { DB } from "../../db/client";
import { formatMoney, isCurrency } from "../money/currency";
import type { TipCreatedEvent } from "../money/outbox.server";
import { getRedis, redisKey } from "../utils/redis.server";
import { hasControlCharacters } from "../utils/text";

/** Redis pub/sub channel of one creator's live alerts (tips from the outbox relay, test alerts, setting changes). */
export function alertChannel(creatorId: number) {
  return redisKey("alerts", creatorId);
}

export interface OverlaySettings {
  creatorId: number;
  secret: string;
  minAmount: number;
  blockedWords: string[];
  rotatedAt: Date;
}

const newSecret = () => randomBytes(24).toString("base64url");

function toSettings(row: { creator_id: number; secret: string; min_amount: number; blocked_words: string[]; rotated_at: Date }): OverlaySettings {
  return { creatorId: row.creator_id, secret: row.secret, minAmount: row.min_amount, blockedWords: row.blocked_words, rotatedAt: row.rotated_at };
}

/** The creator's overlay settings, created with a fresh secret on first use. */
export async function getOverlaySettings(db: DB, creatorId: number): Promise<OverlaySettings> {
  await db
    .insertInto("creator_overlays")
    .values({ creator_id: creatorId, secret: newSecret() })
    .onConflict((oc) => oc.column("creator_id").doNothing())
    .execute();
  const row = await db.selectFrom("creator_overlays").selectAll().where("creator_id", "=", creatorId).executeTakeFirstOrThrow();
  return toSettings(row);
}

export async function findOverlayBySecret(db: DB, secret: string): Promise<OverlaySettings | null> {
  if (!/^[A-Za-z0-9_-]{32,64}$/.test(secret)) return null;
  const row = await db.selectFrom("creator_overlays").selectAll().where("secret", "=", secret).executeTakeFirst();
  return row ? toSettings(row) : null;
}

/** A new secret: overlays open with the old one are told to stop, and the old URL answers 404 from now on. */
export async function rotateOverlaySecret(db: DB, creatorId: number): Promise<OverlaySettings> {
  await getOverlaySettings(db, creatorId);
  const row = await db
    .updateTable("creator_overlays")
    .set({ secret: newSecret(), rotated_at: new Date(), updated_at: new Date() })
    .where("creator_id", "=", creatorId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await announceToOverlays(creatorId, { control: "settings" });
  return toSettings(row);
}

export const BLOCKED_WORDS_MAX = 50;
const BLOCKED_WORD_MAX_LENGTH = 40;

/** Blocked words as a creator types them: one per line or comma separated; blanks and repeats dropped. */
export function parseBlockedWords(text: string): { words: string[] } | { error: "tooMany" | "tooLong" | "invalid" } {
  if (hasControlCharacters(text.replace(/[\r\n]/g, " "))) return { error: "invalid" };
  const words = [...new Set(text.split(/[\n,]/).map((w) => w.trim().normalize("NFC")).filter(Boolean))];
  if (words.length > BLOCKED_WORDS_MAX) return { error: "tooMany" };
  if (words.some((w) => [...w].length > BLOCKED_WORD_MAX_LENGTH)) return { error: "tooLong" };
  return { words };
}

export async function updateOverlayPreferences(db: DB, creatorId: number, prefs: { minAmount: number; blockedWords: string[] }) {
  await getOverlaySettings(db, creatorId);
  await db
    .updateTable("creator_overlays")
    .set({ min_amount: prefs.minAmount, blocked_words: prefs.blockedWords, updated_at: new Date() })
    .where("creator_id", "=", creatorId)
    .execute();
  await announceToOverlays(creatorId, { control: "settings" });
}

/** What an overlay shows for one tip. Only public fields: the supporter's chosen name, the amount, the message. */
export interface OverlayAlert {
  id: number | null;
  test: boolean;
  supporter: string | null;
  amount: number;
  currency: string;
  display: string;
  message: string | null;
  /** When the tip was recorded (its transaction's start), so an overlay can tell how fresh an alert is. */
  tippedAt: string | null;
}

export type ChannelMessage = (TipCreatedEvent & { id: number }) | { test: true; supporterName: string | null; amount: number; currency: string; message: string | null } | { control: "settings" };

/** Case-insensitive, so "SPAM" is caught by "spam"; Korean has no case and matches as typed (NFC). */
export function containsBlockedWord(message: string, blockedWords: string[]) {
  const text = message.normalize("NFC").toLocaleLowerCase();
  return blockedWords.some((word) => text.includes(word.toLocaleLowerCase()));
}

/** The alert for a tip event, or null when it is below the creator's minimum. Test alerts always show. */
export function toOverlayAlert(
  event: Exclude<ChannelMessage, { control: "settings" }>,
  settings: Pick<OverlaySettings, "minAmount" | "blockedWords">,
  locale: string,
): OverlayAlert | null {
  const test = "test" in event;
  if (!test && event.amount < settings.minAmount) return null;
  if (!isCurrency(event.currency)) return null;
  const message = event.message && !containsBlockedWord(event.message, settings.blockedWords) ? event.message : null;
  return {
    id: test ? null : event.id,
    test,
    supporter: event.supporterName,
    amount: event.amount,
    currency: event.currency,
    display: formatMoney(event.amount, event.currency, locale),
    message,
    tippedAt: test ? null : event.createdAt,
  };
}

/** Tip alerts committed after `afterId`, oldest first (the outbox keeps relayed events for a week). */
export async function listMissedAlerts(db: DB, creatorId: number, afterId: number, limit = 100) {
  const rows = await db
    .selectFrom("outbox")
    .select(["id", "payload"])
    .where("topic", "=", "tip.created")
    .where(sql<number>`(payload->>'creatorId')::integer`, "=", creatorId)
    .where("id", ">", afterId)
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((row) => ({ id: row.id, ...(row.payload as unknown as TipCreatedEvent) }));
}

/** The newest outbox id: where an overlay that has seen nothing yet resumes after a reconnect. */
export async function latestAlertId(db: DB): Promise<number> {
  const row = await db.selectFrom("outbox").select((eb) => eb.fn.max("id").as("id")).executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** Publishes to the creator's open overlays; false when Redis is away (best effort: nothing here is money). */
async function announceToOverlays(creatorId: number, message: ChannelMessage): Promise<boolean> {
  try {
    await getRedis().publish(alertChannel(creatorId), JSON.stringify(message));
    return true;
  } catch {
    return false;
  }
}

/** A sample alert so a creator can place and style the overlay in OBS before any real tip arrives. */
export async function sendTestAlert(creator: { id: number; currency: string; displayName: string }, text: { supporter: string; message: string }) {
  const amount = creator.currency === "KRW" ? 1_000 : 100;
  return announceToOverlays(creator.id, { test: true, supporterName: text.supporter, amount, currency: creator.currency, message: text.message });
}
