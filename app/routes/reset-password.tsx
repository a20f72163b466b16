// New password, `/reset-password?token=…`: the link from the reset mail. The token works once and for an hour;
// using it ends every session of the account, so the person signs in again with the new password.
import { data, redirect } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";

import { creatorPageMeta } from "~/components/dashboard";
import { Notice } from "~/components/fan";
import { Field, FormError, SubmitButton } from "~/components/forms";
import { isResetTokenUsable, resetPassword } from "~/models/password-resets.server";
import { getDb } from "~/utils/db.server";
import { invalidForm } from "~/utils/form-problems.server";
import { parseForm } from "~/utils/forms.server";
import { getLocale, t, useT } from "~/utils/i18n";
import { Problem } from "~/utils/problem.server";

export const meta = creatorPageMeta("reset.heading");

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  return { token, usable: token.length > 20 && token.length < 100 && (await isResetTokenUsable(getDb(), token)) };
}

const ResetForm = z.object({
  token: z.string().min(20).max(100),
  password: z.string().min(10, "fan.error.passwordShort").max(200, "fan.error.tooLong"),
});

export async function action({ request }: ActionFunctionArgs) {
  const locale = getLocale(request);
  const form = await parseForm(request, ResetForm);
  if (!form.ok) return data(invalidForm(locale, form.errors), { status: 422 });
  try {
    await resetPassword(getDb(), form.data);
  } catch (error) {
    if (error instanceof Problem && error.code === "reset_token_invalid") {
      return data({ status: 400, code: error.code, formError: t(locale, "reset.invalid"), fieldErrors: {} }, { status: 400 });
    }
    throw error;
  }
  return redirect("/reset-password?done=1");
}

export default function ResetPassword() {
  const { token, usable } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const [params] = useSearchParams();
  const translate = useT();
  return (
    <div className="container auth-page">
      <div className="panel auth-panel">
        <h1 className="page-title">{translate("reset.heading")}</h1>
        {params.get("done") ? (
          <>
            <Notice>{translate("reset.done")}</Notice>
            <p>
              <Link to="/login">{translate("auth.signInHeading")}</Link>
            </p>
          </>
        ) : usable ? (
          <Form method="post" className="auth-form">
            <FormError message={failed?.formError} />
            <input type="hidden" name="token" value={token} />
            <Field id="reset-password" label={translate("reset.newPassword")} name="password" type="password" autoComplete="new-password" required minLength={10} maxLength={200} hint={translate("auth.passwordHint")} errors={failed?.fieldErrors} />
            <SubmitButton className="button button--primary button--wide">{translate("reset.submit")}</SubmitButton>
          </Form>
        ) : (
          <>
            <p role="alert">{translate("reset.invalid")}</p>
            <p>
              <Link to="/forgot-password">{translate("reset.requestSubmit")}</Link>
            </p>
          </>
        )}
      </div>
    </div>
  );
}
