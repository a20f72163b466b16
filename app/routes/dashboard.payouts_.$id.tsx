// One payout's statement, `/dashboard/payouts/:id`: gross tips, Sodam's fee, adjustments, the Korean withholding
// and the net paid, the tips it covers, and every state it went through with its time. Printable (print styles in
// dashboard.css hide the site frame), so it serves as the creator's proof of income.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";

import { creatorPageMeta, StatusBadge } from "~/components/dashboard";
import { DateTime, Money } from "~/components/money";
import { getPayoutStatement } from "~/money/payout-statements.server";
import { getDb } from "~/utils/db.server";
import { useT, type MessageKey } from "~/utils/i18n";
import { requireCreator } from "~/utils/session.server";

export const meta = creatorPageMeta("stmt.title");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { creator } = await requireCreator(request);
  const statement = await getPayoutStatement(getDb(), { creatorId: creator.id, payoutId: params.id ?? "" });
  if (!statement) throw new Response("Not Found", { status: 404 });
  return { statement, creator: { handle: creator.handle, displayName: creator.displayName } };
}

/** The print button needs JavaScript; without it the page says how to print instead. */
function PrintButton() {
  const translate = useT();
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  if (!ready) return <p className="muted statement__print-hint">{translate("stmt.printHint")}</p>;
  return (
    <button type="button" className="button button--ghost button--small" onClick={() => window.print()}>
      {translate("stmt.print")}
    </button>
  );
}

export default function PayoutStatementPage() {
  const { statement, creator } = useLoaderData<typeof loader>();
  const translate = useT();
  const { payout } = statement;
  const currency = payout.currency;
  const rows: { key: string; label: string; amount: number; sign?: "−" | "+"; strong?: boolean }[] = [
    { key: "gross", label: translate("stmt.grossTips", { count: statement.tipCount }), amount: statement.grossTips },
    { key: "fee", label: translate("stmt.platformFee"), amount: statement.platformFee, sign: "−" },
    ...(statement.adjustments !== 0
      ? [{ key: "adjustments", label: translate("stmt.adjustments"), amount: Math.abs(statement.adjustments), sign: statement.adjustments < 0 ? ("−" as const) : ("+" as const) }]
      : []),
    { key: "payout", label: translate("stmt.payoutAmount"), amount: payout.amount, strong: true },
    { key: "incomeTax", label: translate("stmt.incomeTax"), amount: payout.withholding.incomeTax, sign: "−" },
    { key: "localTax", label: translate("stmt.localTax"), amount: payout.withholding.localTax, sign: "−" },
    { key: "net", label: translate("stmt.netPaid"), amount: payout.net, strong: true },
  ];

  return (
    <article className="statement" aria-labelledby="statement-title">
      <p className="dash__back statement__nav">
        <Link to="/dashboard/payouts">← {translate("stmt.back")}</Link>
      </p>
      <div className="dash-section__head">
        <h1 id="statement-title" className="dash__title">
          {translate("stmt.title")}
        </h1>
        <PrintButton />
      </div>

      <dl className="statement__facts">
        <div>
          <dt>{translate("stmt.creator")}</dt>
          <dd>
            {creator.displayName} (@{creator.handle})
          </dd>
        </div>
        <div>
          <dt>{translate("stmt.payoutId")}</dt>
          <dd className="statement__id">{payout.id}</dd>
        </div>
        <div>
          <dt>{translate("stmt.period")}</dt>
          <dd>{payout.period}</dd>
        </div>
        <div>
          <dt>{translate("stmt.status")}</dt>
          <dd>
            <StatusBadge kind="payout" status={payout.status} />
          </dd>
        </div>
      </dl>

      <section className="dash-section" aria-labelledby="summary-heading">
        <h2 id="summary-heading">{translate("stmt.summary")}</h2>
        <table className="statement__amounts">
          <tbody>
            {rows.map((row) => (
              <tr key={row.key} data-row={row.key} className={row.strong ? "is-total" : undefined}>
                <th scope="row">{row.label}</th>
                <td>
                  {row.sign && row.amount !== 0 ? `${row.sign} ` : null}
                  <Money amount={row.amount} currency={currency} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">{translate(payout.withholding.total > 0 ? "stmt.withholdingNote" : "stmt.noWithholding")}</p>
      </section>

      <section className="dash-section" aria-labelledby="history-heading">
        <h2 id="history-heading">{translate("stmt.history")}</h2>
        <ol className="statement__events">
          {statement.events.map((event) => (
            <li key={event.status} data-status={event.status}>
              <span className="statement__event">{translate(`stmt.event.${event.status}` as MessageKey)}</span> <DateTime iso={event.at} />
              {event.note ? <span className="payouts-table__reason">{event.note}</span> : null}
            </li>
          ))}
        </ol>
      </section>

      <section className="dash-section" aria-labelledby="tips-heading">
        <h2 id="tips-heading">{translate("stmt.tips")}</h2>
        {statement.tips.length ? (
          <table className="payouts-table statement__tips" role="table">
            <caption className="visually-hidden">{translate("stmt.tips")}</caption>
            <thead role="rowgroup">
              <tr role="row">
                <th scope="col" role="columnheader">{translate("stmt.col.date")}</th>
                <th scope="col" role="columnheader">{translate("stmt.col.supporter")}</th>
                <th scope="col" role="columnheader">{translate("stmt.col.kind")}</th>
                <th scope="col" role="columnheader">{translate("stmt.col.amount")}</th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {statement.tips.map((tip) => (
                <tr key={tip.id} role="row">
                  <td role="cell" data-label={translate("stmt.col.date")}>
                    <DateTime iso={tip.createdAt} />
                  </td>
                  <td role="cell" data-label={translate("stmt.col.supporter")}>
                    {tip.supporter ?? translate("stmt.anonymous")}
                  </td>
                  <td role="cell" data-label={translate("stmt.col.kind")}>
                    {translate(`stmt.kind.${tip.purpose}` as MessageKey)}
                    {tip.refunded ? <span className="muted"> · {translate("stmt.refunded")}</span> : null}
                  </td>
                  <td role="cell" data-label={translate("stmt.col.amount")}>
                    <Money amount={tip.amount} currency={currency} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">{translate("stmt.tipsEmpty")}</p>
        )}
        {statement.moreTips > 0 ? <p className="muted">{translate("stmt.moreTips", { count: statement.moreTips })}</p> : null}
      </section>
    </article>
  );
}
