// The audit log, `/admin/audit`: every admin action that moved money (approving a held tip, refunding a tip from
// the review queue or the admin API), newest first. The table is append-only in the database.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { creatorPageMeta } from "~/components/dashboard";
import { DateTime, Money } from "~/components/money";
import { listAdminActions } from "~/money/review.server";
import { getDb } from "~/utils/db.server";
import { useT } from "~/utils/i18n";
import { requireAdmin } from "~/utils/session.server";

export const meta = creatorPageMeta("admin.audit.heading");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  return { entries: await listAdminActions(getDb()) };
}

export default function AdminAudit() {
  const { entries } = useLoaderData<typeof loader>();
  const translate = useT();
  return (
    <div className="container admin-page">
      <h1 className="page-title">{translate("admin.audit.heading")}</h1>
      <p className="muted">{translate("admin.audit.lead")}</p>
      {entries.length ? (
        <table className="payouts-table admin-table">
          <caption className="visually-hidden">{translate("admin.audit.heading")}</caption>
          <thead>
            <tr>
              <th scope="col">{translate("admin.audit.col.when")}</th>
              <th scope="col">{translate("admin.audit.col.admin")}</th>
              <th scope="col">{translate("admin.audit.col.action")}</th>
              <th scope="col">{translate("admin.audit.col.tip")}</th>
              <th scope="col">{translate("admin.audit.col.amount")}</th>
              <th scope="col">{translate("admin.audit.col.outcome")}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id} data-audit-action={entry.action} data-tip-id={entry.tipId ?? ""}>
                <td data-label={translate("admin.audit.col.when")}>
                  <DateTime iso={entry.createdAt} />
                </td>
                <td data-label={translate("admin.audit.col.admin")}>{entry.adminEmail}</td>
                <td data-label={translate("admin.audit.col.action")}>{translate(`admin.audit.action.${entry.action}`)}</td>
                <td data-label={translate("admin.audit.col.tip")}>
                  {entry.tipId ? <Link to={`/receipts/${entry.tipId}`}>{entry.tipId.slice(0, 8)}</Link> : "—"}
                </td>
                <td data-label={translate("admin.audit.col.amount")}>
                  {entry.amount !== null && entry.currency ? <Money amount={entry.amount} currency={entry.currency} /> : "—"}
                </td>
                <td data-label={translate("admin.audit.col.outcome")}>{entry.outcome}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">{translate("admin.audit.none")}</p>
      )}
      <p>
        <Link to="/admin/review">{translate("admin.audit.reviewLink")}</Link>
      </p>
    </div>
  );
}
