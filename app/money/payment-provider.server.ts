// Chooses the payment provider from configuration: a Stripe secret key → Stripe; none → the clearly labelled
// test-mode provider. Also the Stripe settings pages and the webhook route need (publishable key, webhook secrets).
import { getDb } from "../utils/db.server";
import { getEnv } from "../utils/env.server";
import { Problem } from "../utils/problem.server";
import type { PaymentProvider } from "./provider.server";
import { StripePaymentProvider, WebhookSignatureError, createStripeClient, verifyStripeWebhook, type StripeSettings, type VerifiedEvent } from "./stripe-provider.server";
import { TestmodePaymentProvider } from "./testmode-provider.server";

let provider: PaymentProvider | undefined;

export function stripeSettings(): StripeSettings | null {
  const env = getEnv();
  if (!env.STRIPE_SECRET_KEY) return null;
  return {
    secretKey: env.STRIPE_SECRET_KEY,
    paymentMethodTypes: env.STRIPE_PAYMENT_METHOD_TYPES.split(",").filter(Boolean),
    connectCountry: env.STRIPE_CONNECT_COUNTRY,
    api: { host: env.STRIPE_API_HOST, port: env.STRIPE_API_PORT, protocol: env.STRIPE_API_PROTOCOL },
  };
}

export function getPaymentProvider(): PaymentProvider {
  if (provider) return provider;
  const settings = stripeSettings();
  provider = settings ? new StripePaymentProvider(getDb(), createStripeClient(settings), settings) : new TestmodePaymentProvider(getDb());
  return provider;
}

/** Tests swap in a provider with injected faults. */
export function setPaymentProviderForTests(next: PaymentProvider | undefined) {
  provider = next;
}

/** With Stripe, creators are paid into their own Connect accounts, so a payout needs one that can receive it. */
export function payoutAccountsRequired(): boolean {
  return getPaymentProvider().connect !== undefined;
}

/** What the browser needs to show the Payment Element; testMode pages show the test-card hint instead. */
export function paymentPageConfig() {
  const env = getEnv();
  const stripe = Boolean(env.STRIPE_SECRET_KEY);
  return {
    testMode: !stripe,
    publishableKey: stripe ? (env.STRIPE_PUBLISHABLE_KEY ?? null) : null,
    paymentMethodTypes: stripe ? env.STRIPE_PAYMENT_METHOD_TYPES.split(",") : [],
  };
}

export function connectCountry() {
  return getEnv().STRIPE_CONNECT_COUNTRY;
}

/** Verifies a Stripe webhook delivery: 400 for a missing, wrong or too old signature; 503 when not configured. */
export function verifyWebhookDelivery(rawBody: string, signature: string | null): VerifiedEvent {
  const env = getEnv();
  const secrets = (env.STRIPE_WEBHOOK_SECRET ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (!env.STRIPE_SECRET_KEY || secrets.length === 0) {
    throw new Problem(503, "webhooks_not_configured", "Stripe webhooks are not configured on this server (STRIPE_WEBHOOK_SECRET).");
  }
  try {
    return verifyStripeWebhook(rawBody, signature, secrets, env.STRIPE_WEBHOOK_TOLERANCE_SECONDS);
  } catch (error) {
    if (error instanceof WebhookSignatureError) throw new Problem(400, "invalid_signature", error.message);
    throw error;
  }
}
