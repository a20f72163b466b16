// Tiny i18n for pages: Korean first, English second. Client-safe (no server imports) so components and
// loaders share one dictionary; a missing English string is a type error, not a blank on the page.

import { useLocation, useRouteLoaderData } from "@remix-run/react";
import { creatorEn, creatorKo } from "../i18n/creator";
import { fanEn, fanKo } from "../i18n/fan";
import { moneyTrustEn, moneyTrustKo } from "../i18n/money-trust";
import { opsEn, opsKo } from "../i18n/ops";
import { paymentsEn, paymentsKo } from "../i18n/payments";
import { shareEn, shareKo } from "../i18n/share";
import { shellEn, shellKo } from "../i18n/shell";
import { transparencyEn, transparencyKo } from "../i18n/transparency";
import { trustEn, trustKo } from "../i18n/trust";

export const LOCALES = ["ko", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "ko";

/** Name of the cookie that remembers a language chosen with `?lang=`. */
export const LOCALE_COOKIE = "lang";

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** BCP 47 tag for Intl APIs and `formatMoney`. */
export function toIntlLocale(locale: Locale): "ko-KR" | "en-US" {
  return locale === "ko" ? "ko-KR" : "en-US";
}

function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The first supported language in an Accept-Language header, by q-value then order. */
function fromAcceptLanguage(header: string | null): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(",")
    .map((item, index) => {
      const [tag = "", ...params] = item.trim().split(";");
      const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const q = qParam ? Number(qParam.slice(2)) : 1;
      return { lang: tag.trim().toLowerCase().split("-")[0], q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.find((entry) => isLocale(entry.lang))?.lang as Locale | undefined;
}

/** `?lang=` wins, then the `lang` cookie, then Accept-Language, else Korean. */
export function getLocale(request: Request): Locale {
  const fromQuery = new URL(request.url).searchParams.get("lang");
  if (isLocale(fromQuery)) return fromQuery;
  const fromCookie = readCookie(request.headers.get("Cookie"), LOCALE_COOKIE);
  if (isLocale(fromCookie)) return fromCookie;
  return fromAcceptLanguage(request.headers.get("Accept-Language")) ?? DEFAULT_LOCALE;
}

/**
 * A `Set-Cookie` value remembering the language when the request chose one with `?lang=` that the cookie does
 * not hold yet; otherwise null. Not a secret, so readable by scripts; a year long.
 */
export function localeCookieFor(request: Request): string | null {
  const fromQuery = new URL(request.url).searchParams.get("lang");
  if (!isLocale(fromQuery)) return null;
  if (readCookie(request.headers.get("Cookie"), LOCALE_COOKIE) === fromQuery) return null;
  return `${LOCALE_COOKIE}=${fromQuery}; Path=/; Max-Age=31536000; SameSite=Lax`;
}

// Dictionaries live in app/i18n/, one module per area of the site, merged here.
const ko = { ...shellKo, ...fanKo, ...creatorKo, ...transparencyKo, ...shareKo, ...trustKo, ...moneyTrustKo, ...opsKo, ...paymentsKo };

export type MessageKey = keyof typeof ko;

const en: Record<MessageKey, string> = { ...shellEn, ...fanEn, ...creatorEn, ...transparencyEn, ...shareEn, ...trustEn, ...moneyTrustEn, ...opsEn, ...paymentsEn };

export const messages: Record<Locale, Record<MessageKey, string>> = { ko, en };

/** The message for `key` in `locale`, with `{name}` placeholders filled from `vars`. */
export function t(locale: Locale, key: MessageKey, vars?: Record<string, string | number>): string {
  const template = messages[locale]?.[key] ?? messages[DEFAULT_LOCALE][key] ?? key;
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : match,
  );
}

/**
 * The page's locale from the root loader. Without its data (a URL no route matches never runs loaders, or the
 * root loader threw) we can still honour `?lang=` from the URL, which server and browser both see; else Korean.
 */
export function useLocale(): Locale {
  const data = useRouteLoaderData("root") as { locale?: unknown } | undefined;
  const { search } = useLocation();
  if (isLocale(data?.locale)) return data.locale;
  const fromQuery = new URLSearchParams(search).get("lang");
  return isLocale(fromQuery) ? fromQuery : DEFAULT_LOCALE;
}

/** `t` bound to the page's locale. */
export function useT() {
  const locale = useLocale();
  return (key: MessageKey, vars?: Record<string, string | number>) => t(locale, key, vars);
}
