// Forgot password, `/forgot-password`: an email in, a reset link out (by mail; the development outbox when no mail
// server is configured). The answer is the same whether or not the email has an account. Rate-limited per address.
import { data, redirect } from "@remix-run/node";
import type { ActionFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useSearchParams } from "@remix-run/react";
import { z } from "zod";

import { creatorPageMeta } from "~/components/dashboard";
import { Notice } from "~/components/fan";
import { Field, FormError, SubmitButton } from "~/components/forms";
import { requestPasswordReset } from "~/models/password-resets.server";
import { clientIp, consumeRateLimit } from "~/risk/rate-limits.server";
import { getDb } from "~/utils/db.server";
import { describeProblem, invalidForm } from "~/utils/form-problems.server";
import { parseForm } from "~/utils/forms.server";
import { getLocale, useT } from "~/utils/i18n";
import { Problem } from "~/utils/problem.server";

export const meta = creatorPageMeta("reset.requestHeading");

const RequestForm = z.object({ email: z.string().trim().min(1, "fan.error.required").max(254, "fan.error.tooLong") });

export async function action({ request }: ActionFunctionArgs) {
  const locale = getLocale(request);
  const form = await parseForm(request, RequestForm);
  if (!form.ok) return data(invalidForm(locale, form.errors), { status: 422 });
  try {
    await consumeRateLimit("signin", `reset:${clientIp(request)}`);
  } catch (error) {
    if (error instanceof Problem) return data(describeProblem(locale, error), { status: error.status, headers: error.headers });
    throw error;
  }
  await requestPasswordReset(getDb(), { email: form.data.email, baseUrl: new URL(request.url).origin, locale });
  return redirect("/forgot-password?sent=1");
}

export default function ForgotPassword() {
  const failed = useActionData<typeof action>();
  const [params] = useSearchParams();
  const translate = useT();
  return (
    <div className="container auth-page">
      <div className="panel auth-panel">
        <h1 className="page-title">{translate("reset.requestHeading")}</h1>
        {params.get("sent") ? <Notice>{translate("reset.requestSent")}</Notice> : <p className="muted">{translate("reset.requestLead")}</p>}
        <Form method="post" className="auth-form">
          <FormError message={failed?.formError} />
          <Field id="reset-email" label={translate("auth.email")} name="email" type="email" autoComplete="email" required maxLength={254} errors={failed?.fieldErrors} />
          <SubmitButton className="button button--primary button--wide">{translate("reset.requestSubmit")}</SubmitButton>
        </Form>
      </div>
    </div>
  );
}
