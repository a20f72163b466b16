// The tip widget, `/embed/:handle`: the compact tip form that embed.js opens in an iframe on a creator's own site
// (guest card tips; no cookies reach a third-party frame), or in a popup for a signed-in fan's wallet tip.
import { randomUUID } from "node:crypto";
import { data, redirect, redirectDocument } from "@remix-run/node";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";

import { useFrameMessaging } from "~/components/embed";
import { Avatar, useFocusOnError } from "~/components/fan";
import { TipFormBody } from "~/components/tip-form";
import { findCreatorByHandleParam } from "~/models/creator-page.server";
import { embedQuery, parseEmbedOptions } from "~/models/embeds";
import { refusedTipForm, submitTipForm, TipForm } from "~/models/tip-form.server";
import { getPaymentProvider, paymentPageConfig } from "~/money/payment-provider.server";
import { getWalletBalances } from "~/money/payments.server";
import { getTipReceipt } from "~/money/receipts.server";
import type { BareHandle } from "~/root";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { invalidForm } from "~/utils/form-problems.server";
import { parseForm } from "~/utils/forms.server";
import { formatMoney } from "~/money/currency";
import { getLocale, isLocale, t, toIntlLocale, useLocale, useT } from "~/utils/i18n";
import type { Locale } from "~/utils/i18n";
import type { FrameableHandle } from "~/utils/security-headers.server";
import { getSessionUser } from "~/utils/session.server";

export const handle: FrameableHandle & BareHandle = { frameable: true, bare: true };

export const links: LinksFunction = () => [{ rel: "stylesheet", href: "/embed-frame.css" }];

const notFound = () => new Response("Not Found", { status: 404 });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const creator = await findCreatorByHandleParam(getDb(), params.handle);
  if (!creator) throw notFound();
  const search = new URL(request.url).searchParams;
  const options = parseEmbedOptions(search);
  const user = await getSessionUser(request);
  const balances = user ? await getWalletBalances(getDb(), user.id) : [];
  const tippedId = search.get("tipped");
  const receipt = tippedId ? await getTipReceipt(getDb(), tippedId) : null;
  return {
    creator: { handle: creator.handle, displayName: creator.displayName, avatarUrl: creator.avatarUrl, currency: creator.currency },
    options,
    walletBalance: user && user.id !== creator.userId ? (balances.find((b) => b.currency === creator.currency)?.balance ?? 0) : null,
    idempotencyKey: randomUUID(),
    testMode: getPaymentProvider().isTestMode,
    payInBrowser: paymentPageConfig().publishableKey !== null,
    feeBps: getEnv().PLATFORM_FEE_BPS,
    tipped: receipt && receipt.creator.handle === creator.handle ? { id: receipt.id, amount: receipt.amount, currency: receipt.currency } : null,
  };
}

export const meta: MetaFunction<typeof loader> = ({ data: page, matches }) => {
  const rootData = matches.find((match) => match.id === "root")?.data as { locale?: unknown } | undefined;
  const locale: Locale = isLocale(rootData?.locale) ? rootData.locale : "ko";
  return [{ title: page ? t(locale, "embed.title", { name: page.creator.displayName }) : "Sodam" }, { name: "robots", content: "noindex" }];
};

export async function action({ request, params }: ActionFunctionArgs) {
  const locale = getLocale(request);
  const creator = await findCreatorByHandleParam(getDb(), params.handle);
  if (!creator) throw notFound();
  const options = parseEmbedOptions(new URL(request.url).searchParams);
  const form = await parseForm(request, TipForm);
  if (!form.ok) {
    const failed = invalidForm(locale, form.errors);
    return data(refusedTipForm(failed, form.values), { status: failed.status });
  }
  const values = Object.fromEntries(Object.entries(form.data).map(([k, v]) => [k, String(v ?? "")]));
  const user = await getSessionUser(request);
  const submitted = await submitTipForm(request, { creator, user, input: form.data, locale });
  if (!submitted.ok) return data(refusedTipForm(submitted.failed, values), { status: submitted.failed.status });
  // The payment page comes back to the widget's thank-you once the payment has gone through.
  if (submitted.pending) return redirectDocument(`/payments/${submitted.paymentId}${embedQuery({ ...options, embed: creator.handle })}`);
  return redirect(`/embed/${creator.handle}${embedQuery({ ...options, tipped: submitted.tipId })}`);
}

export default function TipWidget() {
  const page = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() ?? null;
  const t = useT();
  const locale = useLocale();
  const { creator, options, tipped } = page;
  const formRef = useFocusOnError(failure);
  const frame = useFrameMessaging({ parent: options.parent, mode: options.mode, tippedId: tipped?.id ?? null });
  const here = `/embed/${creator.handle}`;
  const popupHref = `${here}${embedQuery({ ...options, mode: "popup" })}`;

  return (
    <div className={`embed embed--${options.theme}`}>
      <header className="embed__head">
        <Avatar url={creator.avatarUrl} name={creator.displayName} size={40} alt="" />
        <p className="embed__who">
          <strong>{t("embed.title", { name: creator.displayName })}</strong>
          <span className="embed__handle">@{creator.handle}</span>
        </p>
        {options.parent || options.mode === "popup" ? (
          <button type="button" className="embed__close" onClick={frame.close} aria-label={t("embed.close")}>
            ×
          </button>
        ) : null}
      </header>

      {tipped ? (
        <section className="embed__thanks" role="status">
          <h1>{t("embed.thanksTitle")}</h1>
          <p>{t("embed.thanksBody", { amount: formatMoney(tipped.amount, tipped.currency, toIntlLocale(locale)), name: creator.displayName })}</p>
          <p className="embed__actions">
            <a href={`/tips/${tipped.id}`} target="_blank" rel="noopener noreferrer" className="button button--ghost">
              {t("embed.receipt")}
            </a>
            <a href={`${here}${embedQuery(options)}`} className="button">
              {t("embed.again")}
            </a>
          </p>
        </section>
      ) : (
        <TipFormBody
          currency={creator.currency}
          idempotencyKey={failure?.idempotencyKey ?? page.idempotencyKey}
          failure={failure}
          walletBalance={page.walletBalance}
          testMode={page.testMode}
          payInBrowser={page.payInBrowser}
          feeBps={page.feeBps}
          formRef={formRef}
          action={`${here}${embedQuery(options)}`}
          // Inside another site's frame a plain post is the sturdy path: no client router state, no storage.
          reloadDocument
          footer={
            page.walletBalance === null && options.mode === "frame" ? (
              <p className="embed__wallet">
                {t("embed.walletNote")}{" "}
                <a
                  href={popupHref}
                  target="_blank"
                  rel="opener"
                  onClick={(event) => {
                    event.preventDefault();
                    window.open(popupHref, "sodam-tip", "popup,width=440,height=720");
                  }}
                >
                  {t("embed.walletLink")}
                </a>
              </p>
            ) : null
          }
        />
      )}

      <p className="embed__foot">
        {t("embed.poweredBy")} ·{" "}
        <a href={`/@${creator.handle}`} target="_blank" rel="noopener noreferrer">
          {t("embed.openPage")}
        </a>
      </p>
    </div>
  );
}
