// A creator's public page, `/@handle`: profile, goal, supporters, paid posts, the tip form and the monthly pledge
// form. The route file is `$handle` because a flat route cannot mix "@" and a parameter in one segment; any
// segment without the "@" is a 404 (findCreatorByPageParam).
import { randomUUID } from "node:crypto";
import { data, redirect, redirectDocument } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";

import { AmountPicker, Avatar, Notice, useFocusOnError } from "~/components/fan";
import { FormError, SubmitButton } from "~/components/forms";
import { GoalProgress } from "~/components/goal";
import { DateTime, Money } from "~/components/money";
import { TipFormBody } from "~/components/tip-form";
import { relayTipEventsSoon } from "~/jobs/relay.server";
import { findCreatorByPageParam, getCreatorPage } from "~/models/creator-page.server";
import { chosenAmount, CreatorPageForm, refusedTipForm, submitTipForm } from "~/models/tip-form.server";
import { CURRENCY_RULES, formatMoney } from "~/money/currency";
import { getPaymentProvider, paymentPageConfig } from "~/money/payment-provider.server";
import { createPledge } from "~/money/pledges.server";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { describeProblem, invalidForm, type FormFailure } from "~/utils/form-problems.server";
import { parseForm } from "~/utils/forms.server";
import { getLocale, isLocale, t, toIntlLocale, useLocale, useT } from "~/utils/i18n";
import type { Locale, MessageKey } from "~/utils/i18n";
import { Problem } from "~/utils/problem.server";
import { getSessionUser, requireUser } from "~/utils/session.server";

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
    payInBrowser: paymentPageConfig().publishableKey !== null,
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

type ActionData = FormFailure & { intent: "tip" | "pledge"; values: Record<string, string>; idempotencyKey: string };

function failure(intent: "tip" | "pledge", failed: FormFailure, values: Record<string, string>) {
  return data<ActionData>({ ...refusedTipForm(failed, values), intent }, { status: failed.status });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const locale = getLocale(request);
  const db = getDb();
  const creator = await findCreatorByPageParam(db, params.handle);
  if (!creator) throw notFound();
  const user = await getSessionUser(request);
  const form = await parseForm(request, CreatorPageForm);
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

  const submitted = await submitTipForm(request, { creator, user, input, locale });
  if (!submitted.ok) return failure("tip", submitted.failed, values);
  // A card payment that waits for the fan is not a tip yet: its page asks them to confirm it.
  if (submitted.pending) return redirectDocument(`/payments/${submitted.paymentId}`);
  return redirect(`/tips/${submitted.tipId}`);
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
  const loginHref = `/login?redirectTo=${encodeURIComponent(`/@${creator.handle}`)}`;

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
          <GoalProgress raised={goal.raised} amount={goal.amount} currency={creator.currency} />
        </section>
      ) : null}

      <div className="creator-support">
        {isOwner ? null : (
          <section className="panel tip-panel" id="tip" aria-labelledby="tip-heading">
            <h2 id="tip-heading" className="panel__heading">
              {t("tip.heading")}
            </h2>
            <TipFormBody
              currency={creator.currency}
              idempotencyKey={idempotencyKey}
              failure={tipFailure}
              walletBalance={viewer ? viewer.walletBalance : null}
              testMode={page.testMode}
              payInBrowser={page.payInBrowser}
              feeBps={page.feeBps}
              formRef={tipFormRef}
              footer={
                viewer ? null : (
                  <p className="tip-form__guest">
                    {t("tip.guestNote")} <Link to={loginHref}>{t("tip.signInLink")}</Link>
                  </p>
                )
              }
            />
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
