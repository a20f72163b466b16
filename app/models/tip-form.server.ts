// The fan's tip form, wherever it is shown (the creator page, the embeddable widget): its fields, the chosen amount,
// and the submission — a wallet tip for a signed-in fan or a card tip (guests too) — answered as a tip id or a
// failure in the fan's language. Pages decide only where to go next.
import { randomUUID } from "node:crypto";
import { z } from "zod";

import { relayTipEventsSoon } from "../jobs/relay.server";
import { CURRENCY_RULES, parseAmountInput } from "../money/currency";
import { getPaymentProvider, paymentPageConfig } from "../money/payment-provider.server";
import { startCardPayment, tipByCard } from "../money/payments.server";
import { PermanentProviderError } from "../money/provider.server";
import { findTipIdByPayment } from "../money/receipts.server";
import { createWalletTip, validateTip } from "../money/tips.server";
import { clientIp, consumeRateLimit } from "../risk/rate-limits.server";
import { noteCardDecline, screenPayment } from "../risk/screening.server";
import { getDb } from "../utils/db.server";
import { describeProblem, invalidForm, problemFromAnswer, type FormFailure } from "../utils/form-problems.server";
import type { Locale, MessageKey } from "../utils/i18n";
import { requestFingerprint, withIdempotency } from "../utils/idempotency.server";
import { Problem } from "../utils/problem.server";
import type { SignedInUser } from "./users.server";
import { requireUser } from "../utils/session.server";
import { hasControlCharacters } from "../utils/text";
import type { Creator } from "./creators.server";

const noControlChars = (s: string) => !hasControlCharacters(s);
const optionalText = (max: number, tooLong: MessageKey = "fan.error.tooLong") =>
  z.string().max(max, tooLong).refine(noControlChars, "fan.error.controlChars").optional();

const AmountFields = {
  amount: z.string().max(20).optional(),
  customAmount: z.string().max(20, "fan.error.amountInvalid").optional(),
};

const TipFields = {
  intent: z.literal("tip"),
  ...AmountFields,
  // The domain checks 200 characters (counted as people count them); this only stops absurd bodies.
  message: optionalText(2000, "fan.problem.messageTooLong"),
  anonymous: z.literal("on").optional(),
  method: z.enum(["wallet", "card"]).default("card"),
  card: optionalText(64),
  supporterName: optionalText(40),
  idempotencyKey: z.uuid("fan.error.invalidRequest"),
};

export const TipForm = z.object(TipFields);
export type TipFormInput = z.infer<typeof TipForm>;

/** The creator page has two forms: a tip, or a monthly pledge from the wallet. */
export const CreatorPageForm = z.discriminatedUnion("intent", [TipForm, z.object({ intent: z.literal("pledge"), ...AmountFields })], {
  error: "fan.error.invalidRequest",
});

/** The typed amount when there is one, else the picked preset; minor units, or an error key. */
export function chosenAmount(creator: Creator, fields: { amount?: string; customAmount?: string }): number | MessageKey {
  const { exponent } = CURRENCY_RULES[creator.currency];
  const custom = fields.customAmount?.trim();
  if (custom) return parseAmountInput(custom, exponent) ?? "fan.error.amountInvalid";
  if (fields.amount) return parseAmountInput(fields.amount, 0) ?? "fan.error.amountInvalid";
  return "fan.error.amountChoose";
}

/** What a refused form sends back: the fan's values (never the card number) and a fresh key for the next try. */
export function refusedTipForm(failed: FormFailure, values: Record<string, string>) {
  const { card: _card, ...kept } = values;
  // After a refused or declined attempt the next one is a new request (the provider keeps a declined key's answer).
  return { ...failed, values: kept, idempotencyKey: randomUUID() };
}

/** A tip, or a card payment still waiting for the fan (3-D Secure, the Payment Element): its page shows it. */
export type TipSubmission =
  | { ok: true; tipId: string; pending?: undefined }
  | { ok: true; pending: true; paymentId: string }
  | { ok: false; failed: FormFailure };

/**
 * Sends the tip a fan submitted. Retries of one rendered form (same idempotency key) tip once: a wallet tip
 * replays its stored answer, a card tip finds the charge and tip its first copy made. A card payment that needs
 * the fan (3-D Secure, or any payment made with the Payment Element) comes back pending, with no tip yet.
 */
export async function submitTipForm(
  request: Request,
  args: { creator: Creator; user: SignedInUser | null; input: TipFormInput; locale: Locale },
): Promise<TipSubmission> {
  const { creator, user, input, locale } = args;
  const db = getDb();
  const amount = chosenAmount(creator, input);
  if (typeof amount !== "number") return { ok: false, failed: invalidForm(locale, { amount: [amount] }) };

  const tipInput = { amount, currency: creator.currency, message: input.message ?? null, anonymous: input.anonymous === "on" };
  const source = input.method === "wallet" ? "wallet" : "card";
  const context = { currency: creator.currency, source } as const;
  try {
    await consumeRateLimit("tip", user ? user.id : `ip:${clientIp(request)}`);

    if (source === "wallet") {
      // The session ran out between page and submit: sign in again, then come back to the page.
      const fan = user ?? (await requireUser(request));
      const answer = await withIdempotency(
        db,
        { userId: fan.id, key: input.idempotencyKey, fingerprint: requestFingerprint("POST", `/@${creator.handle}#tip`, tipInput) },
        async (trx) => {
          validateTip(creator, tipInput, "wallet");
          const screening = await screenPayment(trx, { action: "wallet_tip", fan, creator, amount, currency: creator.currency, ip: clientIp(request) });
          const tip = await createWalletTip(trx, { fan, creator, input: tipInput, held: screening.held });
          await screening.record(trx, { tipId: tip.id });
          return { status: 201, body: { id: tip.id } };
        },
      );
      if (answer.status !== 201) return { ok: false, failed: describeProblem(locale, problemFromAnswer(answer), context) };
      if (!answer.replayed) relayTipEventsSoon();
      return { ok: true, tipId: (answer.body as { id: string }).id };
    }

    const card = input.card?.trim() || null;
    const provider = getPaymentProvider();
    // With Stripe's publishable key the fan pays on the next page (Payment Element); card numbers never reach Sodam.
    const inBrowser = card === null && paymentPageConfig().publishableKey !== null && provider.createPaymentIntent !== undefined;
    if (!card && !inBrowser) return { ok: false, failed: invalidForm(locale, { card: ["fan.error.cardRequired"] }) };
    const risk = { fan: user, ip: clientIp(request), card, amount, currency: creator.currency } as const;
    const payer = { fan: user, supporterName: input.supporterName?.trim() || null, creator, input: tipInput };
    const providerKey = `card-tip:${input.idempotencyKey}`;
    const outcome = await db.transaction().execute(async (trx) => {
      validateTip(creator, tipInput, "card");
      const screening = await screenPayment(trx, { action: "card_tip", creator, ...risk });
      if (!card) {
        const started = await startCardPayment(trx, provider, { purpose: "tip", ...payer, held: screening.held, providerKey });
        await screening.record(trx, { paymentId: started.payment.id, tipId: null });
        return { ok: true as const, tipId: null, paymentId: started.payment.id, isNew: false };
      }
      const paid = await tipByCard(trx, provider, { ...payer, card, providerKey, held: screening.held });
      await screening.record(trx, { paymentId: paid.payment.id, tipId: paid.ok ? (paid.result?.id ?? null) : null });
      if (!paid.ok) return { ok: false as const, problem: paid.problem };
      // A payment that waits for the customer (3-D Secure) has no tip yet: its success event records it.
      const tipId = paid.result?.id ?? (await findTipIdByPayment(trx, paid.payment.id));
      return { ok: true as const, tipId, paymentId: paid.payment.id, isNew: paid.result !== null };
    });
    if (!outcome.ok) {
      if (outcome.problem.code === "card_declined" && card) await noteCardDecline({ action: "card_tip", creatorId: creator.id, ...risk, card });
      return { ok: false, failed: describeProblem(locale, outcome.problem, context) };
    }
    if (outcome.isNew) relayTipEventsSoon();
    if (!outcome.tipId) return { ok: true, pending: true, paymentId: outcome.paymentId };
    return { ok: true, tipId: outcome.tipId };
  } catch (error) {
    if (error instanceof Problem && error.status < 500) return { ok: false, failed: describeProblem(locale, error, context) };
    // The same form sent again with another amount (back button, edit, resubmit): the provider refuses the key.
    if (error instanceof PermanentProviderError && error.code === "idempotency_error") {
      const reused = new Problem(409, "idempotency_key_reused", error.message);
      return { ok: false, failed: describeProblem(locale, reused, context) };
    }
    throw error;
  }
}
