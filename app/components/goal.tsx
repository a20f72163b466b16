// A creator's goal progress: the bar and the numbers, on the creator page and in the goal widget.
import { formatMoney, type Currency } from "~/money/currency";
import { toIntlLocale, useLocale, useT } from "~/utils/i18n";

export function GoalProgress({ raised, amount, currency }: { raised: number; amount: number; currency: Currency }) {
  const t = useT();
  const locale = useLocale();
  const money = (value: number) => formatMoney(value, currency, toIntlLocale(locale));
  // Tenths of a percent, so an early ₩21,000 of ₩3,000,000 reads 0.7% rather than 0%.
  const permille = Math.min(1000, Math.floor((raised * 1000) / amount));
  const percent = permille >= 100 ? String(Math.floor(permille / 10)) : `${Math.floor(permille / 10)}.${permille % 10}`;
  return (
    <>
      <progress className="goal-bar" max={1000} value={permille} aria-label={t("fan.goal.label")} aria-valuetext={t("fan.goal.percent", { percent })}>
        {percent}%
      </progress>
      <p className="creator-goal__numbers">
        <span>{t("fan.goal.progress", { raised: money(raised), goal: money(amount) })}</span>
        <strong>{t("fan.goal.percent", { percent })}</strong>
      </p>
    </>
  );
}
