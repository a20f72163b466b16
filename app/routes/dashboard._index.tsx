// Dashboard overview: balances, the earnings chart (by day or week, `?range=`), the goal and the latest tips.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";

import { BalanceCards, creatorPageMeta, TipsTable } from "~/components/dashboard";
import { Notice } from "~/components/fan";
import { EarningsChart } from "~/components/earnings-chart";
import { Money } from "~/components/money";
import { getGoalProgress } from "~/models/creators.server";
import { earningsSeries, listCreatorTips } from "~/money/dashboard.server";
import { getCreatorEarnings } from "~/money/earnings.server";
import { getDb } from "~/utils/db.server";
import { useT } from "~/utils/i18n";
import { requireCreator } from "~/utils/session.server";

export const meta = creatorPageMeta("dash.overview.title");

const RANGES = { day: 30, week: 12 } as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const { creator } = await requireCreator(request);
  const range: "day" | "week" = new URL(request.url).searchParams.get("range") === "week" ? "week" : "day";
  const db = getDb();
  const [balances, series, recent, raised] = await Promise.all([
    getCreatorEarnings(db, creator.id),
    earningsSeries(db, { creatorId: creator.id, bucket: range, count: RANGES[range] }),
    listCreatorTips(db, { creatorId: creator.id, filters: {}, page: 1, pageSize: 5 }),
    creator.goalAmount ? getGoalProgress(db, creator.id) : null,
  ]);
  const empty = { currency: creator.currency, unsettled: 0, pending: 0, available: 0, inTransit: 0, paidOut: 0 };
  return {
    currency: creator.currency,
    balance: balances.find((b) => b.currency === creator.currency) ?? empty,
    range,
    series,
    recent: recent.tips,
    goal: creator.goalAmount ? { title: creator.goalTitle, amount: creator.goalAmount, raised: raised ?? 0 } : null,
  };
}

export default function DashboardOverview() {
  const { currency, balance, range, series, recent, goal } = useLoaderData<typeof loader>();
  const translate = useT();
  const [params] = useSearchParams();
  const percent = goal ? Math.min(100, Math.floor((goal.raised * 100) / goal.amount)) : 0;

  return (
    <>
      <h1 className="dash__title">{translate("dash.overview.title")}</h1>
      {params.get("welcome") ? <Notice>{translate("dash.overview.welcome")}</Notice> : null}

      <section className="dash-section" aria-labelledby="balance-heading">
        <div className="dash-section__head">
          <h2 id="balance-heading">{translate("dash.balance.heading")}</h2>
          <Link to="/dashboard/payouts" className="button button--ghost button--small">
            {translate("dash.balance.toPayouts")}
          </Link>
        </div>
        <BalanceCards balance={balance} />
      </section>

      <section className="dash-section" aria-labelledby="chart-heading">
        <div className="dash-section__head">
          <h2 id="chart-heading">{translate("dash.chart.heading")}</h2>
          <nav className="segmented" aria-label={translate("dash.chart.rangeLabel")}>
            {(["day", "week"] as const).map((option) => (
              <Link
                key={option}
                to={option === "day" ? "?range=day" : "?range=week"}
                className={option === range ? "segmented__link is-current" : "segmented__link"}
                aria-current={option === range ? "true" : undefined}
                preventScrollReset
                replace
              >
                {translate(option === "day" ? "dash.chart.byDay" : "dash.chart.byWeek")}
              </Link>
            ))}
          </nav>
        </div>
        <EarningsChart points={series} bucket={range} currency={currency} />
      </section>

      <section className="dash-section" aria-labelledby="goal-heading">
        <div className="dash-section__head">
          <h2 id="goal-heading">{translate("dash.goal.heading")}</h2>
          <Link to="/dashboard/settings#goal" className="button button--ghost button--small">
            {translate("dash.goal.edit")}
          </Link>
        </div>
        {goal ? (
          <div className="goal">
            <p className="goal__title" id="goal-title">
              {goal.title}
            </p>
            <progress id="goal-progress" className="goal__bar" max={goal.amount} value={Math.min(goal.raised, goal.amount)} aria-labelledby="goal-title" aria-describedby="goal-text" />
            <p className="goal__text" id="goal-text">
              <Money amount={goal.raised} currency={currency} /> / <Money amount={goal.amount} currency={currency} />{" "}
              <span className="muted">({translate("dash.goal.percent", { percent })})</span>
            </p>
          </div>
        ) : (
          <p className="muted">{translate("dash.goal.none")}</p>
        )}
      </section>

      <section className="dash-section" aria-labelledby="recent-heading">
        <div className="dash-section__head">
          <h2 id="recent-heading">{translate("dash.recent.heading")}</h2>
          <Link to="/dashboard/tips" className="button button--ghost button--small">
            {translate("dash.recent.all")}
          </Link>
        </div>
        {recent.length ? (
          <TipsTable tips={recent} caption={<span className="visually-hidden">{translate("dash.recent.heading")}</span>} />
        ) : (
          <p className="muted">{translate("dash.tips.none")}</p>
        )}
      </section>
    </>
  );
}
