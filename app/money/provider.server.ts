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
}

export type ChargeResult =
  | { status: "succeeded"; providerPaymentId: string }
  | { status: "failed"; providerPaymentId: string; declineCode: DeclineCode; message: string };

export type DeclineCode = "card_declined" | "insufficient_funds" | "expired_card" | "incorrect_cvc" | "processing_error";

export interface TransferRequest {
  amount: number;
  currency: Currency;
  destination: string;
  idempotencyKey: string;
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

export interface PaymentProvider {
  readonly name: "testmode" | "stripe";
  readonly isTestMode: boolean;
  charge(request: ChargeRequest): Promise<ChargeResult>;
  refund(request: RefundRequest): Promise<{ refundId: string }>;
  transfer(request: TransferRequest): Promise<{ transferId: string }>;
}
