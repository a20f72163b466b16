import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getTwoFactorStatus, startTwoFactorEnrolment } from "~/models/two-factor.server";
import { handleApi, jsonResponse, methodNotAllowed, requireApiUser } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";

/** Whether two-factor is on, and whether this token proved it. */
export const loader = ({ request }: LoaderFunctionArgs) =>
  handleApi(request, async () => {
    const user = await requireApiUser(request);
    const status = await getTwoFactorStatus(getDb(), user.id);
    return jsonResponse(200, { enabled: status.enabled, tokenVerified: user.secondFactor, recoveryCodesLeft: status.recoveryCodesLeft });
  });

/**
 * Starts enrolment: a new TOTP secret (base32) and its otpauth:// URI for an authenticator app. Two-factor turns on
 * once POST /api/v1/me/two-factor/confirm gets a code for it.
 */
export const action = ({ request }: ActionFunctionArgs) =>
  handleApi(request, async () => {
    if (request.method !== "POST") throw methodNotAllowed(["GET", "POST"]);
    const user = await requireApiUser(request);
    const { secret, uri } = await startTwoFactorEnrolment(getDb(), user.id);
    return jsonResponse(201, { secret, otpauthUri: uri });
  });
