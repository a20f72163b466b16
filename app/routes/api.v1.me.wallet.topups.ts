import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getPaymentProvider } from "~/money/payment-provider.server";
import { topUpWallet } from "~/money/payments.server";
import { consumeRateLimit } from "~/risk/rate-limits.server";
import { Amount, CurrencyField, cleanText, handleApi, jsonResponse, methodNotAllowed, readJson, requireApiUser } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";
import { parseIdempotencyKey, requestFingerprint, withIdempotency } from "~/utils/idempotency.server";
import { randomUUID } from "node:crypto";

const TopUp = z.object({ amount: Amount, currency: CurrencyField, card: cleanText(64, 1) }).strict();

export const loader = ({ request }: ActionFunctionArgs) => handleApi(request, async () => { throw methodNotAllowed(["POST"]); });

export const action = ({ request }: ActionFunctionArgs) =>
  handleApi(request, async () => {
    if (request.method !== "POST") throw methodNotAllowed(["POST"]);
    const user = await requireApiUser(request);
    await consumeRateLimit("topup", user.id);
    const key = parseIdempotencyKey(request, false);
    const { data, raw } = await readJson(request, TopUp);
    const provider = getPaymentProvider();
    // With a client key, a retry after a crash reaches the provider with the same key and is charged once.
    const providerKey = key ? `topup:${user.id}:${key}` : `topup:${randomUUID()}`;
    const answer = await withIdempotency(
      getDb(),
      { userId: user.id, key, fingerprint: requestFingerprint("POST", "/api/v1/me/wallet/topups", raw) },
      async (trx) => {
        const outcome = await topUpWallet(trx, provider, { userId: user.id, ...data, providerKey });
        if (!outcome.ok) return { status: outcome.problem.status, body: outcome.problem.toJSON() };
        return {
          status: 201,
          body: {
            paymentId: outcome.payment.id,
            status: outcome.payment.status,
            amount: outcome.payment.amount,
            currency: outcome.payment.currency,
            balance: outcome.result.balance,
            testMode: provider.isTestMode,
          },
        };
      },
    );
    return jsonResponse(answer.status, answer.body, answer.replayed ? { "Idempotent-Replayed": "true" } : {});
  });
