// A tip's receipt, `/tips/:id`: where a fan lands after tipping. Anyone with the link may view it (the id is a
// random UUID); it shows only what the creator's public page would show about the supporter.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { DateTime, Money } from "~/components/money";
import { getTipReceipt } from "~/money/receipts.server";
import { getDb } from "~/utils/db.server";
import { isLocale, t, useT } from "~/utils/i18n";
import type { Locale, MessageKey } from "~/utils/i18n";

export async function loader({ params }: LoaderFunctionArgs) {
  const receipt = await getTipReceipt(getDb(), params.id ?? "");
  if (!receipt) throw new Response("Not Found", { status: 404 });
  return { receipt };
}

export const meta: MetaFunction<typeof loader> = ({ matches }) => {
  const rootData = matches.find((match) => match.id === "root")?.data as { locale?: unknown } | undefined;
  const locale: Locale = isLocale(rootData?.locale) ? rootData.locale : "ko";
  // Receipts are not for search engines.
  return [{ title: t(locale, "tip.receipt.title") }, { name: "robots", content: "noindex" }];
};

const STATUS: Record<string, MessageKey> = {
  pending: "tip.receipt.statusPending",
  settled: "tip.receipt.statusSettled",
  refunded: "tip.receipt.statusRefunded",
};
const PURPOSE: Record<string, MessageKey> = {
  tip: "tip.receipt.purposeTip",
  unlock: "tip.receipt.purposeUnlock",
  pledge: "tip.receipt.purposePledge",
};

export default function TipReceipt() {
  const { receipt } = useLoaderData<typeof loader>();
  const t = useT();
  const creatorHref = `/@${receipt.creator.handle}`;
  return (
    <div className="container receipt-page">
      <div className="panel receipt">
        <p className="receipt__mark" aria-hidden="true">
          ♥
        </p>
        <h1 className="receipt__heading">{t("tip.receipt.heading", { name: receipt.creator.displayName })}</h1>
        <p className="receipt__thanks">{t("tip.receipt.thanks")}</p>
        <p className="receipt__amount">
          <Money amount={receipt.amount} currency={receipt.currency} />
        </p>
        <dl className="receipt__details">
          <div>
            <dt>{t("tip.receipt.creator")}</dt>
            <dd>
              <Link to={creatorHref}>
                {receipt.creator.displayName} (@{receipt.creator.handle})
              </Link>
            </dd>
          </div>
          <div>
            <dt>{t("tip.receipt.amount")}</dt>
            <dd>
              <Money amount={receipt.amount} currency={receipt.currency} />
            </dd>
          </div>
          <div>
            <dt>{t("tip.receipt.message")}</dt>
            <dd className="receipt__message">{receipt.message ?? <span className="muted">{t("tip.receipt.noMessage")}</span>}</dd>
          </div>
          <div>
            <dt>{t("tip.receipt.from")}</dt>
            <dd>{receipt.supporter ?? t("fan.supporters.anonymous")}</dd>
          </div>
          {receipt.purpose !== "tip" ? (
            <div>
              <dt>{t("tip.receipt.purpose")}</dt>
              <dd>
                {t(PURPOSE[receipt.purpose])}
                {receipt.post ? `: ${receipt.post.title}` : null}
              </dd>
            </div>
          ) : null}
          <div>
            <dt>{t("tip.receipt.status")}</dt>
            <dd>
              <span className={`status status--${receipt.status}`}>{t(STATUS[receipt.status])}</span>
            </dd>
          </div>
          <div>
            <dt>{t("tip.receipt.source")}</dt>
            <dd>{t(receipt.source === "wallet" ? "tip.receipt.sourceWallet" : "tip.receipt.sourceCard")}</dd>
          </div>
          <div>
            <dt>{t("tip.receipt.time")}</dt>
            <dd>
              <DateTime iso={receipt.createdAt} />
            </dd>
          </div>
          <div>
            <dt>{t("tip.receipt.id")}</dt>
            <dd className="receipt__id">{receipt.id}</dd>
          </div>
        </dl>
        <p>
          <Link to={creatorHref} className="button button--wide">
            {t("tip.receipt.back", { name: receipt.creator.displayName })}
          </Link>
        </p>
        <p className="receipt__note">
          {t("tip.receipt.linkNote")} <Link to={`/receipts/${receipt.id}`}>{t("tip.receipt.ledgerLink")}</Link>
        </p>
      </div>
    </div>
  );
}
