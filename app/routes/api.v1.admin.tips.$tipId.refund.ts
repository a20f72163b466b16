import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getPaymentProvider } from "~/money/payment-provider.server";
import { refundTipAsAdmin } from "~/money/review.server";
import { Amount, handleApi, jsonResponse, methodNotAllowed, readJson, requireApiUser } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";
import { parseIdempotencyKey, requestFingerprint, withIdempotency } from "~/utils/idempotency.server";
import { getLogger } from "~/utils/logger.server";
import { Problem } from "~/utils/problem.server";

const RefundBody = z.object({ amount: Amount.optional() }).strict();

export const loader = ({ request }: ActionFunctionArgs) => handleApi(request, async () => { throw methodNotAllowed(["POST"]); });

/**
 * Admin refund of a tip (flow 7), wherever it is: a card tip is refunded at the provider, a wallet tip goes back to
 * the wallet. Without a body, whatever is left of the tip (refunding twice refunds once); with {"amount": n}, that
 * much of a settled tip (at most what is left), which needs an Idempotency-Key so a retried request refunds once.
 * Stripe's charge.refunded event then finds the refund applied already.
 */
export const action = ({ request, params }: ActionFunctionArgs) =>
  handleApi(request, async () => {
    if (request.method !== "POST") throw methodNotAllowed(["POST"]);
    const admin = await requireApiUser(request);
    if (admin.role !== "admin") throw new Problem(403, "admin_only", "Only admins can refund tips.");
    const tipId = params.tipId ?? "";
    if (!/^[0-9a-f-]{36}$/i.test(tipId)) throw new Problem(404, "tip_not_found", "No such tip.");
    // No body (or an empty one): refund what is left, as before partial refunds existed.
    const length = request.headers.get("Content-Length");
    const hasBody = (length !== null && length !== "0") || request.headers.get("Transfer-Encoding") === "chunked";
    const { data, raw } = hasBody ? await readJson(request, RefundBody) : { data: {}, raw: {} };
    const key = parseIdempotencyKey(request, data.amount !== undefined);
    const answer = await withIdempotency(
      getDb(),
      { userId: admin.id, key, fingerprint: requestFingerprint("POST", `/api/v1/admin/tips/${tipId}/refund`, raw) },
      async (trx) => {
        // Money-moving admin actions leave a trace with who did it: the audit log (/admin/audit), and the log.
        const result = await refundTipAsAdmin(trx, getPaymentProvider(), { tipId, adminId: admin.id, amount: data.amount });
        return { status: 200, body: result };
      },
    );
    const result = answer.body as { amount?: number; alreadyRefunded?: boolean };
    if (!answer.replayed && answer.status === 200) getLogger().info({ admin: admin.id, tip: tipId, amount: result.amount, alreadyRefunded: result.alreadyRefunded }, "admin refunded a tip");
    return jsonResponse(answer.status, answer.body, answer.replayed ? { "Idempotent-Replayed": "true" } : {});
  });
