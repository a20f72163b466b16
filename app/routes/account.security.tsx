// Account security, `/account/security`, for every signed-in account: two-factor authentication (enrol with an
// authenticator app — QR code and otpauth:// address — then recovery codes shown once; regenerate; turn off), signing
// out everywhere, and the way to a new password. Creators need two-factor on before payouts.
import { data, redirect } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import QRCode from "qrcode";
import { z } from "zod";

import { creatorPageMeta } from "~/components/dashboard";
import { Notice } from "~/components/fan";
import { Field, SubmitButton } from "~/components/forms";
import {
  cancelTwoFactorEnrolment,
  confirmTwoFactor,
  disableTwoFactor,
  getTwoFactorStatus,
  regenerateRecoveryCodes,
  startTwoFactorEnrolment,
} from "~/models/two-factor.server";
import { getDb } from "~/utils/db.server";
import { parseForm } from "~/utils/forms.server";
import { getLocale, t, useT } from "~/utils/i18n";
import { Problem } from "~/utils/problem.server";
import { markSessionSecondFactor, requireUser } from "~/utils/session.server";

export const meta = creatorPageMeta("security.heading");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const status = await getTwoFactorStatus(getDb(), user.id);
  const qr = status.pending ? await QRCode.toDataURL(status.pending.uri, { margin: 1, width: 220 }) : null;
  return { email: user.email, enabled: status.enabled, pending: status.pending, qr, recoveryCodesLeft: status.recoveryCodesLeft };
}

const SecurityForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("start") }),
  z.object({ intent: z.literal("cancel") }),
  z.object({ intent: z.enum(["confirm", "disable", "regenerate"]), code: z.string().trim().min(1, "fan.error.required").max(20, "fan.error.tooLong") }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const locale = getLocale(request);
  const form = await parseForm(request, SecurityForm);
  if (!form.ok) return data({ intent: form.values.intent ?? "", codeError: t(locale, "security.badCode"), recoveryCodes: null }, { status: 422 });
  const db = getDb();
  const input = form.data;
  try {
    switch (input.intent) {
      case "start":
        await startTwoFactorEnrolment(db, user.id);
        return redirect("/account/security#two-factor");
      case "cancel":
        await cancelTwoFactorEnrolment(db, user.id);
        return redirect("/account/security");
      case "confirm": {
        const recoveryCodes = await confirmTwoFactor(db, user.id, input.code);
        // The code was just proved on this session: it counts as a second-factor sign-in.
        await markSessionSecondFactor(request);
        return data({ intent: "confirm", codeError: null, recoveryCodes });
      }
      case "regenerate":
        return data({ intent: "regenerate", codeError: null, recoveryCodes: await regenerateRecoveryCodes(db, user.id, input.code) });
      case "disable":
        await disableTwoFactor(db, user.id, input.code);
        return redirect("/account/security?done=disabled");
    }
  } catch (error) {
    if (error instanceof Problem && error.status < 500) {
      return data({ intent: input.intent, codeError: error.code === "invalid_code" ? t(locale, "security.badCode") : error.detail, recoveryCodes: null }, { status: error.status });
    }
    throw error;
  }
}

export default function AccountSecurity() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const translate = useT();
  const errorFor = (intent: string) => (result?.intent === intent && result.codeError ? { code: [result.codeError] } : undefined);

  return (
    <div className="container security-page">
      <h1 className="page-title">{translate("security.heading")}</h1>
      {params.get("done") === "disabled" ? <Notice>{translate("security.disabled")}</Notice> : null}

      <section className="panel dash-section" aria-labelledby="two-factor">
        <h2 id="two-factor" tabIndex={-1}>
          {translate("security.twoFactor")}
        </h2>
        <p className="muted">{translate("security.twoFactorLead")}</p>
        <p data-two-factor={page.enabled ? "on" : "off"}>
          <strong>{translate(page.enabled ? "security.twoFactorOn" : "security.twoFactorOff")}</strong>
        </p>

        {result?.recoveryCodes ? (
          <div className="recovery-codes" role="status">
            {result.intent === "confirm" ? <Notice>{translate("security.enabled")}</Notice> : <Notice>{translate("security.regenerated")}</Notice>}
            <h3>{translate("security.recoveryHeading")}</h3>
            <p>{translate("security.recoveryLead")}</p>
            <ul className="recovery-codes__list" data-testid="recovery-codes">
              {result.recoveryCodes.map((code) => (
                <li key={code}>
                  <code>{code}</code>
                </li>
              ))}
            </ul>
          </div>
        ) : null}

        {!page.enabled && !page.pending ? (
          <Form method="post">
            <SubmitButton name="intent" value="start">
              {translate("security.start")}
            </SubmitButton>
          </Form>
        ) : null}

        {!page.enabled && page.pending ? (
          <div className="two-factor-setup">
            <p>{translate("security.scan")}</p>
            {page.qr ? <img src={page.qr} alt={translate("security.qrAlt")} width={220} height={220} /> : null}
            <dl>
              <dt>{translate("security.secret")}</dt>
              <dd>
                <code data-testid="totp-secret">{page.pending.secret}</code>
              </dd>
              <dt>{translate("security.uri")}</dt>
              <dd>
                <code className="break-all">{page.pending.uri}</code>
              </dd>
            </dl>
            <Form method="post" className="dash-form">
              <Field label={translate("security.code")} name="code" id="enrol-code" autoComplete="one-time-code" inputMode="numeric" required maxLength={20} hint={translate("security.codeHint")} errors={errorFor("confirm")} />
              <div className="dash-form__actions">
                <SubmitButton name="intent" value="confirm">
                  {translate("security.confirm")}
                </SubmitButton>
              </div>
            </Form>
            <Form method="post">
              <SubmitButton name="intent" value="cancel" className="button button--ghost">
                {translate("security.cancel")}
              </SubmitButton>
            </Form>
          </div>
        ) : null}

        {page.enabled ? (
          <>
            <p>{translate("security.recoveryLeft", { count: page.recoveryCodesLeft })}</p>
            <Form method="post" className="dash-form">
              <Field label={translate("security.code")} name="code" id="regenerate-code" autoComplete="one-time-code" required maxLength={20} errors={errorFor("regenerate")} />
              <SubmitButton name="intent" value="regenerate">
                {translate("security.regenerate")}
              </SubmitButton>
            </Form>
            <Form method="post" className="dash-form">
              <Field label={translate("security.code")} name="code" id="disable-code" autoComplete="one-time-code" required maxLength={20} hint={translate("security.disableHint")} errors={errorFor("disable")} />
              <SubmitButton name="intent" value="disable">
                {translate("security.disable")}
              </SubmitButton>
            </Form>
          </>
        ) : null}
      </section>

      <section className="panel dash-section" aria-labelledby="sessions">
        <h2 id="sessions">{translate("security.sessions")}</h2>
        <p className="muted">{translate("security.sessionsLead")}</p>
        <Form method="post" action="/logout">
          <SubmitButton name="intent" value="everywhere" className="button button--ghost">
            {translate("security.signOutEverywhere")}
          </SubmitButton>
        </Form>
      </section>

      <section className="panel dash-section" aria-labelledby="password">
        <h2 id="password">{translate("security.password")}</h2>
        <p className="muted">{translate("security.passwordLead")}</p>
        <p>
          <Link to="/forgot-password">{translate("security.passwordLink")}</Link>
        </p>
      </section>
    </div>
  );
}
