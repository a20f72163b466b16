// `/receipts/:tipId`: a tip's receipt with its place in the public transparency log and an in-browser check of
// the inclusion proof. Anyone with the link may open it (tip ids are random UUIDs); it names the supporter only
// as the creator's public page would.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { LedgerProof } from "~/components/ledger-proof";
import { DateTime, Money } from "~/components/money";
import { getTipReceipt } from "~/money/receipts.server";
import { getTipLedgerRecord } from "~/money/transparency.server";
import { getDb } from "~/utils/db.server";
import { isLocale, t, useT, type Locale } from "~/utils/i18n";

export async function loader({ params }: LoaderFunctionArgs) {
  const receipt = await getTipReceipt(getDb(), params.tipId ?? "");
  if (!receipt) throw new Response("Not Found", { status: 404 });
  const record = await getTipLedgerRecord(getDb(), receipt.id);
  return { receipt, record };
}

export const meta: MetaFunction<typeof loader> = ({ matches }) => {
  const rootData = matches.find((m) => m.id === "root")?.data as { locale?: unknown } | undefined;
  const locale: Locale = isLocale(rootData?.locale) ? rootData.locale : "ko";
  return [{ title: t(locale, "receipt.title") }, { name: "robots", content: "noindex" }];
};

export default function Receipt() {
  const { receipt, record } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <main id="main" className="page page--narrow receipt">
      <h1>{t("receipt.heading")}</h1>
      <dl className="receipt__facts">
        <dt>{t("receipt.to")}</dt>
        <dd>
          <Link to={`/@${receipt.creator.handle}`}>{receipt.creator.displayName}</Link>
        </dd>
        <dt>{t("receipt.from")}</dt>
        <dd>{receipt.supporter ?? t("receipt.anonymous")}</dd>
        <dt>{t("receipt.amount")}</dt>
        <dd>
          <Money amount={receipt.amount} currency={receipt.currency} />
        </dd>
        {receipt.message ? (
          <>
            <dt>{t("receipt.message")}</dt>
            <dd className="receipt__message">{receipt.message}</dd>
          </>
        ) : null}
        <dt>{t("receipt.status")}</dt>
        <dd>{t(`receipt.status.${receipt.status}`)}</dd>
        <dt>{t("receipt.time")}</dt>
        <dd>
          <DateTime iso={receipt.createdAt} />
        </dd>
      </dl>
      {record ? <LedgerProof record={record} /> : null}
    </main>
  );
}
