// Every tip the creator received, newest first: filters by status, kind and dates (a GET form), 20 a page, and
// the same selection as a CSV download.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";

import { creatorPageMeta, SelectField, TipsTable } from "~/components/dashboard";
import { Field } from "~/components/forms";
import { parseTipFilters, TIP_PURPOSES, TIP_STATUSES, TIPS_PAGE_SIZE } from "~/models/creator-forms.server";
import { listCreatorTips, type TipFilters } from "~/money/dashboard.server";
import { getDb } from "~/utils/db.server";
import { useT } from "~/utils/i18n";
import { requireCreator } from "~/utils/session.server";

export const meta = creatorPageMeta("dash.tips.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const { creator } = await requireCreator(request);
  const { filters, page } = parseTipFilters(new URL(request.url).searchParams);
  const result = await listCreatorTips(getDb(), { creatorId: creator.id, filters, page, pageSize: TIPS_PAGE_SIZE });
  return { ...result, filters, statuses: TIP_STATUSES, purposes: TIP_PURPOSES };
}

/** The query string of these filters (and a page), for pagination links and the CSV link. */
function query(filters: TipFilters, page?: number) {
  const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v) as [string, string][]);
  if (page && page > 1) params.set("page", String(page));
  const text = params.toString();
  return text ? `?${text}` : "";
}

export default function DashboardTips() {
  const { tips, total, page, pageSize, filters, statuses, purposes } = useLoaderData<typeof loader>();
  const translate = useT();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const filtered = Object.keys(filters).length > 0;
  const first = (page - 1) * pageSize + 1;
  const last = first + tips.length - 1;
  // A page past the end (an old link after tips were refunded away): say so and link back.
  const previous = Math.min(page - 1, pages);

  return (
    <>
      <div className="dash-section__head">
        <h1 className="dash__title">{translate("dash.tips.title")}</h1>
        <a href={`/dashboard/tips.csv${query(filters)}`} className="button button--ghost button--small" download>
          {translate("dash.export.tips")}
        </a>
      </div>

      <Form method="get" className="filters" aria-labelledby="filters-heading">
        <h2 id="filters-heading" className="visually-hidden">
          {translate("dash.filter.heading")}
        </h2>
        <SelectField
          label={translate("dash.filter.status")}
          name="status"
          defaultValue={filters.status ?? ""}
          options={[{ value: "", label: translate("dash.filter.all") }, ...statuses.map((s) => ({ value: s, label: translate(`dash.tipStatus.${s}`) }))]}
        />
        <SelectField
          label={translate("dash.filter.kind")}
          name="purpose"
          defaultValue={filters.purpose ?? ""}
          options={[{ value: "", label: translate("dash.filter.all") }, ...purposes.map((p) => ({ value: p, label: translate(`dash.purpose.${p}`) }))]}
        />
        <Field label={translate("dash.filter.from")} name="from" type="date" defaultValue={filters.from ?? ""} />
        <Field label={translate("dash.filter.to")} name="to" type="date" defaultValue={filters.to ?? ""} />
        <div className="filters__actions">
          <button type="submit" className="button">
            {translate("dash.filter.apply")}
          </button>
          {filtered ? (
            <Link to="/dashboard/tips" className="button button--ghost">
              {translate("dash.filter.reset")}
            </Link>
          ) : null}
        </div>
      </Form>

      <p className="muted" role="status">
        {tips.length
          ? translate("dash.tips.range", { first, last, total })
          : translate(total ? "dash.tips.pastEnd" : filtered ? "dash.tips.noMatch" : "dash.tips.none")}
      </p>

      {tips.length ? <TipsTable tips={tips} caption={<span className="visually-hidden">{translate("dash.tips.title")}</span>} /> : null}

      {pages > 1 || page > 1 ? (
        <nav className="pagination" aria-label={translate("dash.pagination.label")}>
          {page > 1 ? (
            <Link to={`/dashboard/tips${query(filters, previous)}`} rel="prev" className="button button--ghost">
              {translate("dash.pagination.previous")}
            </Link>
          ) : null}
          {page <= pages ? (
            <span className="pagination__current" aria-current="page">
              {translate("dash.pagination.page", { page, pages })}
            </span>
          ) : null}
          {page < pages ? (
            <Link to={`/dashboard/tips${query(filters, page + 1)}`} rel="next" className="button button--ghost">
              {translate("dash.pagination.next")}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}
