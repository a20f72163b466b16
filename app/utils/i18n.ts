// Tiny i18n for pages: Korean first, English second. Client-safe (no server imports) so components and
// loaders share one dictionary; a missing English string is a type error, not a blank on the page.

import { useLocation, useRouteLoaderData } from "@remix-run/react";

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

const ko = {
  "site.name": "소담 Sodam",
  "site.tagline": "창작자 후원",
  "site.description": "좋아하는 음악가, 작가, 스트리머, 버스커에게 작은 팁으로 마음을 전하세요.",
  "nav.skipToContent": "본문으로 건너뛰기",
  "nav.language": "언어",
  "footer.line": "소담 — 작은 응원이 창작을 이어 갑니다.",

  "home.title": "소담 Sodam — 창작자 후원",
  "home.heroTitle": "작은 응원이 모여 큰 힘이 됩니다",
  "home.heroLead": "천 원의 팁으로 좋아하는 창작자의 다음 작품을 응원하세요.",
  "home.searchLabel": "창작자 검색",
  "home.searchPlaceholder": "이름이나 @핸들로 찾기",
  "home.searchButton": "검색",
  "home.categories": "분야",
  "home.allCategories": "전체",
  "home.resultsHeading": "창작자",
  "home.resultsFor": "“{query}” 검색 결과",
  "home.avatarAlt": "{name}의 프로필 사진",
  "home.supporterCount": "후원자 {count}명",
  "home.supporterCountOne": "후원자 {count}명",
  "home.totalTipped": "누적 후원 {amount}",
  "home.emptyTitle": "찾는 창작자가 아직 없어요",
  "home.emptyBody": "다른 검색어나 분야로 찾아보세요.",
  "home.emptyReset": "모든 창작자 보기",

  "category.music": "음악",
  "category.art": "그림",
  "category.writing": "글",
  "category.webtoon": "웹툰",
  "category.streaming": "방송",
  "category.busking": "버스킹",

  "error.notFoundTitle": "페이지를 찾을 수 없어요",
  "error.notFoundBody": "주소가 바뀌었거나 없는 페이지예요. 주소를 다시 확인해 주세요.",
  "error.forbiddenTitle": "볼 수 없는 페이지예요",
  "error.forbiddenBody": "로그인했는지, 이 페이지에 접근할 권한이 있는지 확인해 주세요.",
  "error.tooManyTitle": "요청이 너무 많아요",
  "error.tooManyBody": "잠시 후 다시 시도해 주세요.",
  "error.genericTitle": "문제가 생겼어요",
  "error.genericBody": "잠시 후 다시 시도해 주세요.",
  "error.status": "오류 코드 {status}",
  "error.backHome": "홈으로 가기",
} as const;

export type MessageKey = keyof typeof ko;

const en: Record<MessageKey, string> = {
  "site.name": "소담 Sodam",
  "site.tagline": "Support creators",
  "site.description": "Send a small tip to the musicians, writers, streamers and buskers you love.",
  "nav.skipToContent": "Skip to content",
  "nav.language": "Language",
  "footer.line": "Sodam — small tips that keep creators creating.",

  "home.title": "소담 Sodam — Support creators",
  "home.heroTitle": "Small tips, big support",
  "home.heroLead": "Back the next work of a creator you love, one small tip at a time.",
  "home.searchLabel": "Search creators",
  "home.searchPlaceholder": "Find by name or @handle",
  "home.searchButton": "Search",
  "home.categories": "Categories",
  "home.allCategories": "All",
  "home.resultsHeading": "Creators",
  "home.resultsFor": "Results for “{query}”",
  "home.avatarAlt": "{name}’s avatar",
  "home.supporterCount": "{count} supporters",
  "home.supporterCountOne": "{count} supporter",
  "home.totalTipped": "{amount} tipped",
  "home.emptyTitle": "No creators match yet",
  "home.emptyBody": "Try another search or category.",
  "home.emptyReset": "See all creators",

  "category.music": "Music",
  "category.art": "Art",
  "category.writing": "Writing",
  "category.webtoon": "Webtoon",
  "category.streaming": "Streaming",
  "category.busking": "Busking",

  "error.notFoundTitle": "We couldn’t find that page",
  "error.notFoundBody": "The address may have changed or the page doesn’t exist. Please check the link.",
  "error.forbiddenTitle": "You can’t view this page",
  "error.forbiddenBody": "Check that you are signed in and allowed to see this page.",
  "error.tooManyTitle": "Too many requests",
  "error.tooManyBody": "Please wait a moment and try again.",
  "error.genericTitle": "Something went wrong",
  "error.genericBody": "Please try again in a moment.",
  "error.status": "Error {status}",
  "error.backHome": "Back to home",
};

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
