// The admin review queue, `/admin/review`: tips a fraud rule held, with its reasons. Approve sends a tip on to
// settlement; refund gives the money back (app/money/refunds.server.ts). Both are written to the audit log.
import { data, redirect } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";

import { creatorPageMeta } from "~/components/dashboard";
import { Notice } from "~/components/fan";
import { FormError, SubmitButton } from "~/components/forms";
import { DateTime, Money } from "~/components/money";
import { getPaymentProvider } from "~/money/payment-provider.server";
import { relayTipEventsSoon } from "~/jobs/relay.server";
import { approveHeldTip, listHeldTips, refundTipAsAdmin } from "~/money/review.server";
import { getDb } from "~/utils/db.server";
import { describeProblem } from "~/utils/form-problems.server";
import { parseForm } from "~/utils/forms.server";
import { getLocale, messages, useT, type MessageKey } from "~/utils/i18n";
import { getLogger } from "~/utils/logger.server";
import { Problem } from "~/utils/problem.server";
import { requireAdmin } from "~/utils/session.server";

export const meta = creatorPageMeta("admin.review.heading");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  return { tips: await listHeldTips(getDb()) };
}

const Decision = z.object({ intent: z.enum(["approve", "refund"]), tipId: z.uuid() });

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireAdmin(request);
  const locale = getLocale(request);
  const form = await parseForm(request, Decision);
  if (!form.ok) throw new Response("Bad request", { status: 400 });
  const { intent, tipId } = form.data;
  try {
    if (intent === "approve") {
      await approveHeldTip(getDb(), { tipId, adminId: admin.id });
      relayTipEventsSoon();
    }
    else await refundTipAsAdmin(getDb(), getPaymentProvider(), { tipId, adminId: admin.id });
    getLogger().info({ admin: admin.id, tip: tipId, intent }, "admin reviewed a held tip");
    return redirect(`/admin/review?done=${intent === "approve" ? "approved" : "refunded"}`);
  } catch (error) {
    if (error instanceof Problem && error.status < 500) {
      const failed = describeProblem(locale, error);
      return data({ formError: failed.formError, tipId }, { status: failed.status });
    }
    throw error;
  }
}

const isReasonKey = (key: string): key is MessageKey => Object.prototype.hasOwnProperty.call(messages.ko, key);

export default function AdminReview() {
  const { tips } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const [params] = useSearchParams();
  const translate = useT();
  const done = params.get("done");
  return (
    <div className="container admin-page">
      <h1 className="page-title">{translate("admin.review.heading")}</h1>
      <p className="muted">{translate("admin.review.lead")}</p>
      {done === "approved" || done === "refunded" ? <Notice>{translate(done === "approved" ? "admin.review.approved" : "admin.review.refunded")}</Notice> : null}
      <FormError message={failed?.formError} />
      {tips.length ? (
        <table className="payouts-table admin-table">
          <caption className="visually-hidden">{translate("admin.review.heading")}</caption>
          <thead>
            <tr>
              <th scope="col">{translate("admin.review.col.when")}</th>
              <th scope="col">{translate("admin.review.col.creator")}</th>
              <th scope="col">{translate("admin.review.col.fan")}</th>
              <th scope="col">{translate("admin.review.col.amount")}</th>
              <th scope="col">{translate("admin.review.col.reasons")}</th>
              <th scope="col">{translate("admin.review.col.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {tips.map((tip) => (
              <tr key={tip.id} data-tip-id={tip.id}>
                <td data-label={translate("admin.review.col.when")}>
                  <DateTime iso={tip.createdAt} />
                </td>
                <td data-label={translate("admin.review.col.creator")}>
                  <Link to={`/@${tip.creatorHandle}`}>@{tip.creatorHandle}</Link>
                </td>
                <td data-label={translate("admin.review.col.fan")}>{tip.fanEmail ?? translate("admin.review.guest")}</td>
                <td data-label={translate("admin.review.col.amount")}>
                  <Money amount={tip.amount} currency={tip.currency} />
                </td>
                <td data-label={translate("admin.review.col.reasons")}>
                  <ul className="admin-reasons">
                    {tip.reasons.map((reason) => {
                      const key = `admin.reason.${reason}`;
                      return (
                        <li key={reason} data-reason={reason}>
                          {isReasonKey(key) ? translate(key) : reason}
                        </li>
                      );
                    })}
                  </ul>
                </td>
                <td data-label={translate("admin.review.col.actions")}>
                  <Form method="post" className="admin-actions">
                    <input type="hidden" name="tipId" value={tip.id} />
                    <SubmitButton name="intent" value="approve" className="button button--small">
                      {translate("admin.review.approve")}
                    </SubmitButton>{" "}
                    <SubmitButton name="intent" value="refund" className="button button--ghost button--small">
                      {translate("admin.review.refund")}
                    </SubmitButton>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">{translate("admin.review.none")}</p>
      )}
      <p>
        <Link to="/admin/audit">{translate("admin.review.auditLink")}</Link> · <Link to="/admin/queues">{translate("admin.queues.link")}</Link>
      </p>
    </div>
  );
}
