// Stripe behind the payment-provider interface: PaymentIntents for cards and Korean wallets, refunds, transfers to
// creators' Connect Express accounts, webhook signature checks, and the translation of Stripe's events into the
// few facts Sodam acts on. With payment-provider.server.ts, the only module that imports the SDK.
//
// Amounts: Sodam keeps money in minor units, which is what Stripe calls the smallest currency unit for both
// currencies Sodam handles — KRW is zero-decimal (₩10,000 → 10000) and USD has cents ($1.50 → 150). Currencies
// are lowercased only here, at the boundary.
import Stripe from "stripe";
import type { DB } from "../../db/client";
import { CURRENCY_RULES, type Currency } from "./currency";
import type { ProviderPayment } from "./payments.server";
import {
  InvalidCardError,
  PermanentProviderError,
  type ChargeRequest,
  type ChargeResult,
  type ConnectProvider,
  type DeclineCode,
  type PaymentIntentRequest,
  type PaymentProvider,
  type PayoutAccountStatus,
  type RefundRequest,
  type TransferRequest,
} from "./provider.server";

export interface StripeSettings {
  secretKey: string;
  /** Payment Element: types offered in the browser; Stripe silently drops those the currency or amount rule out. */
  paymentMethodTypes: string[];
  connectCountry: string;
  /** Tests point the SDK at a local Stripe-compatible server. */
  api?: { host?: string; port?: number; protocol?: "http" | "https" };
}

export function createStripeClient(settings: StripeSettings): Stripe {
  return new Stripe(settings.secretKey, {
    // Every POST carries Sodam's own idempotency key, so the SDK's retries of network errors and 5xx are safe.
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    appInfo: { name: "Sodam", url: "https://sodam.example" },
    ...(settings.api?.host ? { host: settings.api.host } : {}),
    ...(settings.api?.port ? { port: settings.api.port } : {}),
    ...(settings.api?.protocol ? { protocol: settings.api.protocol } : {}),
  });
}

/** Sodam's minor units are Stripe's smallest currency unit for KRW (zero-decimal) and USD (cents). */
export function toStripeAmount(amount: number, currency: Currency): number {
  if (!(currency in CURRENCY_RULES)) throw new Error(`unsupported currency ${currency}`);
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new Error(`amount ${amount} must be a positive integer in minor units`);
  return amount;
}

export function toStripeCurrency(currency: Currency): string {
  return currency.toLowerCase();
}

const DECLINE_CODES: DeclineCode[] = ["card_declined", "insufficient_funds", "expired_card", "incorrect_cvc", "processing_error"];

function declineCodeOf(error: { code?: string | null; decline_code?: string | null } | null | undefined): DeclineCode {
  if (error?.decline_code === "insufficient_funds") return "insufficient_funds";
  const code = error?.code as DeclineCode | undefined;
  return code && DECLINE_CODES.includes(code) ? code : "card_declined";
}

function chargeResultOf(intent: Stripe.PaymentIntent): ChargeResult {
  switch (intent.status) {
    case "succeeded":
      return { status: "succeeded", providerPaymentId: intent.id };
    case "requires_payment_method":
    case "canceled":
      return {
        status: "failed",
        providerPaymentId: intent.id,
        declineCode: declineCodeOf(intent.last_payment_error),
        message: intent.last_payment_error?.message ?? "Your card was declined.",
      };
    default:
      // requires_action (3-D Secure), processing, requires_confirmation: the customer or the network still has to act.
      return { status: "pending", providerPaymentId: intent.id, clientSecret: intent.client_secret };
  }
}

const RETRYABLE_CODES = new Set(["balance_insufficient", "lock_timeout", "rate_limit", "idempotency_key_in_use"]);

/**
 * Errors retrying cannot fix (a declined card, a request Stripe refuses, a key reused with other parameters)
 * become PermanentProviderError; network errors, 5xx, rate limits and authentication problems (a configuration
 * fix makes a retry succeed) stay plain errors and are retried.
 */
function providerError(error: unknown): Error {
  // Refused now, fine later: the platform balance is topped up, a lock clears, a rate limit passes.
  if (error instanceof Stripe.errors.StripeError && RETRYABLE_CODES.has(error.code ?? "")) return error;
  if (
    error instanceof Stripe.errors.StripeCardError ||
    error instanceof Stripe.errors.StripeInvalidRequestError ||
    error instanceof Stripe.errors.StripeIdempotencyError
  ) {
    return new PermanentProviderError(error.code ?? error.rawType ?? "invalid_request_error", error.message);
  }
  return error instanceof Error ? error : new Error(String(error));
}

export class StripePaymentProvider implements PaymentProvider {
  readonly name = "stripe" as const;
  readonly isTestMode = false;
  readonly connect: ConnectProvider;
  readonly livemode: boolean;

  constructor(
    private readonly db: DB,
    private readonly stripe: Stripe,
    private readonly settings: StripeSettings,
  ) {
    // Secret and restricted keys name their mode: sk_live_…, rk_live_… (sk_test_…, rk_test_… otherwise).
    this.livemode = /^(sk|rk)_live_/.test(settings.secretKey);
    this.connect = {
      createPayoutAccount: (request) => this.createPayoutAccount(request),
      createOnboardingLink: (request) => this.createOnboardingLink(request),
    };
  }

  /** Server-confirmed payment of a PaymentMethod the browser created (pm_…); card numbers never reach Sodam. */
  async charge(request: ChargeRequest): Promise<ChargeResult> {
    if (!/^pm_[A-Za-z0-9_]+$/.test(request.card)) {
      throw new InvalidCardError("Send a Stripe PaymentMethod id (pm_…) created with Stripe.js; card numbers are never sent to Sodam.");
    }
    try {
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: toStripeAmount(request.amount, request.currency),
          currency: toStripeCurrency(request.currency),
          payment_method: request.card,
          confirm: true,
          // API clients cannot follow a redirect; 3-D Secure is finished with the client secret (handleNextAction).
          automatic_payment_methods: { enabled: true, allow_redirects: "never" },
          description: request.description,
          metadata: request.metadata ?? {},
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return chargeResultOf(intent);
    } catch (error) {
      // A decline is a 402 that carries the PaymentIntent; it is a result, recorded like any other.
      if (error instanceof Stripe.errors.StripeCardError && error.payment_intent) {
        return {
          status: "failed",
          providerPaymentId: error.payment_intent.id,
          declineCode: declineCodeOf(error),
          message: error.message,
        };
      }
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.param === "payment_method") {
        throw new InvalidCardError(error.message);
      }
      throw providerError(error);
    }
  }

  async createPaymentIntent(request: PaymentIntentRequest) {
    const types = this.settings.paymentMethodTypes;
    try {
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: toStripeAmount(request.amount, request.currency),
          currency: toStripeCurrency(request.currency),
          description: request.description,
          metadata: request.metadata,
          // This API version no longer takes payment_method_types; allowed_payment_method_types filters instead.
          ...(types.length ? { allowed_payment_method_types: types } : { automatic_payment_methods: { enabled: true } }),
        },
        { idempotencyKey: request.idempotencyKey },
      );
      if (!intent.client_secret) throw new Error(`PaymentIntent ${intent.id} came without a client secret`);
      return { providerPaymentId: intent.id, clientSecret: intent.client_secret };
    } catch (error) {
      throw providerError(error);
    }
  }

  /** The pending page asks Stripe again rather than keeping client secrets in Sodam's database. */
  async paymentClientSecret(providerPaymentId: string) {
    try {
      const intent = await this.stripe.paymentIntents.retrieve(providerPaymentId);
      const waiting = ["requires_payment_method", "requires_action", "requires_confirmation"].includes(intent.status);
      return waiting ? intent.client_secret : null;
    } catch (error) {
      throw providerError(error);
    }
  }

  async refund(request: RefundRequest) {
    try {
      const refund = await this.stripe.refunds.create(
        { payment_intent: request.providerPaymentId, amount: request.amount },
        { idempotencyKey: request.idempotencyKey },
      );
      return { refundId: refund.id };
    } catch (error) {
      throw providerError(error);
    }
  }

  /** Pays a creator (destination creator:<id>) into their Connect account, which must be able to receive it. */
  async transfer(request: TransferRequest) {
    const creatorId = /^creator:(\d+)$/.exec(request.destination)?.[1];
    if (!creatorId) throw new PermanentProviderError("invalid_destination", `cannot pay ${request.destination}`);
    const account = await this.db
      .selectFrom("connect_accounts")
      .select(["stripe_account_id", "transfers_active", "payouts_enabled"])
      .where("creator_id", "=", Number(creatorId))
      .executeTakeFirst();
    if (!account?.transfers_active || !account.payouts_enabled) {
      throw new PermanentProviderError("payout_account_not_ready", "The creator's payout account cannot receive transfers.");
    }
    try {
      const transfer = await this.stripe.transfers.create(
        {
          amount: toStripeAmount(request.amount, request.currency),
          currency: toStripeCurrency(request.currency),
          destination: account.stripe_account_id,
          description: "Sodam payout",
          metadata: request.metadata ?? {},
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return { transferId: transfer.id };
    } catch (error) {
      throw providerError(error);
    }
  }

  private async createPayoutAccount(request: { creatorId: number; email: string; country: string; idempotencyKey: string }) {
    try {
      const account = await this.stripe.accounts.create(
        {
          type: "express",
          country: request.country,
          email: request.email,
          // Transfers only: creators receive payouts and take no payments themselves. Cross-border payouts need the
          // recipient service agreement.
          capabilities: { transfers: { requested: true } },
          tos_acceptance: { service_agreement: "recipient" },
          metadata: { sodam_creator_id: String(request.creatorId) },
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return payoutAccountStatusOf(account);
    } catch (error) {
      throw providerError(error);
    }
  }

  private async createOnboardingLink(request: { accountId: string; refreshUrl: string; returnUrl: string }) {
    try {
      const link = await this.stripe.accountLinks.create({
        account: request.accountId,
        type: "account_onboarding",
        refresh_url: request.refreshUrl,
        return_url: request.returnUrl,
      });
      return { url: link.url, expiresAt: new Date(link.expires_at * 1000) };
    } catch (error) {
      throw providerError(error);
    }
  }
}

export function payoutAccountStatusOf(account: Stripe.Account): PayoutAccountStatus {
  return {
    accountId: account.id,
    country: account.country ?? "",
    chargesEnabled: account.charges_enabled,
    payoutsEnabled: account.payouts_enabled,
    transfersActive: account.capabilities?.transfers === "active",
    detailsSubmitted: account.details_submitted,
    requirementsDue: account.requirements?.currently_due ?? [],
  };
}

/** A webhook whose signature checked out: what is stored of it. */
export interface VerifiedEvent {
  id: string;
  type: string;
  account: string | null;
  livemode: boolean;
  createdAt: Date;
  payload: Record<string, unknown>;
}

export class WebhookSignatureError extends Error {}

/**
 * Checks the Stripe-Signature header against the raw body with each configured endpoint secret (a platform and a
 * Connect endpoint may share the URL) and refuses timestamps older than the tolerance (replayed deliveries).
 */
export function verifyStripeWebhook(rawBody: string, signature: string | null, secrets: string[], toleranceSeconds: number): VerifiedEvent {
  if (!signature) throw new WebhookSignatureError("The Stripe-Signature header is missing.");
  let event: Stripe.Event | undefined;
  let lastError: unknown;
  for (const secret of secrets) {
    try {
      event = Stripe.webhooks.constructEvent(rawBody, signature, secret, toleranceSeconds);
      break;
    } catch (error) {
      lastError = error;
    }
  }
  if (!event) {
    throw new WebhookSignatureError(lastError instanceof Error ? lastError.message : "The signature does not match.");
  }
  if (typeof event.id !== "string" || !event.id.startsWith("evt_") || typeof event.type !== "string") {
    throw new WebhookSignatureError("The body is not a Stripe event.");
  }
  return {
    id: event.id,
    type: event.type,
    account: event.account ?? null,
    livemode: event.livemode,
    createdAt: new Date(event.created * 1000),
    payload: JSON.parse(rawBody) as Record<string, unknown>,
  };
}

/** What a Stripe event means to Sodam; everything else about it stays in the stored payload. */
export type ProviderEventFact =
  | { kind: "payment_succeeded"; payment: ProviderPayment }
  | { kind: "payment_failed"; payment: ProviderPayment; failureCode: string }
  | {
      kind: "payment_refunded";
      providerPaymentId: string;
      fully: boolean;
      /** The charge's running total refunded, partial refunds included. */
      amountRefunded: number;
      /** Stripe copies a PaymentIntent's metadata to its charge: Sodam's payments carry sodam_purpose. */
      sodamPayment: boolean;
    }
  | {
      kind: "dispute";
      phase: "created" | "closed";
      disputeId: string;
      providerPaymentId: string;
      amount: number;
      currency: string;
      reason: string | null;
      status: string;
    }
  | { kind: "payout_account_updated"; status: PayoutAccountStatus; creatorId: number | null }
  | { kind: "transfer_reversed"; transferId: string; payoutId: string | null; fully: boolean; amountReversed: number }
  | { kind: "bank_payout_failed"; accountId: string; payoutId: string; amount: number; currency: string; failureCode: string | null }
  | { kind: "ignored"; reason: string };

const idOf = (value: string | { id: string } | null | undefined) => (typeof value === "string" ? value : (value?.id ?? null));

function providerPaymentOf(intent: Stripe.PaymentIntent): ProviderPayment {
  return { providerPaymentId: intent.id, amount: intent.amount, currency: intent.currency, metadata: intent.metadata ?? {} };
}

/** Reads a stored event payload (snapshot event) into the fact Sodam acts on. Pure: no API calls. */
export function interpretStripeEvent(payload: Record<string, unknown>): ProviderEventFact {
  const event = payload as unknown as Stripe.Event;
  switch (event.type) {
    case "payment_intent.succeeded":
      return { kind: "payment_succeeded", payment: providerPaymentOf(event.data.object) };
    case "payment_intent.payment_failed": {
      const intent = event.data.object;
      return { kind: "payment_failed", payment: providerPaymentOf(intent), failureCode: declineCodeOf(intent.last_payment_error) };
    }
    case "charge.refunded": {
      const charge = event.data.object;
      const providerPaymentId = idOf(charge.payment_intent);
      if (!providerPaymentId) return { kind: "ignored", reason: `charge ${charge.id} has no PaymentIntent` };
      return {
        kind: "payment_refunded",
        providerPaymentId,
        fully: charge.refunded,
        amountRefunded: charge.amount_refunded,
        sodamPayment: typeof charge.metadata?.sodam_purpose === "string",
      };
    }
    case "charge.dispute.created":
    case "charge.dispute.closed": {
      const dispute = event.data.object;
      const providerPaymentId = idOf(dispute.payment_intent);
      if (!providerPaymentId) return { kind: "ignored", reason: `dispute ${dispute.id} has no PaymentIntent` };
      return {
        kind: "dispute",
        phase: event.type === "charge.dispute.created" ? "created" : "closed",
        disputeId: dispute.id,
        providerPaymentId,
        amount: dispute.amount,
        currency: dispute.currency,
        reason: dispute.reason ?? null,
        status: dispute.status,
      };
    }
    case "account.updated": {
      const account = event.data.object;
      const creatorId = account.metadata?.sodam_creator_id;
      return {
        kind: "payout_account_updated",
        status: payoutAccountStatusOf(account),
        creatorId: creatorId && /^\d{1,15}$/.test(creatorId) ? Number(creatorId) : null,
      };
    }
    case "transfer.reversed": {
      const transfer = event.data.object;
      return {
        kind: "transfer_reversed",
        transferId: transfer.id,
        payoutId: transfer.metadata?.sodam_payout_id ?? null,
        fully: transfer.reversed || transfer.amount_reversed >= transfer.amount,
        amountReversed: transfer.amount_reversed,
      };
    }
    case "payout.failed": {
      const payout = event.data.object;
      if (!event.account) return { kind: "ignored", reason: `payout ${payout.id} is the platform's own` };
      return {
        kind: "bank_payout_failed",
        accountId: event.account,
        payoutId: payout.id,
        amount: payout.amount,
        currency: payout.currency,
        failureCode: payout.failure_code,
      };
    }
    default:
      return { kind: "ignored", reason: `Sodam does not act on ${String((payload as { type?: unknown }).type)}` };
  }
}
