import { formatMoney, type Currency } from "~/money/currency";
import { toIntlLocale, useLocale } from "~/utils/i18n";

/** An amount in minor units, formatted for the page's language. */
export function Money({ amount, currency }: { amount: number; currency: Currency }) {
  const locale = useLocale();
  return <span className="money">{formatMoney(amount, currency, toIntlLocale(locale))}</span>;
}

/**
 * A date and time in the viewer's language (Korea's time zone, where Sodam's creators and fans are). A 24-hour
 * clock, because the server's and the browser's ICU disagree on the Korean AM/PM words ("PM" vs "오후"), and a
 * differing text breaks hydration — React then re-renders the page and wipes what a fan already typed.
 */
export function DateTime({ iso, dateOnly }: { iso: string; dateOnly?: boolean }) {
  const locale = useLocale();
  const text = new Intl.DateTimeFormat(toIntlLocale(locale), {
    dateStyle: "medium",
    ...(dateOnly ? {} : { timeStyle: "short", hourCycle: "h23" }),
    timeZone: "Asia/Seoul",
  }).format(new Date(iso));
  return (
    <time dateTime={iso} suppressHydrationWarning>
      {text}
    </time>
  );
}
