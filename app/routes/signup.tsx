// Sign up, `/signup`: a fan account (email, name, password); success signs the fan in and goes to `redirectTo`.
import { data, redirect } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";

import { Field, FormError, SubmitButton } from "~/components/forms";
import { createUser } from "~/models/users.server";
import { clientIp, consumeRateLimit } from "~/risk/rate-limits.server";
import { getDb } from "~/utils/db.server";
import { describeProblem, invalidForm, type FormFailure } from "~/utils/form-problems.server";
import { parseForm } from "~/utils/forms.server";
import { getLocale, isLocale, t, useT } from "~/utils/i18n";
import type { Locale } from "~/utils/i18n";
import { Problem } from "~/utils/problem.server";
import { createUserSession, getSessionUser, safeRedirect } from "~/utils/session.server";
import { hasControlCharacters } from "~/utils/text";

export async function loader({ request }: LoaderFunctionArgs) {
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get("redirectTo"), "/");
  if (await getSessionUser(request)) throw redirect(redirectTo);
  return { redirectTo };
}

export const meta: MetaFunction = ({ matches }) => {
  const rootData = matches.find((match) => match.id === "root")?.data as { locale?: unknown } | undefined;
  const locale: Locale = isLocale(rootData?.locale) ? rootData.locale : "ko";
  return [{ title: t(locale, "auth.signUpTitle") }];
};

const noControlChars = (s: string) => !hasControlCharacters(s, { singleLine: true });

const SignUpForm = z.object({
  email: z.string().trim().max(254, "fan.error.tooLong").pipe(z.email("fan.error.email")),
  displayName: z
    .string()
    .trim()
    .min(1, "fan.error.required")
    .max(60, "fan.error.tooLong")
    .refine(noControlChars, "fan.error.controlChars"),
  password: z.string().min(10, "fan.error.passwordShort").max(200, "fan.error.tooLong"),
  redirectTo: z.string().max(2000).optional(),
});

type ActionData = FormFailure & { values: { email: string; displayName: string } };

export async function action({ request }: ActionFunctionArgs) {
  const locale = getLocale(request);
  const form = await parseForm(request, SignUpForm);
  if (!form.ok) {
    const values = { email: form.values.email ?? "", displayName: form.values.displayName ?? "" };
    return data<ActionData>({ ...invalidForm(locale, form.errors), values }, { status: 422 });
  }
  const { email, displayName, password, redirectTo } = form.data;
  try {
    await consumeRateLimit("signup", clientIp(request));
    const user = await createUser(getDb(), { email, displayName, password });
    return createUserSession(request, user.id, safeRedirect(redirectTo, "/"));
  } catch (error) {
    if (error instanceof Problem && error.status < 500) {
      const failed = describeProblem(locale, error);
      return data<ActionData>({ ...failed, values: { email, displayName } }, { status: failed.status, headers: error.headers });
    }
    throw error;
  }
}

export default function SignUp() {
  const { redirectTo } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const signInHref = redirectTo === "/" ? "/login" : `/login?redirectTo=${encodeURIComponent(redirectTo)}`;
  return (
    <div className="container auth-page">
      <div className="panel auth-panel">
        <h1 className="page-title">{t("auth.signUpHeading")}</h1>
        <p className="panel__lead">{t("auth.signUpLead")}</p>
        <Form method="post" className="auth-form">
          <FormError message={failed?.formError} />
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <Field
            id="signup-email"
            label={t("auth.email")}
            name="email"
            type="email"
            autoComplete="email"
            required
            maxLength={254}
            defaultValue={failed?.values.email}
            errors={failed?.fieldErrors}
          />
          <Field
            id="signup-name"
            label={t("auth.displayName")}
            name="displayName"
            autoComplete="nickname"
            required
            maxLength={60}
            hint={t("auth.displayNameHint")}
            defaultValue={failed?.values.displayName}
            errors={failed?.fieldErrors}
          />
          <Field
            id="signup-password"
            label={t("auth.password")}
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            maxLength={200}
            hint={t("auth.passwordHint")}
            errors={failed?.fieldErrors}
          />
          <SubmitButton pendingLabel={t("auth.signingUp")} className="button button--primary button--wide">
            {t("auth.signUpSubmit")}
          </SubmitButton>
        </Form>
        <p className="auth-switch">
          {t("auth.haveAccount")} <Link to={signInHref}>{t("auth.signInLink")}</Link>
        </p>
      </div>
    </div>
  );
}
