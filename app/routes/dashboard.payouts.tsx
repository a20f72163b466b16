// Payouts: what is available, the automatic schedule, "pay me now", every payout with its status, notes about
// payouts that came back, and (with Stripe) the payout account that payouts go to.
import { data, redirect } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";

import { creatorPageMeta, StatusBadge, useFormatMoney } from "~/components/dashboard";
import { Notice } from "~/components/fan";
import { FormError, SubmitButton } from "~/components/forms";
import { DateTime, Money } from "~/components/money";
import { enqueuePayout } from "~/jobs/queues.server";
import { problemMessage } from "~/models/creator-forms.server";
import { getPayoutAccount, startConnectOnboarding } from "~/money/connect.server";
import { getCreatorEarnings } from "~/money/earnings.server";
import { listCreatorNotices } from "~/money/notices.server";
import { connectCountry, getPaymentProvider } from "~/money/payment-provider.server";
import { listCreatorPayouts, requestPayoutNow } from "~/money/payouts.server";
import { getDb } from "~/utils/db.server";
import { seoulDate } from "~/utils/seoul-time";
import { getLocale, useT } from "~/utils/i18n";
import { getLogger } from "~/utils/logger.server";
import { requireCreator } from "~/utils/session.server";
import { hasTwoFactor, requirePayoutSecondFactor } from "~/models/two-factor.server";

export const meta = creatorPageMeta("dash.payouts.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, creator } = await requireCreator(request);
  const db = getDb();
  // Only a real provider pays into a bank account; the test-mode provider needs none.
  const connect = Boolean(getPaymentProvider().connect);
  const [balances, payouts, notices, account, twoFactorOn] = await Promise.all([
    getCreatorEarnings(db, creator.id),
    listCreatorPayouts(db, creator.id),
    listCreatorNotices(db, creator.id, 10),
    connect ? getPayoutAccount(db, creator.id) : null,
    hasTwoFactor(db, user.id),
  ]);
  const thisYear = Number(seoulDate(new Date()).slice(0, 4));
  return {
    taxYears: [thisYear, thisYear - 1, thisYear - 2],
    currency: creator.currency,
    available: balances.find((b) => b.currency === creator.currency)?.available ?? 0,
    minimum: creator.payoutMinimum,
    schedule: creator.payoutSchedule,
    payouts,
    notices,
    twoFactor: !twoFactorOn ? ("setup" as const) : user.secondFactor ? ("ok" as const) : ("reauth" as const),
    payoutAccount: connect ? { ready: account?.ready ?? false, started: account !== null, detailsSubmitted: account?.detailsSubmitted ?? false } : null,
  };
}

/**
 * "Pay me now" reserves the whole available balance; the payouts worker sends it to the bank. "Set up payout
 * account" sends the creator to the provider's hosted onboarding, which returns to this page.
 */
export async function action({ request }: ActionFunctionArgs) {
  const { user, creator } = await requireCreator(request);
  const locale = getLocale(request);
  const intent = (await request.formData()).get("intent");
  try {
    // Both moving money out and choosing where it goes need two-factor on and proved by this sign-in.
    await requirePayoutSecondFactor(getDb(), user);
    if (intent === "connect") {
      const here = `${new URL(request.url).origin}/dashboard/payouts`;
      const link = await startConnectOnboarding(getDb(), getPaymentProvider(), {
        creator,
        email: user.email,
        country: connectCountry(),
        returnUrl: `${here}?connect=return`,
        refreshUrl: `${here}?connect=refresh`,
      });
      return redirect(link.url);
    }
    const payout = await requestPayoutNow(getDb(), creator.id);
    // With Redis away the payout is still reserved, and the workers' resume job sends it later.
    await enqueuePayout(payout.id).catch((err) => getLogger().warn({ err, payout: payout.id }, "payout enqueue deferred"));
    return redirect(`/dashboard/payouts?requested=${payout.id}`);
  } catch (error) {
    const problem = problemMessage(locale, error);
    return data({ formError: problem.message, code: problem.code }, { status: problem.status });
  }
}

/** Notes the money code writes for creators (app/money/notices.server.ts) that have a sentence in both languages. */
const NOTICE_KINDS = ["payout_failed", "payout_reversed", "bank_payout_failed", "payout_stuck"] as const;
const isNoticeKind = (kind: string): kind is (typeof NOTICE_KINDS)[number] => (NOTICE_KINDS as readonly string[]).includes(kind);

export default function DashboardPayouts() {
  const { currency, available, minimum, schedule, payouts, notices, payoutAccount, twoFactor, taxYears } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const translate = useT();
  const money = useFormatMoney();
  const requested = payouts.find((p) => p.id === params.get("requested"));
  const connectReturn = params.get("connect");

  return (
    <>
      <div className="dash-section__head">
        <h1 className="dash__title">{translate("dash.payouts.title")}</h1>
        <a href="/dashboard/payouts.csv" className="button button--ghost button--small" download>
          {translate("dash.export.payouts")}
        </a>
      </div>
      {requested ? (
        <Notice>{translate("dash.payouts.requested", { amount: money(requested.amount, requested.currency) })}</Notice>
      ) : null}
      {connectReturn === "return" || connectReturn === "refresh" ? (
        <Notice tone={connectReturn === "return" ? "success" : "warning"}>
          {translate(connectReturn === "return" ? "dash.account.returned" : "dash.account.expired")}
        </Notice>
      ) : null}

      {twoFactor !== "ok" ? (
        <Notice tone="warning">
          <p>{translate(twoFactor === "setup" ? "twoFactor.required" : "twoFactor.reauth")}</p>
          {twoFactor === "setup" ? (
            <p>
              <Link to="/account/security">{translate("twoFactor.setupLink")}</Link>
            </p>
          ) : null}
        </Notice>
      ) : null}

      {payoutAccount && !payoutAccount.ready ? (
        <section className="dash-section" aria-labelledby="account-heading">
          <h2 id="account-heading">{translate("dash.account.heading")}</h2>
          <p>{translate(payoutAccount.detailsSubmitted ? "dash.account.reviewing" : "dash.account.needed")}</p>
          <Form method="post">
            <SubmitButton name="intent" value="connect" pendingLabel={translate("dash.account.opening")}>
              {translate(payoutAccount.started ? "dash.account.continue" : "dash.account.start")}
            </SubmitButton>
          </Form>
        </section>
      ) : null}

      <section className="dash-section payout-now" aria-labelledby="pay-now-heading">
        <h2 id="pay-now-heading">{translate("dash.payouts.available")}</h2>
        <p className="payout-now__amount">
          <Money amount={available} currency={currency} />
        </p>
        <p className="muted">
          {translate("dash.payouts.rules", { minimum: money(minimum, currency), schedule: translate(`creator.schedule.${schedule}`) })}{" "}
          <Link to="/dashboard/settings#payouts">{translate("dash.payouts.change")}</Link>
        </p>
        <Form method="post" className="payout-now__form">
          <FormError message={actionData?.formError} />
          <SubmitButton name="intent" value="payNow" pendingLabel={translate("dash.payouts.payNowPending")}>
            {translate("dash.payouts.payNow")}
          </SubmitButton>
          <p className="field__hint">{translate("dash.payouts.payNowHint")}</p>
        </Form>
      </section>

      {notices.length ? (
        <section className="dash-section" aria-labelledby="notices-heading">
          <h2 id="notices-heading">{translate("dash.notices.heading")}</h2>
          <ul className="notices">
            {notices.map((notice) => (
              <li key={notice.id}>
                <DateTime iso={notice.createdAt} dateOnly />{" "}
                {isNoticeKind(notice.kind) ? translate(`dash.notices.${notice.kind}`) : notice.message}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="dash-section" aria-labelledby="history-heading">
        <h2 id="history-heading">{translate("dash.payouts.history")}</h2>
        {payouts.length ? (
          <table className="payouts-table" role="table">
            <caption className="visually-hidden">{translate("dash.payouts.history")}</caption>
            <thead role="rowgroup">
              <tr role="row">
                <th scope="col" role="columnheader">{translate("dash.payouts.col.requested")}</th>
                <th scope="col" role="columnheader">{translate("dash.payouts.col.amount")}</th>
                <th scope="col" role="columnheader">{translate("dash.payouts.col.status")}</th>
                <th scope="col" role="columnheader">{translate("dash.payouts.col.paid")}</th>
                <th scope="col" role="columnheader">{translate("stmt.col.net")}</th>
                <th scope="col" role="columnheader">{translate("stmt.col.statement")}</th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {payouts.map((payout) => (
                <tr key={payout.id} role="row" data-payout-id={payout.id}>
                  <td role="cell" data-label={translate("dash.payouts.col.requested")}>
                    <DateTime iso={payout.createdAt} />
                  </td>
                  <td role="cell" data-label={translate("dash.payouts.col.amount")}>
                    <Money amount={payout.amount} currency={payout.currency} />
                  </td>
                  <td role="cell" data-label={translate("dash.payouts.col.status")}>
                    <StatusBadge kind="payout" status={payout.status} />
                    {payout.failureReason ? <span className="payouts-table__reason">{payout.failureReason}</span> : null}
                  </td>
                  <td role="cell" data-label={translate("dash.payouts.col.paid")}>
                    {payout.paidAt ? <DateTime iso={payout.paidAt} /> : <span className="muted">—</span>}
                  </td>
                  <td role="cell" data-label={translate("stmt.col.net")}>
                    <Money amount={payout.net} currency={payout.currency} />
                  </td>
                  <td role="cell" data-label={translate("stmt.col.statement")}>
                    <Link to={`/dashboard/payouts/${payout.id}`}>{translate("stmt.view")}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">{translate("dash.payouts.none")}</p>
        )}
      </section>

      <section className="dash-section" aria-labelledby="tax-export-heading">
        <h2 id="tax-export-heading">{translate("stmt.taxExport.heading")}</h2>
        <p className="muted">{translate("stmt.taxExport.lead")}</p>
        <form method="get" action="/dashboard/tax-statement.csv" className="dash-form tax-export">
          <label htmlFor="tax-year">{translate("stmt.taxExport.year")}</label>{" "}
          <select id="tax-year" name="year" defaultValue={taxYears[0]}>
            {taxYears.map((year) => (
              <option key={year} value={year}>
                {year}
              </option>
            ))}
          </select>{" "}
          <button type="submit" className="button button--ghost button--small">
            {translate("stmt.taxExport.download")}
          </button>
        </form>
      </section>
    </>
  );
}
