// Creator onboarding: a signed-in fan claims a handle and sets up their page, currency and payouts, then lands on
// the dashboard. An account that already has a page goes straight there.
import { data, redirect } from "@remix-run/node";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";

import { AvatarPicker, creatorPageMeta, dashboardStyles, RadioGroup, SelectField, useFocusFirstInvalid, useFormatMoney } from "~/components/dashboard";
import { Field, FormError, SubmitButton, TextAreaField } from "~/components/forms";
import { creatorLimits, listShippedAvatars, onboardingForm, PAYOUT_SCHEDULES, problemMessage } from "~/models/creator-forms.server";
import { becomeCreator, CATEGORIES, getCreatorByUserId } from "~/models/creators.server";
import { CURRENCIES } from "~/money/currency";
import { getDb } from "~/utils/db.server";
import { parseForm } from "~/utils/forms.server";
import { getLocale, useT } from "~/utils/i18n";
import { requireUser } from "~/utils/session.server";

export const links: LinksFunction = () => dashboardStyles;
export const meta = creatorPageMeta("creator.start.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (await getCreatorByUserId(getDb(), user.id)) throw redirect("/dashboard");
  return {
    displayName: user.displayName,
    avatars: await listShippedAvatars(),
    categories: CATEGORIES,
    schedules: PAYOUT_SCHEDULES,
    minimums: { KRW: creatorLimits("KRW").payoutMinimum.min, USD: creatorLimits("USD").payoutMinimum.min },
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const locale = getLocale(request);
  // What was typed, to show again if the domain refuses it (parseForm keeps it only for invalid input).
  const typed = Object.fromEntries(await request.clone().formData()) as Record<string, string>;
  const form = await parseForm(request, onboardingForm(locale, await listShippedAvatars()));
  if (!form.ok) return data({ errors: form.errors, values: form.values, formError: null }, { status: 422 });
  try {
    await becomeCreator(getDb(), { userId: user.id, ...form.data });
  } catch (error) {
    const problem = problemMessage(locale, error);
    if (problem.code === "already_creator") return redirect("/dashboard");
    const errors = problem.code === "handle_taken" ? { handle: [problem.message] } : {};
    return data({ errors, values: typed, formError: problem.code === "handle_taken" ? null : problem.message }, { status: problem.status });
  }
  return redirect("/dashboard?welcome=1");
}

export default function CreatorStart() {
  const { displayName, avatars, categories, schedules, minimums } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const translate = useT();
  const money = useFormatMoney();
  const errors = actionData?.errors;
  const values: Partial<Record<string, string>> = actionData?.values ?? {};
  const form = useFocusFirstInvalid(errors);

  return (
    <div className="dash container dash--narrow">
      <h1 className="dash__title">{translate("creator.start.title")}</h1>
      <p className="dash__lead">{translate("creator.start.lead")}</p>
      <Form method="post" className="dash-form" ref={form}>
        <FormError message={actionData?.formError} />
        <Field
          label={translate("creator.field.handle")}
          name="handle"
          defaultValue={values.handle}
          errors={errors}
          required
          maxLength={31}
          autoCapitalize="none"
          autoCorrect="off"
          autoComplete="off"
          spellCheck={false}
          hint={translate("creator.field.handleHint")}
        />
        <Field
          label={translate("creator.field.displayName")}
          name="displayName"
          defaultValue={values.displayName ?? displayName}
          errors={errors}
          required
          maxLength={60}
        />
        <TextAreaField
          label={translate("creator.field.bio")}
          name="bio"
          defaultValue={values.bio}
          errors={errors}
          rows={4}
          maxLength={1000}
          hint={translate("creator.field.bioHint")}
        />
        <AvatarPicker avatars={avatars} choice={values.avatar ?? ""} url={values.avatarUrl ?? ""} initial={values.displayName ?? displayName} errors={errors} />
        <SelectField
          label={translate("creator.field.category")}
          name="category"
          defaultValue={values.category ?? categories[0]}
          errors={errors}
          options={categories.map((c) => ({ value: c, label: translate(`category.${c}`) }))}
        />
        <RadioGroup
          legend={translate("creator.field.currency")}
          name="currency"
          defaultValue={values.currency ?? "KRW"}
          errors={errors}
          required
          hint={translate("creator.field.currencyHint")}
          options={CURRENCIES.map((c) => ({ value: c, label: translate(`creator.currency.${c}`) }))}
        />
        <RadioGroup
          legend={translate("creator.field.payoutSchedule")}
          name="payoutSchedule"
          defaultValue={values.payoutSchedule ?? "weekly"}
          errors={errors}
          required
          hint={translate("creator.field.payoutScheduleHint")}
          options={schedules.map((s) => ({ value: s, label: translate(`creator.schedule.${s}`) }))}
        />
        <Field
          label={translate("creator.field.payoutMinimum")}
          name="payoutMinimum"
          defaultValue={values.payoutMinimum}
          errors={errors}
          inputMode="decimal"
          autoComplete="off"
          hint={translate("creator.field.payoutMinimumHint", { krw: money(minimums.KRW, "KRW"), usd: money(minimums.USD, "USD") })}
        />
        <SubmitButton pendingLabel={translate("creator.start.submitting")}>{translate("creator.start.submit")}</SubmitButton>
      </Form>
    </div>
  );
}
