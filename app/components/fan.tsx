// UI pieces of the fan pages: avatars, amount pickers, the test-mode card notice and page notices. UI only.
import { useEffect, useRef, type ReactNode } from "react";
import { CURRENCY_RULES, formatMoney, type Currency } from "~/money/currency";
import { toIntlLocale, useLocale, useT } from "~/utils/i18n";
import { FieldErrorList, type FieldErrors } from "./forms";

/** Only our own files or https images; anything else falls back to the initial. */
export function safeImageUrl(url: string | null) {
  if (!url) return null;
  if (url.startsWith("/") && !url.startsWith("//") && !url.startsWith("/\\")) return url;
  if (url.startsWith("https://")) return url;
  return null;
}

export function Avatar({ url, name, size = 56, alt }: { url: string | null; name: string; size?: number; alt: string }) {
  const src = safeImageUrl(url);
  if (src) return <img className="avatar" src={src} alt={alt} width={size} height={size} style={{ width: size, height: size }} />;
  return (
    <span className="avatar avatar--initial" aria-hidden="true" style={{ width: size, height: size }}>
      {Array.from(name.trim())[0] ?? "?"}
    </span>
  );
}

/**
 * Preset amounts as radio buttons plus an optional typed amount (which wins when filled). Works without
 * JavaScript: both are plain inputs, the server decides. Amount errors are listed under the group.
 */
export function AmountPicker({
  idPrefix,
  legend,
  currency,
  presets,
  defaultPreset,
  defaultCustom,
  customLabel,
  customHint,
  errors,
  errorKey = "amount",
}: {
  idPrefix: string;
  legend: ReactNode;
  currency: Currency;
  presets: number[];
  defaultPreset?: string;
  defaultCustom?: string;
  customLabel: ReactNode;
  customHint: ReactNode;
  errors?: FieldErrors;
  errorKey?: string;
}) {
  const locale = useLocale();
  // Errors about the typed amount are errors about the amount.
  const collected = [...(errors?.[errorKey] ?? []), ...(errors?.customAmount ?? [])];
  const messages = collected.length ? collected : undefined;
  const errorId = `${idPrefix}-amount-error`;
  const hintId = `${idPrefix}-custom-hint`;
  const checked = defaultPreset ?? String(presets[Math.min(1, presets.length - 1)]);
  const decimals = CURRENCY_RULES[currency].exponent > 0;
  return (
    <fieldset className="amount-picker" aria-describedby={messages?.length ? errorId : undefined}>
      <legend>{legend}</legend>
      <div className="amount-picker__options">
        {presets.map((amount) => (
          <label key={amount} className="amount-option">
            <input type="radio" name="amount" value={String(amount)} defaultChecked={String(amount) === checked} />
            <span>{formatMoney(amount, currency, toIntlLocale(locale))}</span>
          </label>
        ))}
      </div>
      <div className="field field--custom-amount">
        <label htmlFor={`${idPrefix}-custom`}>{customLabel}</label>
        <div className="money-input">
          <span className="money-input__symbol" aria-hidden="true">
            {currency === "KRW" ? "₩" : "$"}
          </span>
          <input
            id={`${idPrefix}-custom`}
            name="customAmount"
            inputMode={decimals ? "decimal" : "numeric"}
            autoComplete="off"
            maxLength={16}
            defaultValue={defaultCustom}
            aria-invalid={messages?.length ? true : undefined}
            aria-describedby={[hintId, messages?.length ? errorId : null].filter(Boolean).join(" ")}
          />
        </div>
        <p className="field__hint" id={hintId}>
          {customHint}
        </p>
      </div>
      <FieldErrorList id={errorId} messages={messages} />
    </fieldset>
  );
}

/** The clearly labelled test-mode notice next to every card field. */
export function TestModeNotice() {
  const t = useT();
  return (
    <div className="testmode-notice" role="note">
      <p className="testmode-notice__title">
        <strong>{t("fan.testMode.title")}</strong>
      </p>
      <p>{t("fan.testMode.body")}</p>
      <ul>
        <li>
          <code>4242 4242 4242 4242</code> — {t("fan.testMode.succeeds")}
        </li>
        <li>
          <code>4000 0000 0000 0002</code> — {t("fan.testMode.declined")}
        </li>
      </ul>
    </div>
  );
}

/** A page-level confirmation (after a redirect), announced politely. */
export function Notice({ children, tone = "success" }: { children: ReactNode; tone?: "success" | "warning" }) {
  return (
    <div className={`notice notice--${tone}`} role="status">
      {children}
    </div>
  );
}

/**
 * After a failed submit (with JavaScript), brings the problem into view: focus on the first invalid field, else
 * the form's error message is scrolled to. Without JavaScript the server's page simply shows them.
 */
export function useFocusOnError(failure: object | null | undefined) {
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const form = formRef.current;
    if (!failure || !form) return;
    const invalid = form.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (invalid) invalid.focus();
    else form.querySelector(".form-error")?.scrollIntoView({ block: "center" });
  }, [failure]);
  return formRef;
}
