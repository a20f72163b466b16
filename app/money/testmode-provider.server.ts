// TEST MODE payment provider: simulates Stripe's test cards without moving real money. Charges and transfers are
// stored in its own tables keyed by idempotency key, so a retried call after a crash returns the first result —
// as Stripe does. Tests inject failures through `faults`.
import { randomBytes } from "node:crypto";
import type { DB } from "../../db/client";
import {
  InvalidCardError,
  PermanentProviderError,
  type ChargeRequest,
  type ChargeResult,
  type DeclineCode,
  type PaymentProvider,
  type RefundRequest,
  type TransferRequest,
} from "./provider.server";

interface TestCard {
  last4: string;
  decline?: DeclineCode;
}

// Stripe's documented test card numbers and payment-method ids.
const TEST_CARDS: Record<string, TestCard> = {
  "4242424242424242": { last4: "4242" },
  "5555555555554444": { last4: "4444" },
  "4000004100000000": { last4: "0000" },
  pm_card_visa: { last4: "4242" },
  pm_card_mastercard: { last4: "4444" },
  "4000000000000002": { last4: "0002", decline: "card_declined" },
  pm_card_chargeDeclined: { last4: "0002", decline: "card_declined" },
  "4000000000009995": { last4: "9995", decline: "insufficient_funds" },
  pm_card_chargeDeclinedInsufficientFunds: { last4: "9995", decline: "insufficient_funds" },
  "4000000000000069": { last4: "0069", decline: "expired_card" },
  pm_card_chargeDeclinedExpiredCard: { last4: "0069", decline: "expired_card" },
  "4000000000000127": { last4: "0127", decline: "incorrect_cvc" },
  "4000000000000119": { last4: "0119", decline: "processing_error" },
};

const DECLINE_MESSAGES: Record<DeclineCode, string> = {
  card_declined: "Your card was declined.",
  insufficient_funds: "Your card has insufficient funds.",
  expired_card: "Your card has expired.",
  incorrect_cvc: "Your card's security code is incorrect.",
  processing_error: "An error occurred while processing your card. Try again in a little bit.",
};

export const TEST_CARD_HINT = "Test mode: use 4242 4242 4242 4242 (succeeds) or 4000 0000 0000 0002 (declined).";

export function normalizeCard(card: string) {
  return card.startsWith("pm_") ? card : card.replace(/[\s-]/g, "");
}

export function isTestCard(card: string) {
  return normalizeCard(card) in TEST_CARDS;
}

export interface TestmodeFaults {
  /** Return an error to make a transfer fail; PermanentProviderError reverses the payout, others are retried. */
  transfer?: (request: TransferRequest) => Error | undefined;
}

const newId = (prefix: string) => `${prefix}_test_${randomBytes(12).toString("hex")}`;

export class TestmodePaymentProvider implements PaymentProvider {
  readonly name = "testmode" as const;
  readonly isTestMode = true;

  constructor(
    private readonly db: DB,
    public faults: TestmodeFaults = {},
  ) {}

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const card = TEST_CARDS[normalizeCard(request.card)];
    if (!card) throw new InvalidCardError(TEST_CARD_HINT);
    await this.db
      .insertInto("testmode_charges")
      .values({
        id: newId("ch"),
        idempotency_key: request.idempotencyKey,
        amount: request.amount,
        currency: request.currency,
        card_last4: card.last4,
        status: card.decline ? "failed" : "succeeded",
        decline_code: card.decline ?? null,
      })
      .onConflict((oc) => oc.column("idempotency_key").doNothing())
      .execute();
    const charge = await this.db
      .selectFrom("testmode_charges")
      .selectAll()
      .where("idempotency_key", "=", request.idempotencyKey)
      .executeTakeFirstOrThrow();
    if (charge.amount !== request.amount || charge.currency !== request.currency) {
      throw new PermanentProviderError("idempotency_error", "Keys for idempotent requests can only be used with the same parameters.");
    }
    if (charge.status === "failed") {
      const code = charge.decline_code as DeclineCode;
      return { status: "failed", providerPaymentId: charge.id, declineCode: code, message: DECLINE_MESSAGES[code] };
    }
    return { status: "succeeded", providerPaymentId: charge.id };
  }

  async refund(request: RefundRequest) {
    return this.db.transaction().execute(async (trx) => {
      const previous = await trx
        .selectFrom("testmode_refunds")
        .select("id")
        .where("idempotency_key", "=", request.idempotencyKey)
        .executeTakeFirst();
      if (previous) return { refundId: previous.id };
      const updated = await trx
        .updateTable("testmode_charges")
        .set((eb) => ({ refunded_amount: eb("refunded_amount", "+", request.amount) }))
        .where("id", "=", request.providerPaymentId)
        .where("status", "=", "succeeded")
        .where((eb) => eb(eb("refunded_amount", "+", request.amount), "<=", eb.ref("amount")))
        .returning("id")
        .executeTakeFirst();
      if (!updated) {
        throw new PermanentProviderError("charge_not_refundable", `charge ${request.providerPaymentId} cannot be refunded`);
      }
      const refundId = newId("re");
      await trx
        .insertInto("testmode_refunds")
        .values({ id: refundId, idempotency_key: request.idempotencyKey, charge_id: request.providerPaymentId, amount: request.amount })
        .execute();
      return { refundId };
    });
  }

  async transfer(request: TransferRequest) {
    const injected = this.faults.transfer?.(request);
    if (injected) throw injected;
    await this.db
      .insertInto("testmode_transfers")
      .values({
        id: newId("tr"),
        idempotency_key: request.idempotencyKey,
        amount: request.amount,
        currency: request.currency,
        destination: request.destination,
      })
      .onConflict((oc) => oc.column("idempotency_key").doNothing())
      .execute();
    const transfer = await this.db
      .selectFrom("testmode_transfers")
      .selectAll()
      .where("idempotency_key", "=", request.idempotencyKey)
      .executeTakeFirstOrThrow();
    if (transfer.amount !== request.amount) {
      throw new PermanentProviderError("idempotency_error", "Keys for idempotent requests can only be used with the same parameters.");
    }
    return { transferId: transfer.id };
  }
}
