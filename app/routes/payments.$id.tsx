// A card payment that waits for the fan, `/payments/:id`: where the tip form and the wallet send a payment Stripe
// has not confirmed yet (3-D Secure, or any payment made with the Payment Element), and where Stripe brings the fan
// back (return_url). Nothing is shown as paid here: the tip or top-up exists once the signed payment_intent.succeeded
// webhook recorded it, and then this page moves on to the receipt (or the wallet). Until then it polls.
import { redirect } from "@remix-run/node";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";

import { PaymentElementForm } from "~/components/payment-element";
import { embedQuery, parseEmbedOptions } from "~/models/embeds";
import { formatMoney } from "~/money/currency";
import { getPaymentProvider, paymentPageConfig } from "~/money/payment-provider.server";
import { getPaymentProgress } from "~/money/payments.server";
import { getDb } from "~/utils/db.server";
import { getLogger } from "~/utils/logger.server";
import { isLocale, t, toIntlLocale, useLocale, useT } from "~/utils/i18n";
import type { Locale } from "~/utils/i18n";
import { publicOrigin } from "~/utils/public-url.server";
import type { FrameableHandle } from "~/utils/security-headers.server";
import { getSessionUser } from "~/utils/session.server";

// A card tip started in the embeddable widget is finished inside the widget's frame.
export const handle: FrameableHandle = { frameable: true };

const notFound = () => new Response("Not Found", { status: 404 });
/** How long the page keeps checking for the webhook by itself; after that, the fan's "check again". */
const POLL_MS = 3_000;
const POLL_FOR_MS = 5 * 60_000;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const payment = await getPaymentProgress(getDb(), params.id ?? "");
  if (!payment) throw notFound();
  // A top-up is the signed-in fan's own; a card tip's page, like its receipt, is for whoever holds the link.
  if (payment.purpose === "topup") {
    const user = await getSessionUser(request);
    if (!user || user.id !== payment.userId) throw notFound();
  }
  const url = new URL(request.url);
  const embed = url.searchParams.get("embed");
  const options = parseEmbedOptions(url.searchParams);
  const inWidget = embed !== null && payment.creator !== null && embed === payment.creator.handle;

  if (payment.status === "succeeded" || payment.status === "refunded") {
    if (payment.purpose === "topup") return redirect(payment.status === "succeeded" ? "/wallet?notice=topup" : "/wallet");
    if (payment.tipId) {
      return redirect(inWidget ? `/embed/${payment.creator!.handle}${embedQuery({ ...options, tipped: payment.tipId })}` : `/tips/${payment.tipId}`);
    }
  }

  const config = paymentPageConfig();
  const provider = getPaymentProvider();
  const open = payment.status === "pending" || payment.status === "failed";
  // Stripe is asked for the client secret each time rather than keeping it in Sodam's database. Stripe out of reach:
  // the page still shows where the payment stands, and the fan checks again.
  const clientSecret =
    open && config.publishableKey && provider.paymentClientSecret && payment.provider === provider.name && payment.providerPaymentId
      ? await provider.paymentClientSecret(payment.providerPaymentId).catch((error: unknown) => {
          getLogger().warn({ payment: payment.id, err: error instanceof Error ? error.message : String(error) }, "could not fetch a client secret from Stripe");
          return null;
        })
      : null;
  // Where Stripe sends the fan back: this page, without the parameters Stripe adds (payment_intent, redirect_status).
  const here = `/payments/${payment.id}${inWidget ? embedQuery({ ...options, embed }) : ""}`;
  const returned = url.searchParams.has("redirect_status");
  // element: the fan pays here; waiting: paid or back from Stripe, the webhook is awaited; authenticate: 3-D Secure
  // is needed and this server has no Payment Element (no publishable key); failed: nothing left to pay here.
  const mode =
    clientSecret && !returned ? "element" : payment.status === "pending" ? (config.publishableKey || returned ? "waiting" : "authenticate") : "failed";
  return {
    payment: { id: payment.id, purpose: payment.purpose, status: payment.status, amount: payment.amount, currency: payment.currency, creator: payment.creator },
    publishableKey: clientSecret ? config.publishableKey : null,
    clientSecret,
    returnUrl: `${publicOrigin(request)}${here}`,
    here,
    mode: mode as "element" | "waiting" | "authenticate" | "failed",
    backHref: payment.purpose === "topup" ? "/wallet" : inWidget ? `/embed/${payment.creator!.handle}${embedQuery({ ...options })}` : `/@${payment.creator?.handle ?? ""}`,
  };
}

export const meta: MetaFunction = ({ matches }) => {
  const rootData = matches.find((match) => match.id === "root")?.data as { locale?: unknown } | undefined;
  const locale: Locale = isLocale(rootData?.locale) ? rootData.locale : "ko";
  return [{ title: t(locale, "payment.title") }, { name: "robots", content: "noindex" }];
};

/** Reloads the page's data every few seconds while the payment waits for Stripe's event. */
function usePolling(active: boolean) {
  const { revalidate, state } = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started > POLL_FOR_MS) clearInterval(timer);
      else if (state === "idle") revalidate();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [active, revalidate, state]);
}

export default function PaymentPage() {
  const page = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const { payment } = page;
  const amount = formatMoney(payment.amount, payment.currency, toIntlLocale(locale));
  const failed = payment.status === "failed";
  usePolling(page.mode === "waiting" || page.mode === "authenticate");

  return (
    <div className="container payment-page">
      <div className="panel" data-testid="payment-page" data-status={payment.status}>
        <h1 className="page-title">{t(failed ? "payment.failedHeading" : "payment.pendingHeading")}</h1>
        <p className="payment-status">
          {payment.purpose === "tip" && payment.creator
            ? t("payment.tipFor", { amount, name: payment.creator.displayName })
            : t("payment.topupFor", { amount })}
        </p>
        {failed ? <p>{t("payment.failedLead")}</p> : null}
        {page.mode === "element" && page.clientSecret && page.publishableKey ? (
          <>
            <p>{t(payment.purpose === "tip" ? "payment.confirmLeadTip" : "payment.confirmLeadTopup")}</p>
            <PaymentElementForm publishableKey={page.publishableKey} clientSecret={page.clientSecret} returnUrl={page.returnUrl} />
          </>
        ) : page.mode === "failed" ? null : (
          <div role="status" aria-live="polite" data-testid="payment-waiting">
            <p>{t(page.mode === "waiting" ? "payment.waiting" : "payment.authenticate")}</p>
            <p className="muted">{t("payment.notCredited")}</p>
          </div>
        )}
        <p className="payment-page__links">
          {/* Without JavaScript the page does not poll: the fan checks again by reloading it. */}
          <a href={page.here} className="button button--ghost">
            {t("payment.checkAgain")}
          </a>{" "}
          <Link to={page.backHref}>
            {payment.purpose === "topup" ? t("payment.backToWallet") : t("tip.receipt.back", { name: payment.creator?.displayName ?? "" })}
          </Link>
        </p>
      </div>
    </div>
  );
}
