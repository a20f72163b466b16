// The rules of the creator pages' HTML forms (onboarding, settings, the post editor, the tips filter) as zod
// schemas whose messages are in the page's language, so loaders and actions stay one parse and one domain call.
import { readdir } from "node:fs/promises";
import { z } from "zod";
import type { CreatorCategory, TipStatus } from "../../db/types";
import { CURRENCIES, CURRENCY_RULES, formatMoney, parseAmountInput, type Currency } from "../money/currency";
import type { TipFilters } from "../money/dashboard.server";
import type { TipPurpose } from "../money/tips.server";
import { t, toIntlLocale, type Locale, type MessageKey } from "../utils/i18n";
import { Problem } from "../utils/problem.server";
import { CATEGORIES, normalizeHandle } from "./creators.server";
import { parseBlockedWords } from "./overlays.server";
import { hasControlCharacters } from "../utils/text";

export const PAYOUT_SCHEDULES = ["weekly", "monthly"] as const;
export const POST_KINDS = ["article", "webtoon", "episode"] as const;
export const TIP_STATUSES: TipStatus[] = ["pending", "held", "settled", "refunded"];
export const TIP_PURPOSES: TipPurpose[] = ["tip", "unlock", "pledge"];
export const TIPS_PAGE_SIZE = 20;

/** Limits a creator may set, in minor units of their currency. */
export function creatorLimits(currency: Currency) {
  const rules = CURRENCY_RULES[currency];
  return {
    payoutMinimum: { min: rules.defaultPayoutMinimum, max: rules.defaultPayoutMinimum * 1000 },
    goal: { min: rules.cardTipMin, max: rules.tipMax * 1000 },
    price: { min: rules.walletTipMin, max: rules.tipMax },
  };
}

let shippedAvatars: Promise<string[]> | undefined;

/** The avatars shipped in public/avatars, as the paths a creator may pick instead of an image address. */
export function listShippedAvatars(): Promise<string[]> {
  shippedAvatars ??= readdir("public/avatars")
    .then((files) => files.filter((f) => /^[a-z0-9-]+\.svg$/.test(f)).sort().map((f) => `/avatars/${f}`))
    .catch(() => []);
  return shippedAvatars;
}

/** Trimmed text of at most `max` characters (at least `min`), without control characters other than newlines. */
function text(locale: Locale, max: number, min = 0) {
  return z
    .string({ error: t(locale, "creator.error.required") })
    .trim()
    .refine((s) => s.length >= min, t(locale, "creator.error.required"))
    .refine((s) => Array.from(s).length <= max, t(locale, "creator.error.tooLong", { max }))
    .refine((s) => !hasControlCharacters(s), t(locale, "creator.error.controlCharacters"));
}

function choice<const T extends readonly [string, ...string[]]>(locale: Locale, options: T) {
  return z.enum(options, { error: t(locale, "creator.error.choose") });
}

/** An amount typed by a person, checked against bounds; the error is a sentence in the page's language. */
export function checkAmount(
  locale: Locale,
  currency: Currency,
  raw: string,
  bounds: { min: number; max: number },
): { ok: true; amount: number } | { ok: false; message: string } {
  const money = (amount: number) => formatMoney(amount, currency, toIntlLocale(locale));
  if (!raw.trim()) return { ok: false, message: t(locale, "creator.error.required") };
  const amount = parseAmountInput(raw, CURRENCY_RULES[currency].exponent);
  if (amount === null) return { ok: false, message: t(locale, "creator.error.amount", { example: amountInputText(bounds.min, currency) }) };
  if (amount < bounds.min) return { ok: false, message: t(locale, "creator.error.amountMin", { amount: money(bounds.min) }) };
  if (amount > bounds.max) return { ok: false, message: t(locale, "creator.error.amountMax", { amount: money(bounds.max) }) };
  return { ok: true, amount };
}

/** Minor units as a person would type them back into a field: 10000 (KRW), 10.50 (USD). Integer arithmetic. */
export function amountInputText(amount: number, currency: Currency) {
  const { exponent } = CURRENCY_RULES[currency];
  if (!exponent) return String(amount);
  const unit = 10 ** exponent;
  return `${Math.trunc(amount / unit)}.${String(amount % unit).padStart(exponent, "0")}`;
}

function amountField(locale: Locale, currency: Currency, bounds: { min: number; max: number }) {
  return z.string({ error: t(locale, "creator.error.required") }).transform((raw, ctx) => {
    const checked = checkAmount(locale, currency, raw, bounds);
    if (checked.ok) return checked.amount;
    ctx.issues.push({ code: "custom", input: raw, message: checked.message });
    return z.NEVER;
  });
}

const handleField = (locale: Locale) =>
  z
    .string({ error: t(locale, "creator.error.required") })
    .transform(normalizeHandle)
    .refine((h) => /^[a-z0-9_]{3,30}$/.test(h), t(locale, "creator.error.handleFormat"));

/** Radio `avatar` ("" none, a shipped path, or "custom") plus the `avatarUrl` field, as one avatar URL or null. */
const avatarFields = { avatar: z.string().optional(), avatarUrl: z.string().optional() };

function pickAvatar(
  locale: Locale,
  avatars: string[],
  input: { avatar?: string; avatarUrl?: string },
  ctx: z.RefinementCtx,
): string | null {
  const choice = input.avatar ?? "";
  if (choice === "") return null;
  if (avatars.includes(choice)) return choice;
  if (choice !== "custom") {
    ctx.issues.push({ code: "custom", input: choice, path: ["avatar"], message: t(locale, "creator.error.choose") });
    return null;
  }
  const url = (input.avatarUrl ?? "").trim();
  let valid = url.length <= 500;
  try {
    valid &&= new URL(url).protocol === "https:";
  } catch {
    valid = false;
  }
  if (!valid) ctx.issues.push({ code: "custom", input: url, path: ["avatarUrl"], message: t(locale, "creator.error.avatarUrl") });
  return url;
}

const profileFields = (locale: Locale) => ({
  displayName: text(locale, 60, 1),
  bio: text(locale, 1000).default(""),
  category: choice(locale, CATEGORIES as [CreatorCategory, ...CreatorCategory[]]),
  ...avatarFields,
});

/** /creator/start: the handle and everything a creator page needs on its first day. */
export function onboardingForm(locale: Locale, avatars: string[]) {
  return z
    .object({
      handle: handleField(locale),
      ...profileFields(locale),
      currency: choice(locale, CURRENCIES),
      payoutSchedule: choice(locale, PAYOUT_SCHEDULES),
      payoutMinimum: z.string().default(""),
    })
    .transform(({ avatar, avatarUrl, payoutMinimum, ...fields }, ctx) => {
      const limits = creatorLimits(fields.currency);
      // Left empty: the currency's default minimum.
      const minimum = payoutMinimum.trim()
        ? checkAmount(locale, fields.currency, payoutMinimum, limits.payoutMinimum)
        : ({ ok: true, amount: limits.payoutMinimum.min } as const);
      if (!minimum.ok) ctx.issues.push({ code: "custom", input: payoutMinimum, path: ["payoutMinimum"], message: minimum.message });
      return { ...fields, avatarUrl: pickAvatar(locale, avatars, { avatar, avatarUrl }, ctx), payoutMinimum: minimum.ok ? minimum.amount : 0 };
    });
}

/** Settings, profile section. */
export function profileForm(locale: Locale, avatars: string[]) {
  return z
    .object(profileFields(locale))
    .transform(({ avatar, avatarUrl, ...fields }, ctx) => ({ ...fields, avatarUrl: pickAvatar(locale, avatars, { avatar, avatarUrl }, ctx) }));
}

/** Settings, goal section: a title and an amount together, or neither (no goal). */
export function goalForm(locale: Locale, currency: Currency) {
  return z
    .object({ goalTitle: text(locale, 80).default(""), goalAmount: z.string().default("") })
    .transform(({ goalTitle, goalAmount }, ctx) => {
      if (!goalTitle && !goalAmount.trim()) return { goalTitle: null, goalAmount: null };
      if (!goalTitle) ctx.issues.push({ code: "custom", input: goalTitle, path: ["goalTitle"], message: t(locale, "creator.error.goalTitle") });
      const amount = checkAmount(locale, currency, goalAmount, creatorLimits(currency).goal);
      if (!amount.ok) ctx.issues.push({ code: "custom", input: goalAmount, path: ["goalAmount"], message: amount.message });
      return { goalTitle: goalTitle || null, goalAmount: amount.ok ? amount.amount : null };
    });
}

/** Widgets page, alert settings: the smallest tip that shows an alert (empty = all) and the blocked words. */
export function overlayPreferencesForm(locale: Locale, currency: Currency) {
  return z
    .object({ minAmount: z.string().max(30).default(""), blockedWords: z.string().max(5000).default("") })
    .transform(({ minAmount, blockedWords }, ctx) => {
      const amount = minAmount.trim() ? checkAmount(locale, currency, minAmount, { min: 0, max: CURRENCY_RULES[currency].tipMax }) : ({ ok: true, amount: 0 } as const);
      if (!amount.ok) ctx.issues.push({ code: "custom", input: minAmount, path: ["minAmount"], message: amount.message });
      const words = parseBlockedWords(blockedWords);
      if ("error" in words) ctx.issues.push({ code: "custom", input: blockedWords, path: ["blockedWords"], message: t(locale, `share.overlay.error.${words.error}`) });
      return { minAmount: amount.ok ? amount.amount : 0, blockedWords: "words" in words ? words.words : [] };
    });
}

/** Settings, payout section. */
export function payoutSettingsForm(locale: Locale, currency: Currency) {
  return z.object({
    payoutSchedule: choice(locale, PAYOUT_SCHEDULES),
    payoutMinimum: amountField(locale, currency, creatorLimits(currency).payoutMinimum),
  });
}

/** The post editor. "new" is the editor's own address, so no post may take it as its slug. */
export function postForm(locale: Locale, currency: Currency) {
  return z.object({
    title: text(locale, 120, 1),
    slug: z
      .string({ error: t(locale, "creator.error.required") })
      .trim()
      .toLowerCase()
      .refine((s) => /^[a-z0-9-]{1,80}$/.test(s), t(locale, "creator.error.slugFormat"))
      .refine((s) => s !== "new", t(locale, "creator.error.slugReserved")),
    kind: choice(locale, POST_KINDS),
    price: amountField(locale, currency, creatorLimits(currency).price),
    preview: text(locale, 500).default(""),
    body: text(locale, 50_000, 1),
  });
}

function isDate(value: string | null): value is string {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** The tips table's GET form and page; values that make no sense are dropped rather than refused. */
export function parseTipFilters(params: URLSearchParams): { filters: TipFilters; page: number } {
  const status = params.get("status");
  const purpose = params.get("purpose");
  const from = params.get("from");
  const to = params.get("to");
  const page = Number(params.get("page") ?? "1");
  return {
    filters: {
      ...(TIP_STATUSES.includes(status as TipStatus) && { status: status as TipStatus }),
      ...(TIP_PURPOSES.includes(purpose as TipPurpose) && { purpose: purpose as TipPurpose }),
      ...(isDate(from) && { from }),
      ...(isDate(to) && { to }),
    },
    page: Number.isSafeInteger(page) && page >= 1 ? page : 1,
  };
}

const PROBLEM_MESSAGES: Record<string, MessageKey> = {
  handle_taken: "creator.problem.handleTaken",
  below_payout_minimum: "dash.problem.belowPayoutMinimum",
  payout_already_requested: "dash.problem.payoutAlreadyRequested",
  balance_negative: "dash.problem.balanceNegative",
  payout_account_required: "dash.problem.payoutAccountRequired",
  payout_account_not_needed: "dash.problem.payoutAccountNotNeeded",
  slug_taken: "dash.problem.slugTaken",
  two_factor_setup_required: "twoFactor.required",
  two_factor_required: "twoFactor.reauth",
};

/** A domain Problem as a sentence for the page; anything else is not ours to explain and is thrown on. */
export function problemMessage(locale: Locale, error: unknown): { status: number; code: string; message: string } {
  if (!(error instanceof Problem)) throw error;
  const key = PROBLEM_MESSAGES[error.code];
  return { status: error.status, code: error.code, message: key ? t(locale, key) : t(locale, "dash.problem.generic") };
}
