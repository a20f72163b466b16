// A creator's public page, `/@handle`: profile, goal, supporters, paid posts, the tip form and the monthly pledge
// form. The route file is `$handle` because a flat route cannot mix "@" and a parameter in one segment; any
// segment without the "@" is a 404 (findCreatorByPageParam).
import { randomUUID } from "node:crypto";
import { data, redirect } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";

import { AmountPicker, Avatar, Notice, TestModeNotice, useFocusOnError } from "~/components/fan";
import { Field, FormError, SubmitButton, TextAreaField } from "~/components/forms";
import { DateTime, Money } from "~/components/money";
import { relayTipEventsSoon } from "~/jobs/relay.server";
import { findCreatorByPageParam, getCreatorPage } from "~/models/creator-page.server";
import type { Creator } from "~/models/creators.server";
import { CURRENCY_RULES, formatMoney } from "~/money/currency";
import { getPaymentProvider } from "~/money/payment-provider.server";
import { tipByCard } from "~/money/payments.server";
import { createPledge } from "~/money/pledges.server";
import { findTipIdByPayment } from "~/money/receipts.server";
import { createWalletTip } from "~/money/tips.server";
import { clientIp, consumeRateLimit } from "~/risk/rate-limits.server";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { splitGross } from "~/money/fees";
import { useState, type FormEvent } from "react";
import { describeProblem, invalidForm, problemFromAnswer, type FormFailure } from "~/utils/form-problems.server";
import { parseAmountInput, parseForm } from "~/utils/forms.server";
import { getLocale, isLocale, t, toIntlLocale, useLocale, useT } from "~/utils/i18n";
import type { Locale, MessageKey } from "~/utils/i18n";
import { requestFingerprint, withIdempotency } from "~/utils/idempotency.server";
import { PermanentProviderError } from "~/money/provider.server";
import { Problem } from "~/utils/problem.server";
import { getSessionUser, requireUser } from "~/utils/session.server";
import { hasControlCharacters } from "~/utils/text";

const notFound = () => new Response("Not Found", { status: 404 });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const creator = await findCreatorByPageParam(getDb(), params.handle);
  if (!creator) throw notFound();
  const user = await getSessionUser(request);
  const page = await getCreatorPage(getDb(), { creator, viewerId: user?.id ?? null });
  const pledgeNotice = new URL(request.url).searchParams.get("pledge");
  return {
    ...page,
    signedIn: user !== null,
    // A fresh key per rendered form: a double submit carries the same key and tips once.
    idempotencyKey: randomUUID(),
    testMode: getPaymentProvider().isTestMode,
    // Shown with the tip form, so a fan sees what Sodam keeps before sending.
    feeBps: getEnv().PLATFORM_FEE_BPS,
    pledgeNotice: pledgeNotice === "paid" || pledgeNotice === "insufficient_funds" ? pledgeNotice : null,
  };
}

export const meta: MetaFunction<typeof loader> = ({ data: page, matches }) => {
  const rootData = matches.find((match) => match.id === "root")?.data as { locale?: unknown } | undefined;
  const locale: Locale = isLocale(rootData?.locale) ? rootData.locale : "ko";
  if (!page) return [{ title: `${t(locale, "error.notFoundTitle")} · 소담 Sodam` }];
  const vars = { name: page.creator.displayName, handle: page.creator.handle };
  return [
    { title: t(locale, "fan.creator.title", vars) },
    { name: "description", content: page.creator.bio || t(locale, "fan.creator.description", vars) },
    { property: "og:title", content: t(locale, "fan.creator.title", vars) },
  ];
};

const noControlChars = (s: string) => !hasControlCharacters(s);
const optionalText = (max: number, tooLong: MessageKey = "fan.error.tooLong") =>
  z.string().max(max, tooLong).refine(noControlChars, "fan.error.controlChars").optional();

const AmountFields = {
  amount: z.string().max(20).optional(),
  customAmount: z.string().max(20, "fan.error.amountInvalid").optional(),
};

const TipForm = z.object({
  intent: z.literal("tip"),
  ...AmountFields,
  // The domain checks 200 characters (counted as people count them); this only stops absurd bodies.
  message: optionalText(2000, "fan.problem.messageTooLong"),
  anonymous: z.literal("on").optional(),
  method: z.enum(["wallet", "card"]).default("card"),
  card: optionalText(64),
  supporterName: optionalText(40),
  idempotencyKey: z.uuid("fan.error.invalidRequest"),
});

const PledgeForm = z.object({ intent: z.literal("pledge"), ...AmountFields });

const ActionForm = z.discriminatedUnion("intent", [TipForm, PledgeForm], { error: "fan.error.invalidRequest" });

/** The typed amount when there is one, else the picked preset; minor units, or an error key. */
function chosenAmount(creator: Creator, fields: { amount?: string; customAmount?: string }): number | MessageKey {
  const { exponent } = CURRENCY_RULES[creator.currency];
  const custom = fields.customAmount?.trim();
  if (custom) return parseAmountInput(custom, exponent) ?? "fan.error.amountInvalid";
  if (fields.amount) return parseAmountInput(fields.amount, 0) ?? "fan.error.amountInvalid";
  return "fan.error.amountChoose";
}

type ActionData = FormFailure & { intent: "tip" | "pledge"; values: Record<string, string>; idempotencyKey: string };

function failure(intent: "tip" | "pledge", failed: FormFailure, values: Record<string, string>) {
  // A card number is never echoed back into the page.
  const { card: _card, ...kept } = values;
  // After a refused or declined attempt the next one is a new request (the provider keeps a declined key's answer).
  return data<ActionData>({ ...failed, intent, values: kept, idempotencyKey: randomUUID() }, { status: failed.status });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const locale = getLocale(request);
  const db = getDb();
  const creator = await findCreatorByPageParam(db, params.handle);
  if (!creator) throw notFound();
  const user = await getSessionUser(request);
  const form = await parseForm(request, ActionForm);
  if (!form.ok) {
    const intent = form.values.intent === "pledge" ? "pledge" : "tip";
    return failure(intent, invalidForm(locale, form.errors), form.values);
  }
  const { data: input } = form;
  const values = Object.fromEntries(Object.entries(input).map(([k, v]) => [k, String(v ?? "")]));
  const amount = chosenAmount(creator, input);
  if (typeof amount !== "number") return failure(input.intent, invalidForm(locale, { amount: [amount] }), values);

  if (input.intent === "pledge") {
    const fan = await requireUser(request);
    try {
      const { firstCharge } = await createPledge(db, { fan, creator, amount });
      if (firstCharge === "paid") relayTipEventsSoon();
      return redirect(`/@${creator.handle}?pledge=${firstCharge === "paid" ? "paid" : "insufficient_funds"}`);
    } catch (error) {
      if (error instanceof Problem) return failure("pledge", describeProblem(locale, error, { currency: creator.currency, source: "wallet" }), values);
      throw error;
    }
  }

  const tipInput = { amount, currency: creator.currency, message: input.message ?? null, anonymous: input.anonymous === "on" };
  const source = input.method === "wallet" ? "wallet" : "card";
  const context = { currency: creator.currency, source } as const;
  try {
    await consumeRateLimit("tip", user ? user.id : `ip:${clientIp(request)}`);

    if (source === "wallet") {
      // The session ran out between page and submit: sign in again, then come back to the page.
      const fan = user ?? (await requireUser(request));
      const answer = await withIdempotency(
        db,
        { userId: fan.id, key: input.idempotencyKey, fingerprint: requestFingerprint("POST", `/@${creator.handle}#tip`, tipInput) },
        async (trx) => {
          const tip = await createWalletTip(trx, { fan, creator, input: tipInput });
          return { status: 201, body: { id: tip.id } };
        },
      );
      if (answer.status !== 201) return failure("tip", describeProblem(locale, problemFromAnswer(answer), context), values);
      if (!answer.replayed) relayTipEventsSoon();
      return redirect(`/tips/${(answer.body as { id: string }).id}`);
    }

    const card = input.card?.trim();
    if (!card) return failure("tip", invalidForm(locale, { card: ["fan.error.cardRequired"] }), values);
    const provider = getPaymentProvider();
    const outcome = await db.transaction().execute(async (trx) => {
      const paid = await tipByCard(trx, provider, {
        fan: user,
        supporterName: input.supporterName?.trim() || null,
        creator,
        input: tipInput,
        card,
        providerKey: `card-tip:${input.idempotencyKey}`,
      });
      if (!paid.ok) return { ok: false as const, problem: paid.problem };
      // A repeated submit finds the charge and tip its first copy made.
      const tipId = paid.result?.id ?? (await findTipIdByPayment(trx, paid.payment.id));
      return { ok: true as const, tipId, isNew: paid.result !== null };
    });
    if (!outcome.ok) return failure("tip", describeProblem(locale, outcome.problem, context), values);
    if (outcome.isNew) relayTipEventsSoon();
    if (!outcome.tipId) throw new Error("card payment succeeded without a tip");
    return redirect(`/tips/${outcome.tipId}`);
  } catch (error) {
    if (error instanceof Problem && error.status < 500) return failure("tip", describeProblem(locale, error, context), values);
    // The same form sent again with another amount (back button, edit, resubmit): the provider refuses the key.
    if (error instanceof PermanentProviderError && error.code === "idempotency_error") {
      const reused = new Problem(409, "idempotency_key_reused", error.message);
      return failure("tip", describeProblem(locale, reused, context), values);
    }
    throw error;
  }
}

/** 500 → "5", 250 → "2.5", 125 → "1.25" (integer arithmetic, no floats). */
function bpsAsPercent(bps: number) {
  const whole = Math.trunc(bps / 100);
  const rest = String(bps % 100).padStart(2, "0").replace(/0+$/, "");
  return rest ? `${whole}.${rest}` : String(whole);
}

/** An amount a fan typed ("3,000", "2.50") in minor units, or null; browser-side twin of parseAmountInput. */
function typedMinorUnits(raw: string, exponent: number): number | null {
  const text = raw.trim().replace(/,/g, "");
  const match = /^(\d{1,12})(?:\.(\d+))?$/.exec(text);
  if (!match || (match[2] ?? "").length > exponent) return null;
  const value = Number(match[1]) * 10 ** exponent + Number((match[2] ?? "").padEnd(exponent, "0") || 0);
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

export default function CreatorPage() {
  const page = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const { creator, goal, viewer } = page;
  const rules = CURRENCY_RULES[creator.currency];
  const money = (amount: number) => formatMoney(amount, creator.currency, toIntlLocale(locale));
  const tipFailure = actionData?.intent === "tip" ? actionData : null;
  const pledgeFailure = actionData?.intent === "pledge" ? actionData : null;
  const tipFormRef = useFocusOnError(tipFailure);
  const pledgeFormRef = useFocusOnError(pledgeFailure);
  const idempotencyKey = actionData?.idempotencyKey ?? page.idempotencyKey;
  const isOwner = viewer?.isOwner ?? false;
  const walletFirst = viewer !== null && viewer.walletBalance >= rules.walletTipMin;
  const method = tipFailure?.values.method || (walletFirst ? "wallet" : "card");
  // Tenths of a percent, so an early ₩21,000 of ₩3,000,000 reads 0.7% rather than 0%.
  const permille = goal ? Math.min(1000, Math.floor((goal.raised * 1000) / goal.amount)) : 0;
  const percent = permille >= 100 ? String(Math.floor(permille / 10)) : `${Math.floor(permille / 10)}.${permille % 10}`;
  const loginHref = `/login?redirectTo=${encodeURIComponent(`/@${creator.handle}`)}`;
  // The fee example follows the amount picked (with JavaScript); without it, the preset checked when the page loads.
  const initialExample = Number(tipFailure?.values.amount || rules.presets[Math.min(1, rules.presets.length - 1)]);
  const [example, setExample] = useState(initialExample);
  const onTipFormChange = (event: FormEvent<HTMLFormElement>) => {
    const fields = new FormData(event.currentTarget);
    const typed = typedMinorUnits(String(fields.get("customAmount") ?? ""), rules.exponent);
    const picked = Number(fields.get("amount"));
    const next = typed ?? (Number.isSafeInteger(picked) && picked > 0 ? picked : null);
    if (next !== null && next <= rules.tipMax) setExample(next);
  };
  const fee = splitGross(example, page.feeBps);

  return (
    <div className="container creator-page">
      {page.pledgeNotice ? (
        <Notice tone={page.pledgeNotice === "paid" ? "success" : "warning"}>
          <p>{t(page.pledgeNotice === "paid" ? "pledge.noticePaid" : "pledge.noticeShort")}</p>
          {page.pledgeNotice === "paid" ? null : (
            <p>
              <Link to="/wallet">{t("tip.topUpLink")}</Link>
            </p>
          )}
        </Notice>
      ) : null}

      <section className="creator-profile" aria-labelledby="creator-name">
        <Avatar url={creator.avatarUrl} name={creator.displayName} size={96} alt={t("fan.creator.avatarAlt", { name: creator.displayName })} />
        <div className="creator-profile__text">
          <h1 id="creator-name" className="creator-profile__name">
            {creator.displayName}
          </h1>
          <p className="creator-profile__handle">@{creator.handle}</p>
          <span className={`badge badge--${creator.category}`}>{t(`category.${creator.category}` as MessageKey)}</span>
          {creator.bio ? <p className="creator-profile__bio">{creator.bio}</p> : null}
        </div>
        {isOwner ? (
          <p className="creator-profile__owner">
            {t("fan.creator.ownPage")} <Link to="/dashboard">{t("fan.creator.ownPageDashboard")}</Link>
          </p>
        ) : null}
      </section>

      {goal ? (
        <section className="panel creator-goal" aria-labelledby="goal-heading">
          <h2 id="goal-heading" className="panel__heading">
            {t("fan.goal.heading")}
            {goal.title ? <span className="creator-goal__title">: {goal.title}</span> : null}
          </h2>
          <progress className="goal-bar" max={1000} value={permille} aria-label={t("fan.goal.label")} aria-valuetext={t("fan.goal.percent", { percent })}>
            {percent}%
          </progress>
          <p className="creator-goal__numbers">
            <span>{t("fan.goal.progress", { raised: money(goal.raised), goal: money(goal.amount) })}</span>
            <strong>{t("fan.goal.percent", { percent })}</strong>
          </p>
        </section>
      ) : null}

      <div className="creator-support">
        {isOwner ? null : (
          <section className="panel tip-panel" id="tip" aria-labelledby="tip-heading">
            <h2 id="tip-heading" className="panel__heading">
              {t("tip.heading")}
            </h2>
            <Form method="post" className="tip-form" ref={tipFormRef} onChange={onTipFormChange}>
              <FormError message={tipFailure?.formError} />
              {tipFailure?.code === "insufficient_funds" ? (
                <p className="form-error__action">
                  <Link to="/wallet">{t("tip.topUpLink")}</Link>
                </p>
              ) : null}
              <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
              <AmountPicker
                idPrefix="tip"
                legend={t("tip.amountLegend")}
                currency={creator.currency}
                presets={rules.presets}
                defaultPreset={tipFailure?.values.amount}
                defaultCustom={tipFailure?.values.customAmount}
                customLabel={t("tip.customAmount")}
                customHint={t("tip.customHint", { walletMin: money(rules.walletTipMin), cardMin: money(rules.cardTipMin) })}
                errors={tipFailure?.fieldErrors}
              />
              <TextAreaField
                id="tip-message"
                label={t("tip.message")}
                name="message"
                rows={3}
                maxLength={200}
                hint={t("tip.messageHint")}
                defaultValue={tipFailure?.values.message}
                errors={tipFailure?.fieldErrors}
              />
              <div className="checkbox-field">
                <input id="tip-anonymous" type="checkbox" name="anonymous" defaultChecked={tipFailure?.values.anonymous === "on"} />
                <label htmlFor="tip-anonymous">{t("tip.anonymous")}</label>
              </div>

              {viewer ? (
                <fieldset className="method-picker">
                  <legend>{t("tip.methodLegend")}</legend>
                  <label className="method-option">
                    <input type="radio" name="method" value="wallet" defaultChecked={method === "wallet"} />
                    <span>{t("tip.methodWallet", { balance: money(viewer.walletBalance) })}</span>
                  </label>
                  <label className="method-option">
                    <input type="radio" name="method" value="card" defaultChecked={method === "card"} />
                    <span>{t("tip.methodCard")}</span>
                  </label>
                </fieldset>
              ) : (
                <input type="hidden" name="method" value="card" />
              )}

              <div className="card-fields">
                {page.testMode ? <TestModeNotice /> : null}
                <Field
                  id="tip-card"
                  label={t("tip.cardNumber")}
                  name="card"
                  inputMode="numeric"
                  autoComplete="cc-number"
                  maxLength={64}
                  placeholder="4242 4242 4242 4242"
                  errors={tipFailure?.fieldErrors}
                />
                {viewer ? null : (
                  <Field
                    id="tip-supporter-name"
                    label={t("tip.supporterName")}
                    name="supporterName"
                    maxLength={40}
                    autoComplete="nickname"
                    hint={t("tip.supporterNameHint")}
                    defaultValue={tipFailure?.values.supporterName}
                    errors={tipFailure?.fieldErrors}
                  />
                )}
              </div>

              <div className="tip-fee" data-testid="tip-fee" aria-live="polite">
                <p>{t("tip.fee.line", { percent: bpsAsPercent(page.feeBps) })}</p>
                <p data-testid="tip-fee-example">{t("tip.fee.example", { amount: money(fee.gross), fee: money(fee.fee), net: money(fee.net) })}</p>
                <p>{t("tip.fee.cardNote")}</p>
              </div>

              <SubmitButton name="intent" value="tip" pendingLabel={t("tip.submitting")} className="button button--primary button--wide">
                {t("tip.submit")}
              </SubmitButton>
              {viewer ? null : (
                <p className="tip-form__guest">
                  {t("tip.guestNote")} <Link to={loginHref}>{t("tip.signInLink")}</Link>
                </p>
              )}
            </Form>
          </section>
        )}

        {isOwner ? null : (
          <section className="panel pledge-panel" id="pledge" aria-labelledby="pledge-heading">
            <h2 id="pledge-heading" className="panel__heading">
              {t("pledge.heading")}
            </h2>
            <p className="panel__lead">{t("pledge.lead")}</p>
            {viewer?.pledge ? (
              <p className="pledge-active">
                {t("pledge.active", { amount: money(viewer.pledge.amount) })} <Link to="/wallet#pledges">{t("pledge.manage")}</Link>
              </p>
            ) : viewer ? (
              <Form method="post" className="pledge-form" ref={pledgeFormRef}>
                <FormError message={pledgeFailure?.formError} />
                <AmountPicker
                  idPrefix="pledge"
                  legend={t("pledge.amountLegend")}
                  currency={creator.currency}
                  presets={rules.presets}
                  defaultPreset={pledgeFailure?.values.amount}
                  defaultCustom={pledgeFailure?.values.customAmount}
                  customLabel={t("pledge.customAmount")}
                  customHint={t("pledge.customHint", { min: money(rules.walletTipMin) })}
                  errors={pledgeFailure?.fieldErrors}
                />
                <SubmitButton name="intent" value="pledge" pendingLabel={t("pledge.submitting")} className="button button--ghost button--wide">
                  {t("pledge.submit")}
                </SubmitButton>
              </Form>
            ) : (
              <p>
                <Link to={loginHref} className="button button--ghost button--wide">
                  {t("pledge.signIn")}
                </Link>
              </p>
            )}
          </section>
        )}
      </div>

      <section className="panel" aria-labelledby="recent-heading">
        <h2 id="recent-heading" className="panel__heading">
          {t("fan.supporters.recentHeading")}
        </h2>
        {page.recent.length === 0 ? (
          <p className="panel__empty">{t("fan.supporters.empty")}</p>
        ) : (
          <ul className="supporter-list">
            {page.recent.map((tip) => (
              <li key={tip.id} className="supporter">
                <p className="supporter__line">
                  <span className="supporter__name">{tip.supporter ?? t("fan.supporters.anonymous")}</span>
                  <Money amount={tip.amount} currency={tip.currency} />
                </p>
                {tip.message ? <p className="supporter__message">{tip.message}</p> : null}
                <p className="supporter__time">
                  <DateTime iso={tip.createdAt} />
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="panel" aria-labelledby="top-heading">
        <h2 id="top-heading" className="panel__heading">
          {t("fan.supporters.topHeading")}
        </h2>
        {page.top.length === 0 ? (
          <p className="panel__empty">{t("fan.supporters.topEmpty")}</p>
        ) : (
          <ol className="top-list">
            {page.top.map((supporter, index) => (
              <li key={`${index}-${supporter.name}`} className="top-list__item">
                <span className="top-list__rank" aria-hidden="true">
                  {index + 1}
                </span>
                <span className="top-list__name">{supporter.name}</span>
                <span className="top-list__total">
                  <Money amount={supporter.total} currency={creator.currency} />
                  <span className="top-list__count">{t("fan.supporters.tipCount", { count: supporter.tips })}</span>
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>

      <section className="panel" aria-labelledby="posts-heading">
        <h2 id="posts-heading" className="panel__heading">
          {t("fan.posts.heading")}
        </h2>
        {page.posts.length === 0 ? (
          <p className="panel__empty">{t("fan.posts.empty")}</p>
        ) : (
          <ul className="post-list">
            {page.posts.map((post) => (
              <li key={post.slug}>
                <Link to={`/@${creator.handle}/p/${encodeURIComponent(post.slug)}`} className="post-card">
                  <h3 className="post-card__title">{post.title}</h3>
                  <p className="post-card__meta">
                    <span>{t(`fan.posts.kind.${post.kind}` as MessageKey)}</span>
                    <span aria-hidden="true">·</span>
                    <Money amount={post.price} currency={post.currency} />
                  </p>
                  {post.preview ? <p className="post-card__preview">{post.preview}</p> : null}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
