// Settings: the public profile, the goal fans see on the creator page, and how payouts are scheduled. Three
// small forms on one page; the submit button's `intent` says which one was sent.
import { data, redirect } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";

import { AvatarPicker, avatarChoice, creatorPageMeta, RadioGroup, SelectField, useFocusFirstInvalid, useFormatMoney } from "~/components/dashboard";
import { Notice } from "~/components/fan";
import { Field, SubmitButton, TextAreaField, type FieldErrors } from "~/components/forms";
import { amountInputText, problemMessage, creatorLimits, goalForm, listShippedAvatars, PAYOUT_SCHEDULES, payoutSettingsForm, profileForm } from "~/models/creator-forms.server";
import { CATEGORIES, updateCreatorSettings } from "~/models/creators.server";
import { getDb } from "~/utils/db.server";
import { parseForm } from "~/utils/forms.server";
import { getLocale, t, useT } from "~/utils/i18n";
import { z } from "zod";
import { getCreatorTaxStatus, setCreatorTaxStatus, TAX_STATUSES } from "~/models/creator-tax.server";
import { requireCreator } from "~/utils/session.server";
import { hasTwoFactor, requirePayoutSecondFactor } from "~/models/two-factor.server";

export const meta = creatorPageMeta("dash.settings.title");

const TAX_STATUS_OPTIONS = ["individual", "business"] as const;

const INTENTS = ["profile", "goal", "removeGoal", "payouts", "tax"] as const;
type Intent = (typeof INTENTS)[number];

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, creator } = await requireCreator(request);
  const avatars = await listShippedAvatars();
  // Withholding applies to payouts in KRW only, so only KRW creators choose a tax status.
  const taxStatus = creator.currency === "KRW" ? await getCreatorTaxStatus(getDb(), creator.id) : null;
  return {
    taxStatus,
    creator: {
      handle: creator.handle,
      currency: creator.currency,
      displayName: creator.displayName,
      bio: creator.bio,
      category: creator.category,
      avatar: avatarChoice(creator.avatarUrl, avatars),
      avatarUrl: avatarChoice(creator.avatarUrl, avatars) === "custom" ? (creator.avatarUrl ?? "") : "",
      goalTitle: creator.goalTitle ?? "",
      goalAmount: creator.goalAmount ? amountInputText(creator.goalAmount, creator.currency) : "",
      payoutSchedule: creator.payoutSchedule,
      payoutMinimum: amountInputText(creator.payoutMinimum, creator.currency),
    },
    limits: creatorLimits(creator.currency),
    avatars,
    categories: CATEGORIES,
    schedules: PAYOUT_SCHEDULES,
    twoFactor: await hasTwoFactor(getDb(), user.id),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, creator } = await requireCreator(request);
  const locale = getLocale(request);
  const sent = await request.clone().formData();
  const intent = sent.get("intent") as Intent;
  if (intent === "tax") {
    const form = await parseForm(request, z.object({ taxStatus: z.enum(TAX_STATUSES, { error: t(locale, "tax.error.choose") }) }));
    if (!form.ok) return data({ intent, errors: form.errors, values: form.values }, { status: 422 });
    await setCreatorTaxStatus(getDb(), user.id, form.data.taxStatus);
    return redirect("/dashboard/settings?saved=tax#tax");
  }
  if (intent === "removeGoal") {
    await updateCreatorSettings(getDb(), user.id, { goalTitle: null, goalAmount: null });
    return redirect("/dashboard/settings?saved=goal#goal");
  }
  const form =
    intent === "profile"
      ? await parseForm(request, profileForm(locale, await listShippedAvatars()))
      : intent === "goal"
        ? await parseForm(request, goalForm(locale, creator.currency))
        : intent === "payouts"
          ? await parseForm(request, payoutSettingsForm(locale, creator.currency))
          : null;
  if (!form) throw new Response("Unknown form", { status: 400 });
  if (intent === "payouts") {
    // Payout settings need two-factor on and proved by this sign-in, like payouts themselves.
    try {
      await requirePayoutSecondFactor(getDb(), user);
    } catch (error) {
      const problem = problemMessage(locale, error);
      const values = Object.fromEntries([...sent].map(([k, v]) => [k, String(v)]));
      return data({ intent, errors: { payoutSchedule: [problem.message] }, values }, { status: problem.status });
    }
  }
  if (!form.ok) return data({ intent, errors: form.errors, values: form.values }, { status: 422 });
  await updateCreatorSettings(getDb(), user.id, form.data);
  return redirect(`/dashboard/settings?saved=${intent}#${intent}`);
}

export default function DashboardSettings() {
  const { creator, limits, avatars, categories, schedules, twoFactor, taxStatus } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const translate = useT();
  const money = useFormatMoney();
  const saved = params.get("saved");
  // Errors and typed values belong to the form that was sent; the others show what is stored.
  const sent = (intent: Intent): { errors?: FieldErrors; values: Partial<Record<string, string>> } =>
    actionData?.intent === intent ? { errors: actionData.errors, values: actionData.values } : { values: creator };
  const profile = sent("profile");
  const goal = sent("goal");
  const payouts = sent("payouts");
  const profileRef = useFocusFirstInvalid(profile.errors);
  const goalRef = useFocusFirstInvalid(goal.errors);
  const payoutsRef = useFocusFirstInvalid(payouts.errors);
  const tax = actionData?.intent === "tax" ? { errors: actionData.errors } : { errors: undefined };

  return (
    <>
      <h1 className="dash__title">{translate("dash.settings.title")}</h1>

      <section className="dash-section" aria-labelledby="profile">
        <h2 id="profile" tabIndex={-1}>
          {translate("dash.settings.profile")}
        </h2>
        {saved === "profile" ? <Notice>{translate("dash.settings.saved")}</Notice> : null}
        <Form method="post" className="dash-form" ref={profileRef}>
          <p className="muted">{translate("dash.settings.fixed", { handle: creator.handle, currency: creator.currency })}</p>
          <Field label={translate("creator.field.displayName")} name="displayName" defaultValue={profile.values.displayName} errors={profile.errors} required maxLength={60} />
          <TextAreaField
            label={translate("creator.field.bio")}
            name="bio"
            defaultValue={profile.values.bio}
            errors={profile.errors}
            rows={4}
            maxLength={1000}
            hint={translate("creator.field.bioHint")}
          />
          <AvatarPicker avatars={avatars} choice={profile.values.avatar ?? ""} url={profile.values.avatarUrl ?? ""} initial={creator.displayName} errors={profile.errors} />
          <SelectField
            label={translate("creator.field.category")}
            name="category"
            defaultValue={profile.values.category}
            errors={profile.errors}
            options={categories.map((c) => ({ value: c, label: translate(`category.${c}`) }))}
          />
          <SubmitButton name="intent" value="profile">
            {translate("dash.settings.saveProfile")}
          </SubmitButton>
        </Form>
      </section>

      <section className="dash-section" aria-labelledby="goal">
        <h2 id="goal" tabIndex={-1}>
          {translate("dash.settings.goal")}
        </h2>
        {saved === "goal" ? <Notice>{translate("dash.settings.saved")}</Notice> : null}
        <Form method="post" className="dash-form" ref={goalRef}>
          <p className="muted">{translate("dash.settings.goalHint")}</p>
          <Field label={translate("dash.settings.goalTitle")} name="goalTitle" defaultValue={goal.values.goalTitle} errors={goal.errors} maxLength={80} />
          <Field
            label={translate("dash.settings.goalAmount")}
            name="goalAmount"
            defaultValue={goal.values.goalAmount}
            errors={goal.errors}
            inputMode="decimal"
            autoComplete="off"
            hint={translate("creator.field.amountRange", { min: money(limits.goal.min, creator.currency), max: money(limits.goal.max, creator.currency) })}
          />
          <div className="dash-form__actions">
            <SubmitButton name="intent" value="goal">
              {translate("dash.settings.saveGoal")}
            </SubmitButton>
            {creator.goalTitle ? (
              <SubmitButton name="intent" value="removeGoal" className="button button--ghost">
                {translate("dash.settings.removeGoal")}
              </SubmitButton>
            ) : null}
          </div>
        </Form>
      </section>

      <section className="dash-section" aria-labelledby="payouts">
        <h2 id="payouts" tabIndex={-1}>
          {translate("dash.settings.payouts")}
        </h2>
        {saved === "payouts" ? <Notice>{translate("dash.settings.saved")}</Notice> : null}
        <Form method="post" className="dash-form" ref={payoutsRef}>
          <RadioGroup
            legend={translate("creator.field.payoutSchedule")}
            name="payoutSchedule"
            defaultValue={payouts.values.payoutSchedule}
            errors={payouts.errors}
            required
            hint={translate("creator.field.payoutScheduleHint")}
            options={schedules.map((value) => ({ value, label: translate(`creator.schedule.${value}`) }))}
          />
          <Field
            label={translate("creator.field.payoutMinimum")}
            name="payoutMinimum"
            defaultValue={payouts.values.payoutMinimum}
            errors={payouts.errors}
            required
            inputMode="decimal"
            autoComplete="off"
            hint={translate("creator.field.amountRange", {
              min: money(limits.payoutMinimum.min, creator.currency),
              max: money(limits.payoutMinimum.max, creator.currency),
            })}
          />
          <SubmitButton name="intent" value="payouts">
            {translate("dash.settings.savePayouts")}
          </SubmitButton>
        </Form>
      </section>

      <section className="dash-section" aria-labelledby="security">
        <h2 id="security" tabIndex={-1}>
          {translate("security.twoFactor")}
        </h2>
        <p className="muted">{translate("security.twoFactorLead")}</p>
        <p data-two-factor={twoFactor ? "on" : "off"}>
          <strong>{translate(twoFactor ? "security.twoFactorOn" : "security.twoFactorOff")}</strong>
        </p>
        <p>
          <Link to="/account/security">{translate(twoFactor ? "security.heading" : "twoFactor.setupLink")}</Link>
        </p>
      </section>
      {taxStatus ? (
        <section className="dash-section" aria-labelledby="tax">
          <h2 id="tax" tabIndex={-1}>
            {translate("tax.heading")}
          </h2>
          {saved === "tax" ? <Notice>{translate("dash.settings.saved")}</Notice> : null}
          <Form method="post" className="dash-form">
            <RadioGroup
              legend={translate("tax.legend")}
              name="taxStatus"
              defaultValue={taxStatus}
              errors={tax.errors}
              required
              hint={translate("tax.hint")}
              options={TAX_STATUS_OPTIONS.map((value) => ({ value, label: translate(`tax.${value}`) }))}
            />
            <SubmitButton name="intent" value="tax">
              {translate("tax.save")}
            </SubmitButton>
          </Form>
        </section>
      ) : null}
    </>
  );
}
