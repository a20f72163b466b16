// The document and site shell: header with the wordmark, the language switch and the account links (sign in /
// sign up, or wallet, dashboard and sign out), footer, and the friendly error page.

import { data } from "@remix-run/node";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";

import { Money } from "~/components/money";
import { getCreatorByUserId } from "~/models/creators.server";
import { getWalletBalances } from "~/money/payments.server";
import { getDb } from "~/utils/db.server";
import { getSessionUser } from "~/utils/session.server";
import { getLocale, isLocale, LOCALES, localeCookieFor, t, useLocale, useT } from "~/utils/i18n";
import { useNonce } from "~/utils/nonce";
import type { Locale } from "~/utils/i18n";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: "/styles.css" },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const locale = getLocale(request);
  // Remember a language picked with `?lang=` so it survives the next link or search.
  const cookie = localeCookieFor(request);
  const user = await getSessionUser(request);
  const [creator, balances] = user
    ? await Promise.all([getCreatorByUserId(getDb(), user.id), getWalletBalances(getDb(), user.id)])
    : [null, []];
  // The header shows one balance: the won wallet, else whichever the fan has.
  const wallet = balances.find((b) => b.currency === "KRW") ?? balances[0] ?? null;
  const account = user
    ? { displayName: user.displayName, isCreator: creator !== null, handle: creator?.handle ?? null, isAdmin: user.role === "admin", wallet }
    : null;
  return data({ locale, account }, cookie ? { headers: { "Set-Cookie": cookie } } : undefined);
}

export const meta: MetaFunction = ({ data: rootData, error, location }) => {
  // Same fallback as useLocale: without loader data (an unmatched URL), `?lang=` still counts.
  const candidate = (rootData as { locale?: unknown } | undefined)?.locale ?? new URLSearchParams(location.search).get("lang");
  const locale: Locale = isLocale(candidate) ? candidate : "ko";
  if (error) {
    const notFound = isRouteErrorResponse(error) && error.status === 404;
    return [{ title: `${t(locale, notFound ? "error.notFoundTitle" : "error.genericTitle")} · 소담 Sodam` }];
  }
  return [
    { title: `${t(locale, "site.name")} — ${t(locale, "site.tagline")}` },
    { name: "description", content: t(locale, "site.description") },
  ];
};

const LANGUAGE_NAMES: Record<Locale, string> = { ko: "한국어", en: "English" };

/** Links to the current page in each language, keeping the rest of the query (search, category). */
function LanguageSwitch() {
  const locale = useLocale();
  const translate = useT();
  const location = useLocation();
  return (
    <nav className="lang-switch" aria-label={translate("nav.language")}>
      {LOCALES.map((option) => {
        const params = new URLSearchParams(location.search);
        // `?index` is how a form posts to an index route; it means nothing in a link.
        params.delete("index");
        params.set("lang", option);
        const current = option === locale;
        return (
          <Link
            key={option}
            to={`${location.pathname}?${params.toString()}`}
            lang={option}
            hrefLang={option}
            aria-current={current ? "true" : undefined}
            className={current ? "lang-switch__link is-current" : "lang-switch__link"}
            preventScrollReset
          >
            {LANGUAGE_NAMES[option]}
          </Link>
        );
      })}
    </nav>
  );
}

type RootData = Awaited<ReturnType<typeof loader>>["data"];

/** Sign in / sign up for guests; the wallet, the creator's dashboard and sign out for signed-in people. */
function AccountNav() {
  const translate = useT();
  const location = useLocation();
  const root = useRouteLoaderData("root") as RootData | undefined;
  const account = root?.account;
  if (!account) {
    const search = new URLSearchParams(location.search);
    search.delete("index");
    const here = location.pathname + (search.size ? `?${search.toString()}` : "");
    const back = location.pathname === "/login" || location.pathname === "/signup" || here === "/" ? "" : `?redirectTo=${encodeURIComponent(here)}`;
    return (
      <nav className="account-nav" aria-label={translate("fan.nav.account")}>
        <Link to={`/login${back}`} className="account-nav__link">
          {translate("fan.nav.signIn")}
        </Link>
        <Link to={`/signup${back}`} className="account-nav__link account-nav__link--primary">
          {translate("fan.nav.signUp")}
        </Link>
      </nav>
    );
  }
  return (
    <nav className="account-nav" aria-label={translate("fan.nav.account")}>
      <Link to="/wallet" className="account-nav__link" aria-current={location.pathname === "/wallet" ? "page" : undefined}>
        {translate("fan.nav.wallet")}
        {account.wallet ? (
          <>
            {" "}
            <span className="account-nav__balance" data-testid="header-balance">
              <Money amount={account.wallet.balance} currency={account.wallet.currency} />
            </span>
          </>
        ) : null}
      </Link>
      {account.isCreator && account.handle ? (
        <>
          <Link to={`/@${account.handle}`} className="account-nav__link">
            {translate("fan.nav.myPage")}
          </Link>
          <Link to="/dashboard" className="account-nav__link">
            {translate("fan.nav.dashboard")}
          </Link>
        </>
      ) : null}
      {account.isAdmin ? (
        <Link to="/admin/review" className="account-nav__link">
          {translate("admin.nav")}
        </Link>
      ) : null}
      <Link to="/account/security" className="account-nav__link" aria-current={location.pathname === "/account/security" ? "page" : undefined}>
        {translate("security.nav")}
      </Link>
      <Form method="post" action="/logout" className="account-nav__signout">
        <button type="submit" className="account-nav__link account-nav__button">
          {translate("fan.nav.signOut")}
        </button>
      </Form>
    </nav>
  );
}

/** Pages shown inside other sites (the tip and goal widgets) get the document without the site's header and footer. */
export interface BareHandle {
  bare?: boolean;
}

function DocumentHead() {
  return (
    <head>
      <meta charSet="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="color-scheme" content="light dark" />
      <meta name="theme-color" content="#e8603c" />
      <Meta />
      <Links />
    </head>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const locale = useLocale();
  const nonce = useNonce();
  const bare = useMatches().some((match) => (match.handle as BareHandle | undefined)?.bare === true);
  if (bare) {
    return (
      <html lang={locale}>
        <DocumentHead />
        <body className="bare">
          <main id="main">{children}</main>
          <Scripts nonce={nonce} />
        </body>
      </html>
    );
  }
  return (
    <html lang={locale}>
      <DocumentHead />
      <body>
        <a className="skip-link" href="#main">
          {t(locale, "nav.skipToContent")}
        </a>
        <header className="site-header">
          <div className="container site-header__inner">
            <Link to="/" className="wordmark">
              <span className="wordmark__ko">소담</span> <span className="wordmark__en">Sodam</span>
            </Link>
            <LanguageSwitch />
            <AccountNav />
          </div>
        </header>
        <main id="main" className="site-main" tabIndex={-1}>
          {children}
        </main>
        <footer className="site-footer">
          <div className="container">
            <p>{t(locale, "footer.line")}</p>
          </div>
        </footer>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const translate = useT();

  let title = translate("error.genericTitle");
  let body = translate("error.genericBody");
  let status: number | undefined;

  if (isRouteErrorResponse(error)) {
    status = error.status;
    if (error.status === 404) {
      title = translate("error.notFoundTitle");
      body = translate("error.notFoundBody");
    } else if (error.status === 401 || error.status === 403) {
      title = translate("error.forbiddenTitle");
      body = translate("error.forbiddenBody");
    } else if (error.status === 429) {
      title = translate("error.tooManyTitle");
      body = translate("error.tooManyBody");
    }
  }
  // Thrown errors (not responses) are logged on the server; their messages are not for fans.

  return (
    <div className="container error-page">
      <p className="error-page__mark" aria-hidden="true">
        {status === 404 ? "404" : "!"}
      </p>
      <h1>{title}</h1>
      <p>{body}</p>
      {status && status !== 404 ? <p className="error-page__status">{translate("error.status", { status })}</p> : null}
      <p>
        <Link to="/" className="button">
          {translate("error.backHome")}
        </Link>
      </p>
    </div>
  );
}
