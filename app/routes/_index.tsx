// Home: the pitch, search by name or handle, category chips, and a grid of creators to tip.

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";

import { safeImageUrl } from "~/components/fan";
import { formatMoney } from "~/money/currency";
import { listCreatorsForHome } from "~/models/creators.server";
import { getDb } from "~/utils/db.server";
import { isLocale, t, toIntlLocale, useLocale } from "~/utils/i18n";
import type { Locale, MessageKey } from "~/utils/i18n";

// Kept here because the component needs them in the browser and the model module is server-only.
const CATEGORIES = ["music", "art", "writing", "webtoon", "streaming", "busking"] as const;
type Category = (typeof CATEGORIES)[number];

const MAX_QUERY_LENGTH = 100;
const BIO_PREVIEW_CHARS = 120;

function isCategory(value: unknown): value is Category {
  return typeof value === "string" && (CATEGORIES as readonly string[]).includes(value);
}

function categoryLabel(locale: Locale, category: Category) {
  return t(locale, `category.${category}` satisfies MessageKey);
}

export async function loader({ request }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  const query = params.get("q")?.trim().slice(0, MAX_QUERY_LENGTH) || undefined;
  const categoryParam = params.get("category");
  const category = isCategory(categoryParam) ? categoryParam : undefined;

  // Fans type handles as they see them, "@haneul"; the stored handle has no "@".
  const search = query?.replace(/^@+/, "") || undefined;
  const creators = await listCreatorsForHome(getDb(), { query: search, category, limit: 24 });
  return { creators, query: query ?? "", category: category ?? null };
}

export const meta: MetaFunction<typeof loader> = ({ matches }) => {
  const rootData = matches.find((match) => match.id === "root")?.data as { locale?: unknown } | undefined;
  const locale: Locale = isLocale(rootData?.locale) ? rootData.locale : "ko";
  return [
    { title: t(locale, "home.title") },
    { name: "description", content: t(locale, "site.description") },
    { property: "og:title", content: t(locale, "home.title") },
    { property: "og:description", content: t(locale, "site.description") },
  ];
};

/** A link to the home page with this search and category, dropping whichever is empty. */
function homeHref(query: string, category: Category | null) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  if (category) params.set("category", category);
  const search = params.toString();
  return search ? `/?${search}` : "/";
}

/** Shortens text to `max` characters without splitting an emoji or a Hangul syllable's surrogate pair. */
function preview(text: string, max: number) {
  const chars = Array.from(text.trim());
  return chars.length <= max ? chars.join("") : `${chars.slice(0, max - 1).join("").trimEnd()}…`;
}

export default function Home() {
  const { creators, query, category } = useLoaderData<typeof loader>();
  const locale = useLocale();
  const intlLocale = toIntlLocale(locale);
  const numbers = new Intl.NumberFormat(intlLocale);
  const activeCategory = isCategory(category) ? category : null;

  const heading = query
    ? t(locale, "home.resultsFor", { query })
    : activeCategory
      ? categoryLabel(locale, activeCategory)
      : t(locale, "home.resultsHeading");

  return (
    <>
      <section className="hero">
        <div className="container">
          <h1 className="hero__title">{t(locale, "home.heroTitle")}</h1>
          <p className="hero__lead">{t(locale, "home.heroLead")}</p>

          <Form method="get" action="/" role="search" className="search">
            <label htmlFor="home-search" className="visually-hidden">
              {t(locale, "home.searchLabel")}
            </label>
            <input
              id="home-search"
              type="search"
              name="q"
              defaultValue={query}
              key={query}
              placeholder={t(locale, "home.searchPlaceholder")}
              maxLength={MAX_QUERY_LENGTH}
              autoComplete="off"
              enterKeyHint="search"
              className="search__input"
            />
            {activeCategory ? <input type="hidden" name="category" value={activeCategory} /> : null}
            <button type="submit" className="button search__button">
              {t(locale, "home.searchButton")}
            </button>
          </Form>

          <nav aria-label={t(locale, "home.categories")}>
            <ul className="chips">
              <li>
                <Link
                  to={homeHref(query, null)}
                  className={activeCategory ? "chip" : "chip is-active"}
                  aria-current={activeCategory ? undefined : "true"}
                >
                  {t(locale, "home.allCategories")}
                </Link>
              </li>
              {CATEGORIES.map((option) => (
                <li key={option}>
                  <Link
                    to={homeHref(query, option)}
                    className={option === activeCategory ? "chip is-active" : "chip"}
                    aria-current={option === activeCategory ? "true" : undefined}
                  >
                    {categoryLabel(locale, option)}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        </div>
      </section>

      <section className="container creators" aria-labelledby="creators-heading">
        <h2 id="creators-heading" className="creators__heading">
          {heading}
        </h2>

        {creators.length === 0 ? (
          <div className="empty-state" role="status">
            <p className="empty-state__title">{t(locale, "home.emptyTitle")}</p>
            <p>{t(locale, "home.emptyBody")}</p>
            {query || activeCategory ? (
              <p>
                <Link to="/" className="button button--ghost">
                  {t(locale, "home.emptyReset")}
                </Link>
              </p>
            ) : null}
          </div>
        ) : (
          <ul className="creator-grid">
            {creators.map((creator) => {
              const avatar = safeImageUrl(creator.avatarUrl);
              const supporters = t(
                locale,
                creator.supporterCount === 1 ? "home.supporterCountOne" : "home.supporterCount",
                { count: numbers.format(creator.supporterCount) },
              );
              return (
                <li key={creator.handle}>
                  <Link to={`/@${encodeURIComponent(creator.handle)}`} className="creator-card">
                    <div className="creator-card__top">
                      {avatar ? (
                        <img
                          className="avatar"
                          src={avatar}
                          alt={t(locale, "home.avatarAlt", { name: creator.displayName })}
                          width={56}
                          height={56}
                          loading="lazy"
                          decoding="async"
                        />
                      ) : (
                        <span className="avatar avatar--initial" aria-hidden="true">
                          {Array.from(creator.displayName.trim())[0] ?? "?"}
                        </span>
                      )}
                      <div className="creator-card__names">
                        <h3 className="creator-card__name">{creator.displayName}</h3>
                        <p className="creator-card__handle">@{creator.handle}</p>
                      </div>
                    </div>
                    <span className={`badge badge--${creator.category}`}>
                      {isCategory(creator.category) ? categoryLabel(locale, creator.category) : creator.category}
                    </span>
                    {creator.bio ? <p className="creator-card__bio">{preview(creator.bio, BIO_PREVIEW_CHARS)}</p> : null}
                    <p className="creator-card__stats">
                      <span>{supporters}</span>
                      <span aria-hidden="true">·</span>
                      <span>
                        {t(locale, "home.totalTipped", {
                          amount: formatMoney(creator.totalTipped, creator.currency, intlLocale),
                        })}
                      </span>
                    </p>
                  </Link>
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </>
  );
}
