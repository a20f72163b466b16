import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { relayTipEventsSoon } from "~/jobs/relay.server";
import { getCreatorByHandle } from "~/models/creators.server";
import { getPaymentProvider } from "~/money/payment-provider.server";
import { tipByCard } from "~/money/payments.server";
import { findTipIdByPayment } from "~/money/receipts.server";
import { clientIp, consumeRateLimit } from "~/risk/rate-limits.server";
import { noteCardDecline, screenPayment } from "~/risk/screening.server";
import { createWalletTip, validateTip, type Tip } from "~/money/tips.server";
import { Amount, CurrencyField, cleanText, handleApi, jsonResponse, methodNotAllowed, readJson, requireApiUser } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";
import { parseIdempotencyKey, requestFingerprint, withIdempotency } from "~/utils/idempotency.server";
import { Problem } from "~/utils/problem.server";

const TipBody = z
  .object({
    creator: cleanText(64, 1),
    amount: Amount,
    currency: CurrencyField,
    message: cleanText(1000).nullish(),
    anonymous: z.boolean({ error: "must be true or false" }).optional(),
    // A card tip instead of a wallet tip: a Stripe PaymentMethod id (pm_…, made with Stripe.js), or a test card in
    // test mode. Card numbers are never sent to Sodam when Stripe is configured.
    paymentMethod: cleanText(64, 1).optional(),
  })
  .strict();

const tipBody = (tip: Tip) => ({
  id: tip.id,
  status: tip.status,
  creator: tip.creator,
  amount: tip.amount,
  currency: tip.currency,
  message: tip.message,
  anonymous: tip.anonymous,
  source: tip.source,
  createdAt: tip.createdAt,
});

export const loader = ({ request }: ActionFunctionArgs) => handleApi(request, async () => { throw methodNotAllowed(["POST"]); });

/**
 * A tip from the signed-in fan's wallet, or paid by card with `paymentMethod`; requires an Idempotency-Key so a
 * retried request tips (and charges) once. A card payment that needs the customer (3-D Secure) answers 202
 * requires_action with the client secret to finish it with Stripe.js; the tip is recorded when Stripe confirms it.
 */
export const action = ({ request }: ActionFunctionArgs) =>
  handleApi(request, async () => {
    if (request.method !== "POST") throw methodNotAllowed(["POST"]);
    const fan = await requireApiUser(request, "tips");
    await consumeRateLimit("tip", fan.id);
    const key = parseIdempotencyKey(request, true);
    const { data, raw } = await readJson(request, TipBody);
    const { paymentMethod, ...input } = data;
    const source = paymentMethod ? "card" : "wallet";
    const risk = { fan, ip: clientIp(request), card: paymentMethod ?? null, amount: data.amount, currency: data.currency };
    let creatorId: number | null = null;
    const answer = await withIdempotency(
      getDb(),
      { userId: fan.id, key, fingerprint: requestFingerprint("POST", "/api/v1/tips", raw) },
      async (trx) => {
        const creator = await getCreatorByHandle(trx, input.creator);
        if (!creator) throw new Problem(404, "creator_not_found", `No creator with the handle @${input.creator.replace(/^@/, "")}.`);
        creatorId = creator.id;
        validateTip(creator, input, source);
        // Fraud rules: a blocked tip is a 403 with nothing written; a held one waits for an admin before settling.
        const screening = await screenPayment(trx, { action: source === "card" ? "card_tip" : "wallet_tip", creator, ...risk });
        if (!paymentMethod) {
          const tip = await createWalletTip(trx, { fan, creator, input, held: screening.held });
          await screening.record(trx, { tipId: tip.id });
          return { status: 201, body: tipBody(tip) };
        }
        const paid = await tipByCard(trx, getPaymentProvider(), {
          fan,
          creator,
          input,
          card: paymentMethod,
          providerKey: `api-card-tip:${fan.id}:${key}`,
          held: screening.held,
        });
        await screening.record(trx, { paymentId: paid.payment.id, tipId: paid.ok ? (paid.result?.id ?? null) : null });
        if (!paid.ok) return { status: paid.problem.status, body: paid.problem.toJSON() };
        if (paid.payment.status === "pending") {
          return {
            status: 202,
            body: { paymentId: paid.payment.id, status: "requires_action", amount: paid.payment.amount, currency: paid.payment.currency, clientSecret: paid.clientSecret ?? null },
          };
        }
        if (paid.result) return { status: 201, body: tipBody(paid.result) };
        // The provider had already charged this key (a retry after a crash): the tip its first copy recorded.
        const tipId = await findTipIdByPayment(trx, paid.payment.id);
        return { status: 201, body: { id: tipId, status: "pending", creator: creator.handle, amount: input.amount, currency: input.currency, source: "card" } };
      },
    );
    if ((answer.body as { code?: string }).code === "card_declined" && !answer.replayed) await noteCardDecline({ action: "card_tip", creatorId, ...risk });
    if (answer.status === 201 && !answer.replayed) relayTipEventsSoon();
    return jsonResponse(answer.status, answer.body, answer.replayed ? { "Idempotent-Replayed": "true" } : {});
  });
