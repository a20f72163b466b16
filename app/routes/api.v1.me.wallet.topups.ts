import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getPaymentProvider, paymentPageConfig } from "~/money/payment-provider.server";
import { startCardPayment, topUpWallet, validateTopUp } from "~/money/payments.server";
import { clientIp, consumeRateLimit } from "~/risk/rate-limits.server";
import { noteCardDecline, screenPayment } from "~/risk/screening.server";
import { Amount, CurrencyField, cleanText, handleApi, jsonResponse, methodNotAllowed, readJson, requireApiUser } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";
import { parseIdempotencyKey, requestFingerprint, withIdempotency } from "~/utils/idempotency.server";
import { randomUUID } from "node:crypto";

// card: a test card (test mode) or a Stripe PaymentMethod id (pm_…) to charge now. Without it (Stripe only), the
// answer carries a client secret for the Payment Element, which confirms the payment in the browser.
const TopUp = z.object({ amount: Amount, currency: CurrencyField, card: cleanText(64, 1).optional() }).strict();

export const loader = ({ request }: ActionFunctionArgs) => handleApi(request, async () => { throw methodNotAllowed(["POST"]); });

export const action = ({ request }: ActionFunctionArgs) =>
  handleApi(request, async () => {
    if (request.method !== "POST") throw methodNotAllowed(["POST"]);
    const user = await requireApiUser(request);
    await consumeRateLimit("topup", user.id);
    const key = parseIdempotencyKey(request, false);
    const { data, raw } = await readJson(request, TopUp);
    const provider = getPaymentProvider();
    const risk = { fan: user, ip: clientIp(request), card: data.card ?? null, amount: data.amount, currency: data.currency };
    // With a client key, a retry after a crash reaches the provider with the same key and is charged once.
    const providerKey = key ? `topup:${user.id}:${key}` : `topup:${randomUUID()}`;
    const answer = await withIdempotency(
      getDb(),
      { userId: user.id, key, fingerprint: requestFingerprint("POST", "/api/v1/me/wallet/topups", raw) },
      async (trx) => {
        validateTopUp(data.amount, data.currency);
        // Fraud rules: a fan or address blocked for card testing gets a 403 topup_blocked, and nothing is charged.
        const screening = await screenPayment(trx, { action: "topup", ...risk });
        if (data.card === undefined) {
          const started = await startCardPayment(trx, provider, { purpose: "topup", userId: user.id, amount: data.amount, currency: data.currency, providerKey });
          const payment = started.payment;
          await screening.record(trx, { paymentId: payment.id });
          return {
            status: 201,
            body: {
              paymentId: payment.id,
              status: payment.status,
              amount: payment.amount,
              currency: payment.currency,
              clientSecret: started.clientSecret,
              publishableKey: paymentPageConfig().publishableKey,
              testMode: provider.isTestMode,
            },
          };
        }
        const outcome = await topUpWallet(trx, provider, { userId: user.id, amount: data.amount, currency: data.currency, card: data.card, providerKey });
        await screening.record(trx, { paymentId: outcome.payment.id });
        if (!outcome.ok) return { status: outcome.problem.status, body: outcome.problem.toJSON() };
        // 202 while the payment waits for the customer (3-D Secure): the wallet is credited when Stripe confirms it.
        const pending = outcome.payment.status === "pending";
        return {
          status: pending ? 202 : 201,
          body: {
            paymentId: outcome.payment.id,
            status: outcome.payment.status,
            amount: outcome.payment.amount,
            currency: outcome.payment.currency,
            balance: outcome.result.balance,
            ...(pending ? { clientSecret: outcome.result.clientSecret } : {}),
            testMode: provider.isTestMode,
          },
        };
      },
    );
    if ((answer.body as { code?: string }).code === "card_declined" && !answer.replayed) await noteCardDecline({ action: "topup", ...risk });
    return jsonResponse(answer.status, answer.body, answer.replayed ? { "Idempotent-Replayed": "true" } : {});
  });
