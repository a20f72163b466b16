// The payment-provider interface: card charges, refunds and transfers to creators. Sodam talks to a provider only
// through this; the test-mode provider stands in when no Stripe key is configured.
import type { Currency } from "./currency";

export interface ChargeRequest {
  amount: number;
  currency: Currency;
  /** A test card number or test payment-method id in test mode. */
  card: string;
  /** The provider charges at most once per key. */
  idempotencyKey: string;
  description: string;
  /** What the payment is for, kept with it at the provider so a webhook can record it even if Sodam could not. */
  metadata?: Record<string, string>;
}

/**
 * pending: the provider needs the customer (3-D Secure, a wallet app) or is still processing; nothing is credited
 * until its success event arrives. clientSecret lets the browser finish the payment with Stripe.js.
 */
export type ChargeResult =
  | { status: "succeeded"; providerPaymentId: string }
  | { status: "pending"; providerPaymentId: string; clientSecret: string | null }
  | { status: "failed"; providerPaymentId: string; declineCode: DeclineCode; message: string };

/** A payment the browser confirms (Stripe's Payment Element: cards, Korean cards and wallets). */
export interface PaymentIntentRequest {
  amount: number;
  currency: Currency;
  idempotencyKey: string;
  description: string;
  metadata: Record<string, string>;
}

export type DeclineCode = "card_declined" | "insufficient_funds" | "expired_card" | "incorrect_cvc" | "processing_error";

export interface TransferRequest {
  amount: number;
  currency: Currency;
  /** creator:<id>; the provider pays it to that creator's payout account. */
  destination: string;
  idempotencyKey: string;
  metadata?: Record<string, string>;
}

export interface RefundRequest {
  providerPaymentId: string;
  amount: number;
  idempotencyKey: string;
}

/** A failure that retrying will not fix (the payout is then reversed). */
export class PermanentProviderError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A card that is not one of the provider's test cards (test mode) or is malformed. */
export class InvalidCardError extends Error {}

/** Creators' payout accounts at the provider (Stripe Connect Express). */
export interface ConnectProvider {
  createPayoutAccount(request: { creatorId: number; email: string; country: string; idempotencyKey: string }): Promise<PayoutAccountStatus>;
  createOnboardingLink(request: { accountId: string; refreshUrl: string; returnUrl: string }): Promise<{ url: string; expiresAt: Date }>;
}

export interface PayoutAccountStatus {
  accountId: string;
  country: string;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  transfersActive: boolean;
  detailsSubmitted: boolean;
  requirementsDue: string[];
}

export interface PaymentProvider {
  readonly name: "testmode" | "stripe";
  readonly isTestMode: boolean;
  charge(request: ChargeRequest): Promise<ChargeResult>;
  refund(request: RefundRequest): Promise<{ refundId: string }>;
  transfer(request: TransferRequest): Promise<{ transferId: string }>;
  /** Only providers with a browser SDK: an intent confirmed on the page; returns its client secret. */
  createPaymentIntent?(request: PaymentIntentRequest): Promise<{ providerPaymentId: string; clientSecret: string }>;
  /** Only providers with a browser SDK: the client secret of a payment still waiting for the customer, else null. */
  paymentClientSecret?(providerPaymentId: string): Promise<string | null>;
  /** Only providers with live and test modes: whether the configured key moves real money (sk_live_…). */
  readonly livemode?: boolean;
  /** Only providers that pay creators through accounts of their own; creators then need one before payouts. */
  readonly connect?: ConnectProvider;
}
