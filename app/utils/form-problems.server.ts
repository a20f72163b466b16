// Turns what a fan page's action caught — zod field errors from parseForm, or a Problem thrown by a domain
// function — into sentences in the fan's language: field errors next to their fields, anything else on top.
import type { FieldErrors } from "../components/forms";
import { CURRENCY_RULES, formatMoney, isCurrency, type Currency } from "../money/currency";
import { messages, t, toIntlLocale, type Locale, type MessageKey } from "./i18n";
import { Problem } from "./problem.server";

export interface FormFailure {
  status: number;
  code: string;
  formError: string | null;
  fieldErrors: FieldErrors;
}

function isMessageKey(text: string): text is MessageKey {
  return Object.prototype.hasOwnProperty.call(messages.ko, text);
}

/** Zod messages in the fan forms are message keys; anything else (a library's own text) is shown as it is. */
export function translateFieldErrors(locale: Locale, errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [field, list] of Object.entries(errors)) {
    if (list?.length) out[field] = [...new Set(list.map((m) => (isMessageKey(m) ? t(locale, m) : m)))];
  }
  return out;
}

/** A validation failure from parseForm, as a 422 with translated field errors. */
export function invalidForm(locale: Locale, errors: FieldErrors): FormFailure {
  const fieldErrors = translateFieldErrors(locale, errors);
  // A field the page does not show (a missing hidden key, a tampered value) still needs a visible message.
  const visible = Object.keys(fieldErrors).some((k) => !HIDDEN_FIELDS.has(k));
  return {
    status: 422,
    code: "validation_failed",
    formError: visible ? null : t(locale, "fan.error.invalidRequest"),
    fieldErrors,
  };
}

const HIDDEN_FIELDS = new Set(["idempotencyKey", "intent", "form", "pledgeId", "redirectTo", "method"]);

/** The JSON a Problem stored by withIdempotency (or replayed from it) back as a Problem. */
export function problemFromAnswer(answer: { status: number; body: unknown }): Problem {
  const body = (answer.body ?? {}) as { code?: unknown; detail?: unknown; errors?: unknown };
  const { type: _type, title: _title, status: _status, code: _code, detail: _detail, errors: _errors, ...extensions } = body as Record<string, unknown>;
  const scalars = Object.fromEntries(
    Object.entries(extensions).filter(([, v]) => v === null || typeof v === "string" || typeof v === "number"),
  ) as Record<string, string | number | null>;
  return new Problem(
    answer.status,
    typeof body.code === "string" ? body.code : "error",
    typeof body.detail === "string" ? body.detail : "",
    body.errors && typeof body.errors === "object" ? (body.errors as Record<string, string[]>) : undefined,
    undefined,
    Object.keys(scalars).length ? scalars : undefined,
  );
}

interface Context {
  /** The currency of the amount involved (the creator's, the top-up's). */
  currency?: Currency;
  /** Which minimum applies to a tip. */
  source?: "wallet" | "card";
  /** The field the page shows amount errors under. */
  amountField?: string;
}

/** A domain Problem as the page shows it, with the Problem's own HTTP status (402, 404, 409, 422, 429 …). */
export function describeProblem(locale: Locale, problem: Problem, context: Context = {}): FormFailure {
  const money = (amount: number, currency: Currency) => formatMoney(amount, currency, toIntlLocale(locale));
  const currency = context.currency ?? "KRW";
  const rules = CURRENCY_RULES[currency];
  const amountField = context.amountField ?? "amount";
  const onField = (field: string, text: string) => ({ formError: null, fieldErrors: { [field]: [text] } });
  const onForm = (text: string) => ({ formError: text, fieldErrors: {} });

  let shown: { formError: string | null; fieldErrors: FieldErrors };
  switch (problem.code) {
    case "insufficient_funds":
      shown = onForm(t(locale, "fan.problem.insufficientFunds"));
      break;
    case "card_declined":
      shown = onForm(t(locale, "fan.problem.cardDeclined"));
      break;
    case "card_insufficient_funds":
      shown = onForm(t(locale, "fan.problem.cardInsufficientFunds"));
      break;
    case "amount_too_small": {
      const min = context.source === "card" ? rules.cardTipMin : rules.walletTipMin;
      shown = onField(amountField, t(locale, "fan.problem.amountTooSmall", { min: money(min, currency) }));
      break;
    }
    case "amount_too_large":
      shown = onField(amountField, t(locale, "fan.problem.amountTooLarge", { max: money(rules.tipMax, currency) }));
      break;
    case "amount_out_of_range":
      shown = onField(
        amountField,
        t(locale, "fan.problem.amountOutOfRange", { min: money(rules.topupMin, currency), max: money(rules.topupMax, currency) }),
      );
      break;
    case "message_too_long":
      shown = onField("message", t(locale, "fan.problem.messageTooLong"));
      break;
    case "invalid_card":
      shown = onField("card", t(locale, "fan.problem.invalidCard"));
      break;
    case "currency_mismatch": {
      const expected = problem.fields?.currency?.[0]?.replace(/^must be /, "");
      shown = onForm(t(locale, "fan.problem.currencyMismatch", { currency: isCurrency(expected) ? expected : currency }));
      break;
    }
    case "pledge_exists":
      shown = onForm(t(locale, "fan.problem.pledgeExists"));
      break;
    case "self_pledge":
      shown = onForm(t(locale, "fan.problem.selfPledge"));
      break;
    case "pledge_not_found":
      shown = onForm(t(locale, "fan.problem.pledgeNotFound"));
      break;
    case "tip_blocked":
      shown = onForm(t(locale, "fan.problem.tipBlocked"));
      break;
    case "topup_blocked":
      shown = onForm(t(locale, "fan.problem.topupBlocked"));
      break;
    case "rate_limited":
      shown = onForm(t(locale, "fan.problem.rateLimited"));
      break;
    case "idempotency_key_reused":
      shown = onForm(t(locale, "fan.problem.idempotencyReused"));
      break;
    case "spending_cap_reached": {
      const ext = problem.extensions ?? {};
      const capCurrency = isCurrency(ext.currency) ? ext.currency : currency;
      const vars = { cap: money(Number(ext.cap ?? 0), capCurrency), remaining: money(Number(ext.remaining ?? 0), capCurrency) };
      shown = onForm(t(locale, ext.period === "month" ? "caps.problem.month" : "caps.problem.day", vars));
      break;
    }
    case "cap_out_of_range": {
      const ext = problem.extensions ?? {};
      const text = t(locale, "caps.problem.range", { min: money(Number(ext.min ?? 0), currency), max: money(Number(ext.max ?? 0), currency) });
      shown = onField(ext.field === "monthly" ? "monthly" : "daily", text);
      break;
    }
    case "cap_daily_above_monthly":
      shown = onField("daily", t(locale, "caps.problem.dailyAboveMonthly"));
      break;
    case "email_taken":
      shown = onField("email", t(locale, "fan.problem.emailTaken"));
      break;
    default:
      if (problem.status === 404) shown = onForm(t(locale, "fan.problem.notFound"));
      // Unknown codes: the English sentence is better than nothing for English readers; Korean gets the generic one.
      else shown = onForm(locale === "en" && problem.detail ? problem.detail : t(locale, "fan.error.generic"));
  }
  return { status: problem.status, code: problem.code, ...shown };
}
