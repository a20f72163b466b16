// The fan's wallet, `/wallet`: balances, a card top-up (test mode shows its test cards), the history of top-ups,
// tips and unlocks, and monthly pledges with a cancel button each.
import { randomUUID } from "node:crypto";
import { data, redirect, redirectDocument } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";

import { Notice, TestModeNotice, useFocusOnError } from "~/components/fan";
import { Field, FieldErrorList, FormError, SubmitButton } from "~/components/forms";
import { CardEntry } from "~/components/tip-form";
import { DateTime, Money } from "~/components/money";
import { amountInputText } from "~/models/creator-forms.server";
import { CURRENCIES, CURRENCY_RULES, formatMoney, parseAmountInput, type Currency } from "~/money/currency";
import { getPaymentProvider, paymentPageConfig } from "~/money/payment-provider.server";
import { getWalletBalances, startCardPayment, topUpWallet, validateTopUp } from "~/money/payments.server";
import { cancelPledge, listFanPledges } from "~/money/pledges.server";
import { getSpendingCaps, listCapCurrencies, setSpendingCaps } from "~/money/spending-caps.server";
import { listWalletActivity } from "~/money/wallet-history.server";
import { clientIp, consumeRateLimit } from "~/risk/rate-limits.server";
import { noteCardDecline, screenPayment } from "~/risk/screening.server";
import { getDb } from "~/utils/db.server";
import { describeProblem, invalidForm, problemFromAnswer, type FormFailure } from "~/utils/form-problems.server";
import { parseForm } from "~/utils/forms.server";
import { getLocale, isLocale, t, toIntlLocale, useLocale, useT } from "~/utils/i18n";
import type { Locale, MessageKey } from "~/utils/i18n";
import { requestFingerprint, withIdempotency } from "~/utils/idempotency.server";
import { Problem } from "~/utils/problem.server";
import { requireUser } from "~/utils/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const [balances, activity, pledges, capCurrencies] = await Promise.all([
    getWalletBalances(db, user.id),
    listWalletActivity(db, { userId: user.id, limit: 30 }),
    listFanPledges(db, user.id),
    listCapCurrencies(db, user.id),
  ]);
  // Caps for KRW always, and for any other currency the fan holds or has capped.
  const currencies = CURRENCIES.filter((c) => c === "KRW" || capCurrencies.includes(c) || balances.some((b) => b.currency === c));
  const typed = (amount: number | null, currency: Currency) => (amount === null ? "" : amountInputText(amount, currency));
  const caps = (await Promise.all(currencies.map((currency) => getSpendingCaps(db, { fanId: user.id, currency })))).map((c) => ({
    ...c,
    inputs: { daily: typed(c.day.amount, c.currency), monthly: typed(c.month.amount, c.currency) },
  }));
  const notice = new URL(request.url).searchParams.get("notice");
  return {
    balances,
    activity,
    pledges,
    caps,
    idempotencyKey: randomUUID(),
    testMode: getPaymentProvider().isTestMode,
    payInBrowser: paymentPageConfig().publishableKey !== null,
    notice: notice === "topup" || notice === "pledgeCancelled" || notice === "caps" ? notice : null,
  };
}

export const meta: MetaFunction = ({ matches }) => {
  const rootData = matches.find((match) => match.id === "root")?.data as { locale?: unknown } | undefined;
  const locale: Locale = isLocale(rootData?.locale) ? rootData.locale : "ko";
  return [{ title: t(locale, "wallet.title") }];
};

const TopUpForm = z.object({
  intent: z.literal("topup"),
  amount: z.string().trim().min(1, "fan.error.amountChoose").max(20, "fan.error.amountInvalid"),
  currency: z.enum(CURRENCIES, "fan.error.currency"),
  // Empty when Stripe's Payment Element takes the card on the payment page.
  card: z.string().trim().max(64, "fan.error.tooLong").default(""),
  idempotencyKey: z.uuid("fan.error.invalidRequest"),
});
const CancelForm = z.object({ intent: z.literal("cancelPledge"), pledgeId: z.coerce.number().int().positive("fan.error.invalidRequest") });
const CapsForm = z.object({
  intent: z.literal("caps"),
  currency: z.enum(CURRENCIES, "fan.error.currency"),
  daily: z.string().trim().max(20, "caps.error.amount").default(""),
  monthly: z.string().trim().max(20, "caps.error.amount").default(""),
});
const ActionForm = z.discriminatedUnion("intent", [TopUpForm, CancelForm, CapsForm], { error: "fan.error.invalidRequest" });

type ActionData = FormFailure & { intent: "topup" | "cancelPledge" | "caps"; values: Record<string, string>; idempotencyKey: string };

function failure(intent: ActionData["intent"], failed: FormFailure, values: Record<string, string>) {
  // A declined card keeps its key's answer at the provider, so the next try is a new request.
  return data<ActionData>({ ...failed, intent, values, idempotencyKey: randomUUID() }, { status: failed.status });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const locale = getLocale(request);
  const form = await parseForm(request, ActionForm);
  if (!form.ok) {
    const intent = form.values.intent === "cancelPledge" || form.values.intent === "caps" ? form.values.intent : "topup";
    return failure(intent, invalidForm(locale, form.errors), form.values);
  }
  const input = form.data;
  const db = getDb();

  if (input.intent === "cancelPledge") {
    try {
      await cancelPledge(db, { fanId: user.id, pledgeId: input.pledgeId });
      return redirect("/wallet?notice=pledgeCancelled");
    } catch (error) {
      if (error instanceof Problem && error.status < 500) return failure("cancelPledge", describeProblem(locale, error), {});
      throw error;
    }
  }

  if (input.intent === "caps") {
    // Empty: no cap. Setting caps is idempotent by itself (the same values again change nothing, and a raise
    // sent twice keeps its first waiting time), so this form needs no idempotency key.
    const values = { currency: input.currency, daily: input.daily, monthly: input.monthly };
    const exponent = CURRENCY_RULES[input.currency].exponent;
    const parse = (raw: string) => (raw === "" ? null : parseAmountInput(raw, exponent));
    const daily = parse(input.daily);
    const monthly = parse(input.monthly);
    const errors: Record<string, string[]> = {};
    if (input.daily !== "" && daily === null) errors.daily = ["caps.error.amount"];
    if (input.monthly !== "" && monthly === null) errors.monthly = ["caps.error.amount"];
    if (Object.keys(errors).length) return failure("caps", invalidForm(locale, errors), values);
    try {
      await setSpendingCaps(db, { fanId: user.id, currency: input.currency, daily, monthly });
      return redirect("/wallet?notice=caps#caps");
    } catch (error) {
      if (error instanceof Problem && error.status < 500) return failure("caps", describeProblem(locale, error, { currency: input.currency }), values);
      throw error;
    }
  }

  // The card number is not echoed back into the page.
  const values = { amount: input.amount, currency: input.currency };
  const amount = parseAmountInput(input.amount, CURRENCY_RULES[input.currency].exponent);
  if (amount === null) return failure("topup", invalidForm(locale, { amount: ["fan.error.amountInvalid"] }), values);
  const context = { currency: input.currency } as const;
  const provider = getPaymentProvider();
  const card = input.card || null;
  const inBrowser = card === null && paymentPageConfig().publishableKey !== null && provider.createPaymentIntent !== undefined;
  if (!card && !inBrowser) return failure("topup", invalidForm(locale, { card: ["fan.error.cardRequired"] }), values);
  try {
    await consumeRateLimit("topup", user.id);
    const risk = { fan: user, ip: clientIp(request), card, amount, currency: input.currency };
    const answer = await withIdempotency(
      db,
      { userId: user.id, key: input.idempotencyKey, fingerprint: requestFingerprint("POST", "/wallet#topup", { amount, currency: input.currency, card: input.card }) },
      async (trx) => {
        validateTopUp(amount, input.currency);
        const screening = await screenPayment(trx, { action: "topup", ...risk });
        const providerKey = `topup:${user.id}:${input.idempotencyKey}`;
        if (!card) {
          const started = await startCardPayment(trx, provider, { purpose: "topup", userId: user.id, amount, currency: input.currency, providerKey });
          await screening.record(trx, { paymentId: started.payment.id });
          return { status: 201, body: { paymentId: started.payment.id, status: started.payment.status } };
        }
        const outcome = await topUpWallet(trx, provider, { userId: user.id, amount, currency: input.currency, card, providerKey });
        await screening.record(trx, { paymentId: outcome.payment.id });
        if (!outcome.ok) return { status: outcome.problem.status, body: outcome.problem.toJSON() };
        return { status: 201, body: { paymentId: outcome.payment.id, status: outcome.payment.status } };
      },
    );
    if (answer.status !== 201) {
      const problem = problemFromAnswer(answer);
      if (problem.code === "card_declined" && !answer.replayed) await noteCardDecline({ action: "topup", ...risk });
      return failure("topup", describeProblem(locale, problem, context), values);
    }
    // Credited only once the payment has gone through; one that waits for the fan (3-D Secure) has its own page.
    const paid = answer.body as { paymentId: string; status: string };
    if (paid.status !== "succeeded") return redirectDocument(`/payments/${paid.paymentId}`);
    return redirect("/wallet?notice=topup");
  } catch (error) {
    if (error instanceof Problem && error.status < 500) return failure("topup", describeProblem(locale, error, context), values);
    throw error;
  }
}

/** A time as text inside a sentence, in Seoul time and the page's language (24-hour, like <DateTime>). */
function seoulDateTimeText(iso: string, locale: Locale) {
  return new Intl.DateTimeFormat(toIntlLocale(locale), { dateStyle: "medium", timeStyle: "short", hourCycle: "h23", timeZone: "Asia/Seoul" }).format(new Date(iso));
}

const TOPUP_STATUS: Record<string, MessageKey> = {
  pending: "wallet.activity.topupPending",
  succeeded: "wallet.activity.topup",
  failed: "wallet.activity.topupFailed",
  refunded: "wallet.activity.topupRefunded",
};

const TIP_STATUS: Record<string, MessageKey | null> = { pending: null, held: "wallet.activity.held", settled: null, refunded: "wallet.activity.refunded" };

export default function Wallet() {
  const page = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const topupFailure = actionData?.intent === "topup" ? actionData : null;
  const cancelFailure = actionData?.intent === "cancelPledge" ? actionData : null;
  const capsFailure = actionData?.intent === "caps" ? actionData : null;
  const topupFormRef = useFocusOnError(topupFailure);
  const idempotencyKey = actionData?.idempotencyKey ?? page.idempotencyKey;
  const currency = topupFailure?.values.currency === "USD" ? "USD" : "KRW";
  const amountErrors = topupFailure?.fieldErrors.amount;

  return (
    <div className="container wallet-page">
      <h1 className="page-title">{t("wallet.heading")}</h1>
      {page.notice ? (
        <Notice>{t(page.notice === "topup" ? "wallet.noticeTopup" : page.notice === "caps" ? "caps.saved" : "wallet.noticePledgeCancelled")}</Notice>
      ) : null}

      <div className="wallet-grid">
        <section className="panel wallet-balance" aria-labelledby="balance-heading">
          <h2 id="balance-heading" className="panel__heading">
            {t("wallet.balanceHeading")}
          </h2>
          {page.balances.length === 0 ? (
            <p className="panel__empty">{t("wallet.noBalance")}</p>
          ) : (
            <ul className="balance-list">
              {page.balances.map((balance) => (
                <li key={balance.currency} className="balance-list__item" data-testid={`balance-${balance.currency}`}>
                  <Money amount={balance.balance} currency={balance.currency} />
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="panel wallet-topup" aria-labelledby="topup-heading">
          <h2 id="topup-heading" className="panel__heading">
            {t("wallet.topupHeading")}
          </h2>
          <Form method="post" className="topup-form" ref={topupFormRef}>
            <FormError message={topupFailure?.formError} />
            <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
            <div className="topup-form__row">
              <div className="field topup-form__currency">
                <label htmlFor="topup-currency">{t("wallet.currency")}</label>
                <select id="topup-currency" name="currency" defaultValue={currency}>
                  {CURRENCIES.map((c) => (
                    <option key={c} value={c}>
                      {t(`wallet.currency${c}` as MessageKey)}
                    </option>
                  ))}
                </select>
                <FieldErrorList id="topup-currency-error" messages={topupFailure?.fieldErrors.currency} />
              </div>
              <Field
                id="topup-amount"
                label={t("wallet.amount")}
                name="amount"
                inputMode="decimal"
                autoComplete="off"
                maxLength={20}
                defaultValue={topupFailure?.values.amount ?? "10000"}
                hint={t("wallet.amountHint")}
                errors={amountErrors ? { amount: amountErrors } : undefined}
              />
            </div>
            {page.testMode ? <TestModeNotice /> : null}
            <CardEntry id="topup-card" label={t("wallet.card")} payInBrowser={page.payInBrowser} errors={topupFailure?.fieldErrors} />
            <SubmitButton name="intent" value="topup" pendingLabel={t("wallet.topupSubmitting")} className="button button--primary button--wide">
              {t("wallet.topupSubmit")}
            </SubmitButton>
          </Form>
        </section>

        <section className="panel wallet-pledges" id="pledges" aria-labelledby="pledges-heading">
          <h2 id="pledges-heading" className="panel__heading">
            {t("wallet.pledgesHeading")}
          </h2>
          <FormError message={cancelFailure?.formError} />
          {page.pledges.length === 0 ? (
            <p className="panel__empty">{t("wallet.pledgesEmpty")}</p>
          ) : (
            <ul className="pledge-list">
              {page.pledges.map((pledge) => (
                <li key={pledge.id} className={pledge.status === "active" ? "pledge-item" : "pledge-item is-cancelled"}>
                  <div className="pledge-item__text">
                    <p className="pledge-item__line">
                      <Link to={`/@${pledge.creatorHandle}`}>{pledge.creatorName}</Link>
                      <span className="pledge-item__amount">
                        {t("pledge.perMonth", { amount: formatMoney(pledge.amount, pledge.currency, toIntlLocale(locale)) })}
                      </span>
                    </p>
                    {pledge.lastCharge ? (
                      <p className={pledge.lastCharge.status === "paid" ? "pledge-item__charge" : "pledge-item__charge is-short"}>
                        {t(
                          pledge.lastCharge.status === "paid"
                            ? "wallet.pledgeLastPaid"
                            : pledge.lastCharge.status === "spending_cap_reached"
                              ? "caps.pledgeCapped"
                              : "wallet.pledgeLastShort",
                          { month: pledge.lastCharge.month },
                        )}
                      </p>
                    ) : null}
                  </div>
                  {pledge.status === "active" ? (
                    <Form method="post" className="pledge-item__cancel">
                      <input type="hidden" name="pledgeId" value={pledge.id} />
                      <SubmitButton
                        name="intent"
                        value="cancelPledge"
                        pendingLabel={t("wallet.pledgeCancelling")}
                        className="button button--ghost button--small"
                      >
                        <span aria-hidden="true">{t("wallet.pledgeCancel")}</span>
                        <span className="visually-hidden">{t("wallet.pledgeCancelLabel", { name: pledge.creatorName })}</span>
                      </SubmitButton>
                    </Form>
                  ) : (
                    <span className="status status--cancelled">{t("wallet.pledgeCancelled")}</span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="panel wallet-caps" id="caps" aria-labelledby="caps-heading">
          <h2 id="caps-heading" className="panel__heading">
            {t("caps.heading")}
          </h2>
          <p className="panel__lead">{t("caps.lead")}</p>
          {page.caps.map((caps) => {
            const failed = capsFailure?.values.currency === caps.currency ? capsFailure : null;
            const money = (amount: number) => formatMoney(amount, caps.currency, toIntlLocale(locale));
            return (
              <Form method="post" className="caps-form" key={caps.currency} data-testid={`caps-${caps.currency}`}>
                <input type="hidden" name="currency" value={caps.currency} />
                <FormError message={failed?.formError} />
                <fieldset className="caps-form__fields">
                  <legend>{t("caps.currencyLegend", { currency: caps.currency })}</legend>
                  {(["day", "month"] as const).map((period) => {
                    const state = caps[period];
                    const name = period === "day" ? "daily" : "monthly";
                    return (
                      <div key={period} className="caps-form__cap">
                        <Field
                          id={`caps-${caps.currency}-${name}`}
                          label={t(period === "day" ? "caps.daily" : "caps.monthly")}
                          name={name}
                          inputMode="decimal"
                          autoComplete="off"
                          maxLength={20}
                          defaultValue={failed?.values[name] ?? caps.inputs[name]}
                          hint={t("caps.emptyHint")}
                          errors={failed?.fieldErrors[name] ? { [name]: failed.fieldErrors[name]! } : undefined}
                        />
                        <p className="caps-form__status">
                          {t(period === "day" ? "caps.spentDay" : "caps.spentMonth", {
                            spent: money(state.spent),
                            cap: state.amount === null ? t("caps.none") : money(state.amount),
                          })}
                        </p>
                        {state.pending ? (
                          <p className="caps-form__pending">
                            {state.pending.amount === null
                              ? t("caps.pendingRemoval", { at: seoulDateTimeText(state.pending.from, locale) })
                              : t("caps.pendingRaise", { amount: money(state.pending.amount), at: seoulDateTimeText(state.pending.from, locale) })}
                          </p>
                        ) : null}
                      </div>
                    );
                  })}
                </fieldset>
                <SubmitButton name="intent" value="caps" pendingLabel={t("caps.saving")} className="button button--ghost">
                  {t("caps.save")}
                </SubmitButton>
              </Form>
            );
          })}
        </section>

        <section className="panel wallet-activity" aria-labelledby="activity-heading">
          <h2 id="activity-heading" className="panel__heading">
            {t("wallet.activityHeading")}
          </h2>
          {page.activity.length === 0 ? (
            <p className="panel__empty">{t("wallet.activityEmpty")}</p>
          ) : (
            <ul className="activity-list">
              {page.activity.map((item) => (
                <li key={`${item.kind}-${item.id}`} className="activity">
                  {item.kind === "topup" ? (
                    <>
                      <span className="activity__what">
                        {item.status === "pending" ? (
                          <Link to={`/payments/${item.id}`}>{t("wallet.activity.topupPending")}</Link>
                        ) : (
                          t(TOPUP_STATUS[item.status])
                        )}
                      </span>
                      {/* Only a top-up that went through was credited; a pending or failed one shows no "+". */}
                      <span className={item.status === "succeeded" ? "activity__amount is-credit" : `activity__amount is-${item.status}`}>
                        {item.status === "succeeded" ? "+" : null}
                        <Money amount={item.amount} currency={item.currency} />
                      </span>
                    </>
                  ) : (
                    <>
                      <span className="activity__what">
                        {item.purpose === "unlock" && item.post ? (
                          <Link to={`/@${item.creator.handle}/p/${encodeURIComponent(item.post.slug)}`}>
                            {t("wallet.activity.unlock", { title: item.post.title })}
                          </Link>
                        ) : (
                          <Link to={`/tips/${item.id}`}>
                            {t(item.purpose === "pledge" ? "wallet.activity.pledge" : "wallet.activity.tip", { name: item.creator.displayName })}
                          </Link>
                        )}
                        {item.source === "card" ? <span className="activity__note"> · {t("wallet.activity.viaCard")}</span> : null}
                        {TIP_STATUS[item.status] ? <span className="activity__note"> · {t(TIP_STATUS[item.status]!)}</span> : null}
                      </span>
                      <span className="activity__amount">
                        −<Money amount={item.amount} currency={item.currency} />
                      </span>
                    </>
                  )}
                  <span className="activity__time">
                    <DateTime iso={item.at} />
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}
