// UI pieces of the creator pages (onboarding and dashboard): page titles, radio and select fields, the avatar
// picker, balance cards and the tips table. UI only; the routes' loaders bring the data.
import type { LinkDescriptor, MetaFunction } from "@remix-run/node";
import { useEffect, useRef, type ReactNode, type SelectHTMLAttributes } from "react";

import type { CreatorTipRow } from "~/money/dashboard.server";
import type { EarningsBalance } from "~/money/earnings.server";
import { formatMoney, type Currency } from "~/money/currency";
import { isLocale, t, toIntlLocale, useLocale, useT, type MessageKey } from "~/utils/i18n";
import { FieldErrorList, type FieldErrors } from "./forms";
import { DateTime, Money } from "./money";

/** Styles of the creator pages, loaded only on them. */
export const dashboardStyles: LinkDescriptor[] = [{ rel: "stylesheet", href: "/dashboard.css" }];

/** `<title>` of a creator page in the page's language; private pages are kept out of search engines. */
export function creatorPageMeta(key: MessageKey): MetaFunction {
  return ({ matches }) => {
    const rootData = matches.find((match) => match.id === "root")?.data as { locale?: unknown } | undefined;
    const locale = isLocale(rootData?.locale) ? rootData.locale : "ko";
    return [{ title: `${t(locale, key)} · 소담 Sodam` }, { name: "robots", content: "noindex" }];
  };
}

/** formatMoney in the page's language, for amounts inside sentences. */
export function useFormatMoney() {
  const intl = toIntlLocale(useLocale());
  return (amount: number, currency: Currency) => formatMoney(amount, currency, intl);
}

/**
 * After a refused submission (with JavaScript), moves focus to the first field in error so keyboard and screen
 * reader users land on it. Give the returned ref to the form; `errors` is that form's field errors.
 */
export function useFocusFirstInvalid(errors: unknown) {
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (errors) form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);
  return form;
}

function describedBy(id: string, hint: ReactNode, messages: string[] | undefined) {
  return [hint ? `${id}-hint` : null, messages?.length ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
}

export function SelectField({
  label,
  name,
  errors,
  hint,
  options,
  ...select
}: {
  label: ReactNode;
  name: string;
  errors?: FieldErrors;
  hint?: ReactNode;
  options: { value: string; label: string }[];
} & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = select.id ?? `field-${name}`;
  const messages = errors?.[name];
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} aria-invalid={messages?.length ? true : undefined} aria-describedby={describedBy(id, hint, messages)} {...select}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {hint ? (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <FieldErrorList id={`${id}-error`} messages={messages} />
    </div>
  );
}

/** A group of radio buttons in a fieldset; the legend names the group, each label its option. */
export function RadioGroup({
  legend,
  name,
  options,
  defaultValue,
  errors,
  hint,
  required,
  className,
}: {
  legend: ReactNode;
  name: string;
  options: { value: string; label: ReactNode }[];
  defaultValue?: string;
  errors?: FieldErrors;
  hint?: ReactNode;
  required?: boolean;
  className?: string;
}) {
  const id = `field-${name}`;
  const messages = errors?.[name];
  return (
    <fieldset className={`field radios ${className ?? ""}`} aria-describedby={describedBy(id, hint, messages)}>
      <legend>{legend}</legend>
      {hint ? (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <div className="radios__options">
        {options.map((option) => (
          <label key={option.value} className="radios__option">
            <input
              type="radio"
              name={name}
              value={option.value}
              defaultChecked={option.value === defaultValue}
              required={required}
              aria-invalid={messages?.length ? true : undefined}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
      <FieldErrorList id={`${id}-error`} messages={messages} />
    </fieldset>
  );
}

/** Which avatar radio a stored avatar URL corresponds to. */
export function avatarChoice(avatarUrl: string | null, avatars: string[]) {
  if (!avatarUrl) return "";
  return avatars.includes(avatarUrl) ? avatarUrl : "custom";
}

/** No picture, one of the shipped ones, or an https image address (the text field below the choices). */
export function AvatarPicker({
  avatars,
  choice,
  url,
  initial,
  errors,
}: {
  avatars: string[];
  choice: string;
  url: string;
  initial: string;
  errors?: FieldErrors;
}) {
  const translate = useT();
  return (
    <>
      <RadioGroup
        legend={translate("creator.field.avatar")}
        name="avatar"
        className="avatar-picker"
        defaultValue={choice}
        errors={errors}
        options={[
          {
            value: "",
            label: (
              <>
                <span className="avatar avatar--initial avatar-picker__avatar" aria-hidden="true">
                  {Array.from(initial.trim())[0] ?? "?"}
                </span>
                <span className="avatar-picker__text">{translate("creator.field.avatarNone")}</span>
              </>
            ),
          },
          ...avatars.map((src, index) => ({
            value: src,
            label: <img className="avatar avatar-picker__avatar" src={src} alt={translate("creator.field.avatarShipped", { n: index + 1 })} width={48} height={48} />,
          })),
          { value: "custom", label: <span className="avatar-picker__text">{translate("creator.field.avatarCustom")}</span> },
        ]}
      />
      <div className="field">
        <label htmlFor="field-avatarUrl">{translate("creator.field.avatarUrl")}</label>
        <input
          id="field-avatarUrl"
          name="avatarUrl"
          type="url"
          inputMode="url"
          defaultValue={url}
          maxLength={500}
          placeholder="https://"
          aria-invalid={errors?.avatarUrl?.length ? true : undefined}
          aria-describedby={describedBy("field-avatarUrl", true, errors?.avatarUrl)}
        />
        <p className="field__hint" id="field-avatarUrl-hint">
          {translate("creator.field.avatarUrlHint")}
        </p>
        <FieldErrorList id="field-avatarUrl-error" messages={errors?.avatarUrl} />
      </div>
    </>
  );
}

const BALANCE_ROWS = [
  ["available", "dash.balance.available", "dash.balance.availableHint"],
  ["unsettled", "dash.balance.unsettled", "dash.balance.unsettledHint"],
  ["pending", "dash.balance.pending", "dash.balance.pendingHint"],
  ["inTransit", "dash.balance.inTransit", "dash.balance.inTransitHint"],
  ["paidOut", "dash.balance.paidOut", "dash.balance.paidOutHint"],
] as const satisfies readonly (readonly [keyof Omit<EarningsBalance, "currency">, MessageKey, MessageKey])[];

/** Where the creator's money is, in the order it moves: received → settled → available → sent → paid. */
export function BalanceCards({ balance }: { balance: EarningsBalance }) {
  const translate = useT();
  return (
    <dl className="balances">
      {BALANCE_ROWS.map(([field, label, hint]) => (
        <div key={field} className={`balance balance--${field}`} data-balance={field}>
          <dt className="balance__label">{translate(label)}</dt>
          <dd className="balance__amount">
            <Money amount={balance[field]} currency={balance.currency} />
          </dd>
          <dd className="balance__hint">{translate(hint)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function StatusBadge({ kind, status }: { kind: "tip" | "payout"; status: string }) {
  const translate = useT();
  return <span className={`status status--${status}`}>{translate(`dash.${kind}Status.${status}` as MessageKey)}</span>;
}

/**
 * The creator's tips. A table on wide screens; on phones CSS stacks each row into a card, so the roles are set
 * explicitly (a `display` change can make browsers drop table semantics).
 */
export function TipsTable({ tips, caption }: { tips: CreatorTipRow[]; caption: ReactNode }) {
  const translate = useT();
  const columns = ["supporter", "message", "amount", "status", "kind", "date"] as const;
  const heading = (column: (typeof columns)[number]) => translate(`dash.tips.col.${column}`);
  return (
    <table className="tips-table" role="table">
      <caption>{caption}</caption>
      <thead role="rowgroup">
        <tr role="row">
          {columns.map((column) => (
            <th key={column} scope="col" role="columnheader" className={`tips-table__${column}`}>
              {heading(column)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody role="rowgroup">
        {tips.map((tip) => (
          <tr key={tip.id} role="row" data-tip-id={tip.id}>
            <td role="cell" data-label={heading("supporter")} className="tips-table__supporter">
              {tip.supporter ?? <span className="muted">{translate("dash.tips.anonymous")}</span>}
            </td>
            <td role="cell" data-label={heading("message")} className="tips-table__message">
              {tip.message ?? <span className="muted">{translate("dash.tips.noMessage")}</span>}
            </td>
            <td role="cell" data-label={heading("amount")} className="tips-table__amount">
              <Money amount={tip.amount} currency={tip.currency} />
            </td>
            <td role="cell" data-label={heading("status")} className="tips-table__status">
              <StatusBadge kind="tip" status={tip.status} />
            </td>
            <td role="cell" data-label={heading("kind")} className="tips-table__kind">
              {translate(`dash.purpose.${tip.purpose}`)}
            </td>
            <td role="cell" data-label={heading("date")} className="tips-table__date">
              <DateTime iso={tip.createdAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
