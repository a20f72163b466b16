import type { ActionFunctionArgs } from "@remix-run/node";
import { getPaymentProvider } from "~/money/payment-provider.server";
import { refundTipAsAdmin } from "~/money/review.server";
import { handleApi, jsonResponse, methodNotAllowed, requireApiUser } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { getLogger } from "~/utils/logger.server";
import { Problem } from "~/utils/problem.server";

export const loader = ({ request }: ActionFunctionArgs) => handleApi(request, async () => { throw methodNotAllowed(["POST"]); });

/**
 * Admin refund of a tip (flow 7), wherever it is: a card tip is refunded at the provider (keyed refund:<tip>), a
 * wallet tip goes back to the wallet. Refunding twice refunds once; Stripe's charge.refunded event then finds the
 * tip refunded already.
 */
export const action = ({ request, params }: ActionFunctionArgs) =>
  handleApi(request, async () => {
    if (request.method !== "POST") throw methodNotAllowed(["POST"]);
    const admin = await requireApiUser(request);
    if (admin.role !== "admin") throw new Problem(403, "admin_only", "Only admins can refund tips.");
    const tipId = params.tipId ?? "";
    if (!/^[0-9a-f-]{36}$/i.test(tipId)) throw new Problem(404, "tip_not_found", "No such tip.");
    // Money-moving admin actions leave a trace with who did it: the audit log (/admin/audit), and the log.
    const result = await refundTipAsAdmin(getDb(), getPaymentProvider(), { tipId, adminId: admin.id, feeBps: getEnv().PLATFORM_FEE_BPS });
    getLogger().info({ admin: admin.id, tip: tipId, alreadyRefunded: result.alreadyRefunded }, "admin refunded a tip");
    return jsonResponse(200, result);
  });
