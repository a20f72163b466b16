// The sign-in code step, `/login/two-factor`: after a right password on an account with two-factor on, a code from
// the authenticator app (or a recovery code) starts the session — one that counts as having proved the second
// factor. Attempts are rate-limited per account; the challenge cookie lasts five minutes.
import { data, redirect } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { z } from "zod";

import { creatorPageMeta } from "~/components/dashboard";
import { Field, FormError, SubmitButton } from "~/components/forms";
import { verifySecondFactor } from "~/models/two-factor.server";
import { consumeRateLimit } from "~/risk/rate-limits.server";
import { getDb } from "~/utils/db.server";
import { describeProblem } from "~/utils/form-problems.server";
import { parseForm } from "~/utils/forms.server";
import { getLocale, t, useT } from "~/utils/i18n";
import { Problem } from "~/utils/problem.server";
import { createUserSession, readSignInChallenge } from "~/utils/session.server";

export const meta = creatorPageMeta("twoFactor.heading");

export async function loader({ request }: LoaderFunctionArgs) {
  if (!(await readSignInChallenge(request))) throw redirect("/login");
  return null;
}

const CodeForm = z.object({ code: z.string().trim().min(1, "fan.error.required").max(20, "fan.error.tooLong") });

export async function action({ request }: ActionFunctionArgs) {
  const locale = getLocale(request);
  const challenge = await readSignInChallenge(request);
  if (!challenge) return data({ formError: t(locale, "twoFactor.expired"), expired: true }, { status: 401 });
  const form = await parseForm(request, CodeForm);
  if (!form.ok) return data({ formError: t(locale, "security.badCode"), expired: false }, { status: 422 });
  try {
    await consumeRateLimit("signin", `2fa:${challenge.userId}`);
  } catch (error) {
    if (error instanceof Problem) return data({ formError: describeProblem(locale, error).formError, expired: false }, { status: error.status, headers: error.headers });
    throw error;
  }
  if (!(await verifySecondFactor(getDb(), challenge.userId, form.data.code))) {
    return data({ formError: t(locale, "security.badCode"), expired: false }, { status: 401 });
  }
  return createUserSession(request, challenge.userId, challenge.redirectTo, { secondFactor: true });
}

export default function TwoFactorSignIn() {
  const failed = useActionData<typeof action>();
  const translate = useT();
  return (
    <div className="container auth-page">
      <div className="panel auth-panel">
        <h1 className="page-title">{translate("twoFactor.heading")}</h1>
        <p className="muted">{translate("twoFactor.lead")}</p>
        <Form method="post" className="auth-form">
          <FormError message={failed?.formError} />
          <Field id="two-factor-code" label={translate("twoFactor.codeLabel")} name="code" autoComplete="one-time-code" inputMode="text" required maxLength={20} />
          <SubmitButton pendingLabel={translate("twoFactor.submitting")} className="button button--primary button--wide">
            {translate("twoFactor.submit")}
          </SubmitButton>
        </Form>
        {failed?.expired ? (
          <p className="auth-switch">
            <Link to="/login">{translate("auth.signInHeading")}</Link>
          </p>
        ) : null}
      </div>
    </div>
  );
}
