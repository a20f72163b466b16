// Sign in, `/login`: email and password; success starts a new session and goes back to `redirectTo` (same site only)
// — or, with two-factor on, goes on to the code step at /login/two-factor.
import { data, redirect } from "@remix-run/node";
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";

import { Field, FormError, SubmitButton } from "~/components/forms";
import { hasTwoFactor } from "~/models/two-factor.server";
import { verifyLogin } from "~/models/users.server";
import { clientIp, consumeRateLimit } from "~/risk/rate-limits.server";
import { getDb } from "~/utils/db.server";
import { describeProblem, invalidForm, type FormFailure } from "~/utils/form-problems.server";
import { parseForm } from "~/utils/forms.server";
import { getLocale, isLocale, t, useT } from "~/utils/i18n";
import type { Locale } from "~/utils/i18n";
import { Problem } from "~/utils/problem.server";
import { createUserSession, getSessionUser, safeRedirect, startSignInChallenge } from "~/utils/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get("redirectTo"), "/");
  if (await getSessionUser(request)) throw redirect(redirectTo);
  return { redirectTo };
}

export const meta: MetaFunction = ({ matches }) => {
  const rootData = matches.find((match) => match.id === "root")?.data as { locale?: unknown } | undefined;
  const locale: Locale = isLocale(rootData?.locale) ? rootData.locale : "ko";
  return [{ title: t(locale, "auth.signInTitle") }];
};

/** A refused sign-in (429) tells the browser when to try again. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

const SignInForm = z.object({
  email: z.string().trim().min(1, "fan.error.required").max(254, "fan.error.tooLong"),
  password: z.string().min(1, "fan.error.required").max(200, "fan.error.tooLong"),
  redirectTo: z.string().max(2000).optional(),
});

type ActionData = FormFailure & { email: string };

export async function action({ request }: ActionFunctionArgs) {
  const locale = getLocale(request);
  const form = await parseForm(request, SignInForm);
  if (!form.ok) return data<ActionData>({ ...invalidForm(locale, form.errors), email: form.values.email ?? "" }, { status: 422 });
  const { email, password, redirectTo } = form.data;
  try {
    await consumeRateLimit("signin", `${clientIp(request)}:${email.toLowerCase()}`);
  } catch (error) {
    if (error instanceof Problem) {
      const failed = describeProblem(locale, error);
      return data<ActionData>({ ...failed, email }, { status: failed.status, headers: error.headers });
    }
    throw error;
  }
  const user = await verifyLogin(getDb(), email, password);
  if (!user) {
    return data<ActionData>(
      { status: 401, code: "invalid_credentials", formError: t(locale, "auth.invalidCredentials"), fieldErrors: {}, email },
      { status: 401 },
    );
  }
  if (await hasTwoFactor(getDb(), user.id)) return startSignInChallenge(user.id, safeRedirect(redirectTo, "/"));
  return createUserSession(request, user.id, safeRedirect(redirectTo, "/"));
}

export default function Login() {
  const { redirectTo } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const signUpHref = redirectTo === "/" ? "/signup" : `/signup?redirectTo=${encodeURIComponent(redirectTo)}`;
  return (
    <div className="container auth-page">
      <div className="panel auth-panel">
        <h1 className="page-title">{t("auth.signInHeading")}</h1>
        <Form method="post" className="auth-form">
          <FormError message={failed?.formError} />
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <Field
            id="login-email"
            label={t("auth.email")}
            name="email"
            type="email"
            autoComplete="email"
            required
            maxLength={254}
            defaultValue={failed?.email}
            errors={failed?.fieldErrors}
          />
          <Field
            id="login-password"
            label={t("auth.password")}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            maxLength={200}
            errors={failed?.fieldErrors}
          />
          <SubmitButton pendingLabel={t("auth.signingIn")} className="button button--primary button--wide">
            {t("auth.signInSubmit")}
          </SubmitButton>
        </Form>
        <p className="auth-switch">
          <Link to="/forgot-password">{t("reset.forgotLink")}</Link>
        </p>
        <p className="auth-switch">
          {t("auth.noAccount")} <Link to={signUpHref}>{t("auth.signUpLink")}</Link>
        </p>
      </div>
    </div>
  );
}
