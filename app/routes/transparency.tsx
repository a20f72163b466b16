// `/transparency`: what the log is, in plain Korean and English, the latest sealed blocks and totals per currency.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { DateTime, Money } from "~/components/money";
import type { Currency } from "~/money/currency";
import { listBlocks, transparencyTotals } from "~/money/transparency.server";
import { getDb } from "~/utils/db.server";
import { isLocale, t, useT, type Locale } from "~/utils/i18n";

export async function loader(_: LoaderFunctionArgs) {
  const [blocks, totals] = await Promise.all([listBlocks(getDb(), { limit: 20, newestFirst: true }), transparencyTotals(getDb())]);
  return { blocks, totals };
}

export const meta: MetaFunction<typeof loader> = ({ matches }) => {
  const rootData = matches.find((m) => m.id === "root")?.data as { locale?: unknown } | undefined;
  const locale: Locale = isLocale(rootData?.locale) ? rootData.locale : "ko";
  return [{ title: t(locale, "tx.title") }];
};

export default function Transparency() {
  const { blocks, totals } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <main id="main" className="page transparency">
      <h1>{t("tx.heading")}</h1>
      <p>{t("tx.intro")}</p>
      <p>{t("tx.privacy")}</p>
      <p>
        <a href="/.well-known/sodam-ledger-key">{t("tx.keyLink")}</a> · <a href="/api/v1/transparency/blocks">{t("tx.apiLink")}</a>
      </p>
      <h2>{t("tx.totals")}</h2>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col" />
              <th scope="col">{t("tx.tipped")}</th>
              <th scope="col">{t("tx.fees")}</th>
              <th scope="col">{t("tx.paidOut")}</th>
            </tr>
          </thead>
          <tbody>
            {totals.map((row) => (
              <tr key={row.currency}>
                <th scope="row">{row.currency}</th>
                <td>
                  <Money amount={row.tipped} currency={row.currency as Currency} />
                </td>
                <td>
                  <Money amount={row.fees} currency={row.currency as Currency} />
                </td>
                <td>
                  <Money amount={row.paidOut} currency={row.currency as Currency} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>{t("tx.latestBlocks")}</h2>
      {blocks.length === 0 ? (
        <p>{t("tx.noBlocks")}</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("tx.height")}</th>
                <th scope="col">{t("tx.sealedAt")}</th>
                <th scope="col">{t("tx.count")}</th>
                <th scope="col">{t("tx.hash")}</th>
              </tr>
            </thead>
            <tbody>
              {blocks.map((b) => (
                <tr key={b.height}>
                  <td>{b.height}</td>
                  <td>
                    <DateTime iso={b.sealedAt} />
                  </td>
                  <td>{b.transactionCount}</td>
                  <td>
                    <code className="hash">{b.hash.slice(0, 20)}…</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
