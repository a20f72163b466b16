// Stripe's Payment Element: the card (and Korean wallet) form Stripe.js draws in its own frames, confirmed in the
// browser with the PaymentIntent's client secret. Stripe then brings the fan back to `returnUrl` (after 3-D Secure
// or a wallet app), where the payment page shows what the webhook recorded. Card details never reach Sodam.
import { useEffect, useRef, useState, type FormEvent } from "react";

import { FormError } from "~/components/forms";
import { useLocale, useT } from "~/utils/i18n";
import { useNonce } from "~/utils/nonce";

export const STRIPE_JS_URL = "https://js.stripe.com/v3";

// The few parts of Stripe.js used here (the library itself is loaded from Stripe, as Stripe requires).
interface StripeElement {
  mount(target: HTMLElement): void;
  destroy(): void;
  on(event: "ready", handler: () => void): void;
}
interface StripeElements {
  create(type: "payment", options?: Record<string, unknown>): StripeElement;
  submit(): Promise<{ error?: { message?: string } }>;
}
interface StripeJs {
  elements(options: { clientSecret: string; locale?: string }): StripeElements;
  confirmPayment(options: { elements: StripeElements; confirmParams: { return_url: string } }): Promise<{ error?: { message?: string } }>;
}
declare global {
  interface Window {
    Stripe?: (publishableKey: string, options?: { locale?: string }) => StripeJs;
  }
}

/**
 * Loads Stripe.js once. The server-rendered <script> runs on a full page load; a script React inserts during a
 * client-side navigation never runs, so when Stripe is still missing after a moment one is added by hand.
 */
function whenStripeLoaded(onReady: () => void): () => void {
  let fallback: ReturnType<typeof setTimeout> | undefined;
  const timer = setInterval(() => {
    if (!window.Stripe) return;
    clearInterval(timer);
    clearTimeout(fallback);
    onReady();
  }, 100);
  fallback = setTimeout(() => {
    if (window.Stripe || document.querySelector("script[data-stripe-js]")) return;
    const script = document.createElement("script");
    script.src = STRIPE_JS_URL;
    script.dataset.stripeJs = "added";
    document.head.appendChild(script);
  }, 1500);
  return () => {
    clearInterval(timer);
    clearTimeout(fallback);
  };
}

export function PaymentElementForm(props: { publishableKey: string; clientSecret: string; returnUrl: string }) {
  const t = useT();
  const locale = useLocale();
  const nonce = useNonce();
  const mountRef = useRef<HTMLDivElement>(null);
  const stripeRef = useRef<{ stripe: StripeJs; elements: StripeElements } | null>(null);
  const [ready, setReady] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let element: StripeElement | undefined;
    const stop = whenStripeLoaded(() => {
      if (!mountRef.current || !window.Stripe) return;
      const stripe = window.Stripe(props.publishableKey, { locale });
      const elements = stripe.elements({ clientSecret: props.clientSecret, locale });
      element = elements.create("payment");
      element.on("ready", () => setReady(true));
      element.mount(mountRef.current);
      stripeRef.current = { stripe, elements };
    });
    return () => {
      stop();
      element?.destroy();
      stripeRef.current = null;
    };
  }, [props.publishableKey, props.clientSecret, locale]);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const loaded = stripeRef.current;
    if (!loaded || busy) return;
    setBusy(true);
    setError(null);
    // On success Stripe leaves this page for returnUrl; an error (a declined card, a field left empty) stays here.
    const { error: failure } = await loaded.stripe.confirmPayment({ elements: loaded.elements, confirmParams: { return_url: props.returnUrl } });
    setError(failure?.message ?? null);
    setBusy(false);
  };

  return (
    <form className="payment-form" onSubmit={onSubmit} data-testid="payment-element-form">
      {/* Browsers hide a nonce from the DOM, so the client's render differs from the server's here on purpose. */}
      <script src={STRIPE_JS_URL} nonce={nonce} data-stripe-js="server" async suppressHydrationWarning />
      <FormError message={error} />
      {ready ? null : <p className="muted">{t("payment.loading")}</p>}
      {/* Stripe.js owns what is inside this element. */}
      <div id="payment-element" className="payment-element" ref={mountRef} data-testid="payment-element" />
      <noscript>
        <p className="form-error">{t("payment.needsScript")}</p>
      </noscript>
      <button type="submit" className="button button--primary button--wide" disabled={!ready || busy} aria-busy={busy || undefined}>
        {busy ? t("payment.submitting") : t("payment.submit")}
      </button>
    </form>
  );
}
