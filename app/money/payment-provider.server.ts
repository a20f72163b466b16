// Chooses the payment provider from configuration: no Stripe key → the clearly labelled test-mode provider.
import { getDb } from "../utils/db.server";
import { getEnv } from "../utils/env.server";
import type { PaymentProvider } from "./provider.server";
import { TestmodePaymentProvider } from "./testmode-provider.server";

let provider: PaymentProvider | undefined;

export function getPaymentProvider(): PaymentProvider {
  if (provider) return provider;
  if (getEnv().STRIPE_SECRET_KEY) {
    throw new Error("STRIPE_SECRET_KEY is set, but this build has no Stripe adapter yet; unset it to use test mode");
  }
  provider = new TestmodePaymentProvider(getDb());
  return provider;
}

/** Tests swap in a provider with injected faults. */
export function setPaymentProviderForTests(next: PaymentProvider | undefined) {
  provider = next;
}
