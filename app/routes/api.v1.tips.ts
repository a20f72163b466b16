import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { relayTipEventsSoon } from "~/jobs/relay.server";
import { getCreatorByHandle } from "~/models/creators.server";
import { clientIp, consumeRateLimit } from "~/risk/rate-limits.server";
import { screenPayment } from "~/risk/screening.server";
import { createWalletTip, validateTip } from "~/money/tips.server";
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
  })
  .strict();

export const loader = ({ request }: ActionFunctionArgs) => handleApi(request, async () => { throw methodNotAllowed(["POST"]); });

/** A tip from the signed-in fan's wallet; requires an Idempotency-Key so a retried request tips once. */
export const action = ({ request }: ActionFunctionArgs) =>
  handleApi(request, async () => {
    if (request.method !== "POST") throw methodNotAllowed(["POST"]);
    const fan = await requireApiUser(request, "tips");
    await consumeRateLimit("tip", fan.id);
    const key = parseIdempotencyKey(request, true);
    const { data, raw } = await readJson(request, TipBody);
    const answer = await withIdempotency(
      getDb(),
      { userId: fan.id, key, fingerprint: requestFingerprint("POST", "/api/v1/tips", raw) },
      async (trx) => {
        const creator = await getCreatorByHandle(trx, data.creator);
        if (!creator) throw new Problem(404, "creator_not_found", `No creator with the handle @${data.creator.replace(/^@/, "")}.`);
        validateTip(creator, data, "wallet");
        // Fraud rules: a blocked tip is a 403 with nothing written; a held one waits for an admin before settling.
        const screening = await screenPayment(trx, { action: "wallet_tip", fan, creator, amount: data.amount, currency: data.currency, ip: clientIp(request) });
        const tip = await createWalletTip(trx, { fan, creator, input: data, held: screening.held });
        await screening.record(trx, { tipId: tip.id });
        return {
          status: 201,
          body: { id: tip.id, status: tip.status, creator: tip.creator, amount: tip.amount, currency: tip.currency, message: tip.message, anonymous: tip.anonymous, createdAt: tip.createdAt },
        };
      },
    );
    if (answer.status === 201 && !answer.replayed) relayTipEventsSoon();
    return jsonResponse(answer.status, answer.body, answer.replayed ? { "Idempotent-Replayed": "true" } : {});
  });
