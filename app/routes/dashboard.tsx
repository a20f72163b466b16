// The creator dashboard's frame: who is signed in as which creator, and the sub-navigation. Each page below
// guards itself with requireCreator too (loaders run in parallel, so the layout's check protects nothing alone).
import type { HeadersFunction, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, NavLink, Outlet, useLoaderData } from "@remix-run/react";

import { dashboardStyles } from "~/components/dashboard";
import { useT, type MessageKey } from "~/utils/i18n";
import { requireCreator } from "~/utils/session.server";

export const links: LinksFunction = () => dashboardStyles;

// Balances and supporters' names are private: no shared cache may keep these pages.
export const headers: HeadersFunction = () => ({ "Cache-Control": "private, no-store" });

export async function loader({ request }: LoaderFunctionArgs) {
  const { creator } = await requireCreator(request);
  return { handle: creator.handle, displayName: creator.displayName };
}

const SECTIONS: { to: string; label: MessageKey; end?: boolean }[] = [
  { to: "/dashboard", label: "dash.nav.overview", end: true },
  { to: "/dashboard/tips", label: "dash.nav.tips" },
  { to: "/dashboard/payouts", label: "dash.nav.payouts" },
  { to: "/dashboard/posts", label: "dash.nav.posts" },
  { to: "/dashboard/share", label: "share.nav" },
  { to: "/dashboard/developers", label: "dash.nav.developers" },
  { to: "/dashboard/settings", label: "dash.nav.settings" },
];

export default function DashboardLayout() {
  const { handle, displayName } = useLoaderData<typeof loader>();
  const translate = useT();
  return (
    <div className="dash container">
      <div className="dash__bar">
        <p className="dash__who">
          <span className="dash__name">{displayName}</span> <span className="dash__handle">@{handle}</span>
        </p>
        <Link to={`/@${handle}`} className="dash__public">
          {translate("dash.viewPage")}
        </Link>
      </div>
      <nav className="dash-nav" aria-label={translate("dash.nav.label")}>
        <ul>
          {SECTIONS.map((section) => (
            <li key={section.to}>
              <NavLink to={section.to} end={section.end} className="dash-nav__link" prefetch="intent">
                {translate(section.label)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}
