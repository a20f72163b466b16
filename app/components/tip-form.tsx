// The fan's tip form body, shared by the creator page and the embeddable widget: amount, message, anonymity,
// wallet or card, the card fields (with the test-mode notice when no real provider is configured; none when Stripe's
// Payment Element takes the card on the payment page), and the fee.
import { Form, Link } from "@remix-run/react";
import { useState, type FormEvent, type ReactNode, type RefObject } from "react";

import { AmountPicker, TestModeNotice } from "~/components/fan";
import { Field, FormError, SubmitButton, TextAreaField, type FieldErrors } from "~/components/forms";
import { CURRENCY_RULES, formatMoney, parseAmountInput, type Currency } from "~/money/currency";
import { bpsAsPercent, splitGross } from "~/money/fees";
import { toIntlLocale, useLocale, useT } from "~/utils/i18n";

export interface TipFormFailure {
  code: string;
  formError: string | null;
  fieldErrors: FieldErrors;
  values: Record<string, string>;
}

export function TipFormBody(props: {
  currency: Currency;
  idempotencyKey: string;
  failure: TipFormFailure | null;
  /** The signed-in fan's wallet balance in this currency; null for guests (card only). */
  walletBalance: number | null;
  testMode: boolean;
  /** Stripe's Payment Element is configured: the fan pays on the next page, so no card field here. */
  payInBrowser?: boolean;
  /** The platform fee, shown with an example for the amount picked so a fan sees what Sodam keeps before sending. */
  feeBps: number;
  formRef?: RefObject<HTMLFormElement>;
  action?: string;
  /** Submit as a plain form post (a full page load) instead of through the router: the widget's frame does. */
  reloadDocument?: boolean;
  /** Under the submit button: the guest's sign-in link, or the widget's wallet link. */
  footer?: ReactNode;
}) {
  const { currency, failure, walletBalance } = props;
  const t = useT();
  const locale = useLocale();
  const rules = CURRENCY_RULES[currency];
  const money = (amount: number) => formatMoney(amount, currency, toIntlLocale(locale));
  const walletFirst = walletBalance !== null && walletBalance >= rules.walletTipMin;
  const method = failure?.values.method || (walletFirst ? "wallet" : "card");
  // The fee example follows the amount picked (with JavaScript); without it, the preset checked when the page loads.
  const [example, setExample] = useState(Number(failure?.values.amount || rules.presets[Math.min(1, rules.presets.length - 1)]));
  const onChange = (event: FormEvent<HTMLFormElement>) => {
    const fields = new FormData(event.currentTarget);
    const typed = parseAmountInput(String(fields.get("customAmount") ?? ""), rules.exponent);
    const picked = Number(fields.get("amount"));
    const next = typed || (Number.isSafeInteger(picked) && picked > 0 ? picked : null);
    if (next && next <= rules.tipMax) setExample(next);
  };
  const fee = splitGross(example, props.feeBps);

  return (
    <Form method="post" action={props.action} reloadDocument={props.reloadDocument} className="tip-form" ref={props.formRef} onChange={onChange}>
      <FormError message={failure?.formError} />
      {failure?.code === "insufficient_funds" ? (
        <p className="form-error__action">
          <Link to="/wallet">{t("tip.topUpLink")}</Link>
        </p>
      ) : null}
      <input type="hidden" name="idempotencyKey" value={props.idempotencyKey} />
      <AmountPicker
        idPrefix="tip"
        legend={t("tip.amountLegend")}
        currency={currency}
        presets={rules.presets}
        defaultPreset={failure?.values.amount}
        defaultCustom={failure?.values.customAmount}
        customLabel={t("tip.customAmount")}
        customHint={t("tip.customHint", { walletMin: money(rules.walletTipMin), cardMin: money(rules.cardTipMin) })}
        errors={failure?.fieldErrors}
      />
      <TextAreaField
        id="tip-message"
        label={t("tip.message")}
        name="message"
        rows={3}
        maxLength={200}
        hint={t("tip.messageHint")}
        defaultValue={failure?.values.message}
        errors={failure?.fieldErrors}
      />
      <div className="checkbox-field">
        <input id="tip-anonymous" type="checkbox" name="anonymous" defaultChecked={failure?.values.anonymous === "on"} />
        <label htmlFor="tip-anonymous">{t("tip.anonymous")}</label>
      </div>

      {walletBalance !== null ? (
        <fieldset className="method-picker">
          <legend>{t("tip.methodLegend")}</legend>
          <label className="method-option">
            <input type="radio" name="method" value="wallet" defaultChecked={method === "wallet"} />
            <span>{t("tip.methodWallet", { balance: money(walletBalance) })}</span>
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
        {props.testMode ? <TestModeNotice /> : null}
        <CardEntry id="tip-card" label={t("tip.cardNumber")} payInBrowser={props.payInBrowser === true} errors={failure?.fieldErrors} />
        {walletBalance !== null ? null : (
          <Field
            id="tip-supporter-name"
            label={t("tip.supporterName")}
            name="supporterName"
            maxLength={40}
            autoComplete="nickname"
            hint={t("tip.supporterNameHint")}
            defaultValue={failure?.values.supporterName}
            errors={failure?.fieldErrors}
          />
        )}
      </div>

      <div className="tip-fee" data-testid="tip-fee" aria-live="polite">
        <p>{t("tip.fee.line", { percent: bpsAsPercent(props.feeBps) })}</p>
        <p data-testid="tip-fee-example">{t("tip.fee.example", { amount: money(fee.gross), fee: money(fee.fee), net: money(fee.net) })}</p>
        <p>{t("tip.fee.cardNote")}</p>
      </div>

      <SubmitButton name="intent" value="tip" pendingLabel={t("tip.submitting")} className="button button--primary button--wide">
        {t("tip.submit")}
      </SubmitButton>
      {props.footer}
    </Form>
  );
}

/**
 * The card of a tip or top-up: a card-number field (test-mode cards, or a Stripe PaymentMethod id without a
 * publishable key), or — with Stripe's Payment Element — a note that the fan pays on the next page.
 */
export function CardEntry(props: { id: string; label: string; payInBrowser: boolean; errors?: FieldErrors }) {
  const t = useT();
  if (props.payInBrowser) {
    return (
      <p className="card-fields__next" data-testid="pay-next-step">
        {t("payment.nextStep")}
      </p>
    );
  }
  return (
    <Field
      id={props.id}
      label={props.label}
      name="card"
      inputMode="numeric"
      autoComplete="cc-number"
      maxLength={64}
      placeholder="4242 4242 4242 4242"
      errors={props.errors}
    />
  );
}
