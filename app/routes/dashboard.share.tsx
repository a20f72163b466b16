// Widgets, stream alerts and QR: the snippets a creator pastes into their site, the OBS overlay address with its
// settings (rotate, test, minimum amount, blocked words) and the QR code with a printable card.
import { data, redirect } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";

import { creatorPageMeta, RadioGroup, SelectField, useFocusFirstInvalid, useFormatMoney } from "~/components/dashboard";
import { Notice } from "~/components/fan";
import { Field, SubmitButton, TextAreaField } from "~/components/forms";
import { amountInputText, overlayPreferencesForm } from "~/models/creator-forms.server";
import { EMBED_POSITIONS, EMBED_THEMES, type EmbedPosition, type EmbedTheme } from "~/models/embeds";
import { getOverlaySettings, rotateOverlaySecret, sendTestAlert, updateOverlayPreferences } from "~/models/overlays.server";
import { goalWidgetSnippet, tipButtonSnippet } from "~/models/widget-snippets";
import { getDb } from "~/utils/db.server";
import { parseForm } from "~/utils/forms.server";
import { getLocale, t, useT } from "~/utils/i18n";
import { publicOrigin } from "~/utils/public-url.server";
import { requireCreator } from "~/utils/session.server";
import { hasControlCharacters } from "~/utils/text";

export const meta = creatorPageMeta("share.title");

// Snippets are public anyway, but the overlay address is a secret: no shared cache may keep this page.
export const headers = () => ({ "Cache-Control": "private, no-store" });

export async function loader({ request }: LoaderFunctionArgs) {
  const { creator } = await requireCreator(request);
  const overlay = await getOverlaySettings(getDb(), creator.id);
  const origin = publicOrigin(request);
  const search = new URL(request.url).searchParams;
  const theme: EmbedTheme = search.get("theme") === "dark" ? "dark" : "light";
  const position = (EMBED_POSITIONS as readonly string[]).includes(search.get("position") ?? "") ? (search.get("position") as EmbedPosition) : "inline";
  const rawLabel = (search.get("label") ?? "").trim().slice(0, 40);
  const label = hasControlCharacters(rawLabel) ? "" : rawLabel;
  const locale = getLocale(request);
  return {
    handle: creator.handle,
    currency: creator.currency,
    hasGoal: creator.goalAmount !== null,
    widget: { theme, position, label, snippet: tipButtonSnippet(origin, creator.handle, { theme, position, label }) },
    goalSnippet: goalWidgetSnippet(origin, creator.handle, { theme, title: t(locale, "share.goal.heading") }),
    overlay: {
      url: `${origin}/overlay/${overlay.secret}`,
      minAmount: overlay.minAmount ? amountInputText(overlay.minAmount, creator.currency) : "",
      blockedWords: overlay.blockedWords.join("\n"),
    },
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const { creator } = await requireCreator(request);
  const locale = getLocale(request);
  const intent = (await request.clone().formData()).get("intent");
  if (intent === "rotate") {
    await rotateOverlaySecret(getDb(), creator.id);
    return redirect("/dashboard/share?done=rotated#overlay");
  }
  if (intent === "test") {
    const sent = await sendTestAlert(creator, { supporter: t(locale, "share.overlay.testSupporter"), message: t(locale, "share.overlay.testMessage") });
    return redirect(`/dashboard/share?done=${sent ? "testSent" : "testFailed"}#overlay`);
  }
  if (intent === "preferences") {
    const form = await parseForm(request, overlayPreferencesForm(locale, creator.currency));
    if (!form.ok) return data({ errors: form.errors, values: form.values }, { status: 422 });
    await updateOverlayPreferences(getDb(), creator.id, form.data);
    return redirect("/dashboard/share?done=saved#overlay");
  }
  throw new Response("Unknown form", { status: 400 });
}

const DONE = { rotated: "share.overlay.rotated", testSent: "share.overlay.testSent", testFailed: "share.overlay.testFailed", saved: "share.overlay.saved" } as const;

export default function DashboardShare() {
  const page = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const [params] = useSearchParams();
  const translate = useT();
  const money = useFormatMoney();
  const done = params.get("done");
  const doneKey = done && done in DONE ? DONE[done as keyof typeof DONE] : null;
  const preferencesRef = useFocusFirstInvalid(failed?.errors);
  const prefs = failed ? failed.values : page.overlay;

  return (
    <>
      <h1 className="dash__title">{translate("share.title")}</h1>
      <p className="muted">{translate("share.lead")}</p>

      <section className="dash-section" aria-labelledby="widget">
        <h2 id="widget" tabIndex={-1}>
          {translate("share.widget.heading")}
        </h2>
        <p>{translate("share.widget.lead")}</p>
        <Form method="get" className="dash-form" preventScrollReset>
          <RadioGroup
            legend={translate("share.widget.theme")}
            name="theme"
            defaultValue={page.widget.theme}
            options={EMBED_THEMES.map((theme) => ({ value: theme, label: translate(theme === "dark" ? "share.widget.themeDark" : "share.widget.themeLight") }))}
          />
          <SelectField
            label={translate("share.widget.position")}
            name="position"
            defaultValue={page.widget.position}
            options={[
              { value: "inline", label: translate("share.widget.positionInline") },
              { value: "bottom-right", label: translate("share.widget.positionRight") },
              { value: "bottom-left", label: translate("share.widget.positionLeft") },
            ]}
          />
          <Field label={translate("share.widget.label")} name="label" defaultValue={page.widget.label} placeholder={translate("share.widget.labelDefault")} maxLength={40} />
          <SubmitButton className="button button--ghost">{translate("share.widget.update")}</SubmitButton>
        </Form>
        <label className="snippet">
          <span className="snippet__label">{translate("share.widget.code")}</span>
          <textarea readOnly rows={3} value={page.widget.snippet} className="snippet__code" data-testid="widget-snippet" />
        </label>
      </section>

      <section className="dash-section" aria-labelledby="goal-widget">
        <h2 id="goal-widget" tabIndex={-1}>
          {translate("share.goal.heading")}
        </h2>
        <p>{translate("share.goal.lead")}</p>
        {page.hasGoal ? (
          <label className="snippet">
            <span className="snippet__label">{translate("share.widget.code")}</span>
            <textarea readOnly rows={3} value={page.goalSnippet} className="snippet__code" />
          </label>
        ) : (
          <p className="muted">
            {translate("share.goal.none")} <Link to="/dashboard/settings#goal">{translate("share.goal.setGoal")}</Link>
          </p>
        )}
      </section>

      <section className="dash-section" aria-labelledby="overlay">
        <h2 id="overlay" tabIndex={-1}>
          {translate("share.overlay.heading")}
        </h2>
        {doneKey ? <Notice tone={done === "testFailed" ? "warning" : "success"}>{translate(doneKey)}</Notice> : null}
        <p>{translate("share.overlay.lead")}</p>
        <label className="snippet">
          <span className="snippet__label">{translate("share.overlay.url")}</span>
          <input readOnly value={page.overlay.url} className="snippet__code" data-testid="overlay-url" />
        </label>
        <p className="muted">{translate("share.overlay.secretNote")}</p>
        <div className="dash-form__actions">
          <Form method="post">
            <SubmitButton name="intent" value="test" className="button button--ghost">
              {translate("share.overlay.test")}
            </SubmitButton>
          </Form>
          <Form method="post">
            <SubmitButton name="intent" value="rotate" className="button button--ghost">
              {translate("share.overlay.rotate")}
            </SubmitButton>
          </Form>
        </div>
        <Form method="post" className="dash-form" ref={preferencesRef}>
          <Field
            label={translate("share.overlay.minAmount")}
            name="minAmount"
            defaultValue={prefs.minAmount}
            errors={failed?.errors}
            inputMode="decimal"
            autoComplete="off"
            placeholder={money(0, page.currency)}
            hint={translate("share.overlay.minAmountHint")}
          />
          <TextAreaField
            label={translate("share.overlay.blockedWords")}
            name="blockedWords"
            defaultValue={prefs.blockedWords}
            errors={failed?.errors}
            rows={4}
            hint={translate("share.overlay.blockedWordsHint")}
          />
          <SubmitButton name="intent" value="preferences">
            {translate("share.overlay.save")}
          </SubmitButton>
        </Form>
      </section>

      <section className="dash-section" aria-labelledby="qr">
        <h2 id="qr" tabIndex={-1}>
          {translate("share.qr.heading")}
        </h2>
        <p>{translate("share.qr.lead")}</p>
        <img src={`/@${page.handle}/qr.svg`} alt={translate("qr.alt", { handle: `@${page.handle}` })} width={160} height={160} className="qr-preview" />
        <p className="dash-form__actions">
          <Link to="/dashboard/share/card" className="button">
            {translate("share.qr.printCard")}
          </Link>
          <a href={`/@${page.handle}/qr.svg`} download className="button button--ghost">
            {translate("qr.downloadSvg")}
          </a>
          <a href={`/@${page.handle}/qr.png`} download className="button button--ghost">
            {translate("qr.downloadPng")}
          </a>
        </p>
      </section>
    </>
  );
}
