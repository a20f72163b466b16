// The dashboard's earnings bar chart, drawn on the server as inline SVG (no script needed). The SVG stretches to
// any width; its text (scale, dates) is HTML beside it so it stays readable on a phone. Screen readers get the
// chart's title and summary, and the numbers as a (visually hidden) table.
import { useId } from "react";

import { formatMoney, type Currency } from "~/money/currency";
import type { EarningsPoint } from "~/money/dashboard.server";
import { toIntlLocale, useLocale, useT } from "~/utils/i18n";

/** The smallest 1, 2 or 5 × 10ⁿ at or above `value`: a round number for the top of the scale. */
function scaleTop(value: number) {
  if (value <= 1) return 1;
  let step = 1;
  while (step * 10 < value) step *= 10;
  return [1, 2, 5, 10].map((m) => m * step).find((candidate) => candidate >= value)!;
}

const BAR_SLOT = 10;
const BAR_WIDTH = 7;
const HEIGHT = 100;

export function EarningsChart({ points, bucket, currency }: { points: EarningsPoint[]; bucket: "day" | "week"; currency: Currency }) {
  const id = useId();
  const locale = useLocale();
  const translate = useT();
  const intl = toIntlLocale(locale);
  const money = (amount: number) => formatMoney(amount, currency, intl);
  // Bucket starts are calendar dates, so format them as such (UTC midnight, UTC zone): no shifting by a day.
  const shortDate = new Intl.DateTimeFormat(intl, { month: "short", day: "numeric", timeZone: "UTC" });
  const longDate = new Intl.DateTimeFormat(intl, { dateStyle: "medium", timeZone: "UTC" });
  const dateOf = (start: string) => new Date(`${start}T00:00:00Z`);

  const total = points.reduce((sum, p) => sum + p.amount, 0);
  const tipCount = points.reduce((sum, p) => sum + p.tips, 0);
  const peak = points.reduce<EarningsPoint | null>((best, p) => (p.amount > (best?.amount ?? 0) ? p : best), null);
  const top = scaleTop(peak?.amount ?? 0);

  const title = translate(bucket === "day" ? "dash.chart.titleDay" : "dash.chart.titleWeek");
  const summary = [
    translate("dash.chart.summary", { total: money(total), count: tipCount }),
    peak ? translate(bucket === "day" ? "dash.chart.peakDay" : "dash.chart.peakWeek", { date: longDate.format(dateOf(peak.start)), amount: money(peak.amount) }) : translate("dash.chart.empty"),
  ].join(" ");
  const barLabel = (p: EarningsPoint) =>
    translate("dash.chart.bar", { date: longDate.format(dateOf(p.start)), amount: money(p.amount), count: p.tips });

  return (
    <figure className="chart">
      <div className="chart__plot">
        <div className="chart__scale" aria-hidden="true">
          <span>{money(top)}</span>
          <span>{money(0)}</span>
        </div>
        <svg
          className="chart__svg"
          role="img"
          aria-labelledby={`${id}-title ${id}-desc`}
          viewBox={`0 0 ${points.length * BAR_SLOT} ${HEIGHT}`}
          preserveAspectRatio="none"
          focusable="false"
        >
          <title id={`${id}-title`}>{title}</title>
          <desc id={`${id}-desc`}>{summary}</desc>
          {[0, HEIGHT / 2, HEIGHT].map((y) => (
            <line key={y} className="chart__grid" x1={0} x2={points.length * BAR_SLOT} y1={y} y2={y} vectorEffect="non-scaling-stroke" />
          ))}
          {points.map((p, index) => {
            // A day with any tips keeps a visible sliver, however small next to the best day.
            const height = p.amount > 0 ? Math.max(2, (p.amount / top) * HEIGHT) : 0;
            return (
              <rect
                key={p.start}
                className={p === peak ? "chart__bar chart__bar--peak" : "chart__bar"}
                x={index * BAR_SLOT + (BAR_SLOT - BAR_WIDTH) / 2}
                y={HEIGHT - height}
                width={BAR_WIDTH}
                height={height}
              >
                <title>{barLabel(p)}</title>
              </rect>
            );
          })}
        </svg>
        {points.length ? (
          <div className="chart__dates" aria-hidden="true">
            <span>{shortDate.format(dateOf(points[0].start))}</span>
            <span>{shortDate.format(dateOf(points[points.length - 1].start))}</span>
          </div>
        ) : null}
      </div>
      <figcaption className="chart__caption">{summary}</figcaption>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{translate(bucket === "day" ? "dash.chart.colDay" : "dash.chart.colWeek")}</th>
            <th scope="col">{translate("dash.chart.colAmount")}</th>
            <th scope="col">{translate("dash.chart.colTips")}</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.start}>
              <th scope="row">{longDate.format(dateOf(p.start))}</th>
              <td>{money(p.amount)}</td>
              <td>{p.tips}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
