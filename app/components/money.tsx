import { formatMoney, type Currency } from "~/money/currency";
import { toIntlLocale, useLocale } from "~/utils/i18n";

/** An amount in minor units, formatted for the page's language. */
export function Money({ amount, currency }: { amount: number; currency: Currency }) {
  const locale = useLocale();
  return <span className="money">{formatMoney(amount, currency, toIntlLocale(locale))}</span>;
}

/** A date and time in the viewer's language (Korea's time zone, where Sodam's creators and fans are). */
export function DateTime({ iso, dateOnly }: { iso: string; dateOnly?: boolean }) {
  const locale = useLocale();
  const text = new Intl.DateTimeFormat(toIntlLocale(locale), {
    dateStyle: "medium",
    ...(dateOnly ? {} : { timeStyle: "short" }),
    timeZone: "Asia/Seoul",
  }).format(new Date(iso));
  return <time dateTime={iso}>{text}</time>;
}
