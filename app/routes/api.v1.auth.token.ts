import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { hasTwoFactor, verifySecondFactor } from "~/models/two-factor.server";
import { createApiToken, revokeApiToken, verifyLogin } from "~/models/users.server";
import { checkRateLimit, clientIp, recordFailure } from "~/risk/rate-limits.server";
import { cleanText, handleApi, jsonResponse, methodNotAllowed, readJson, requireApiUser } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";
import { Problem } from "~/utils/problem.server";

// otp: the current TOTP code (or a recovery code) when the account has two-factor on; the token then counts as
// having proved the second factor (needed for payouts).
const Credentials = z.object({ email: cleanText(254, 1), password: cleanText(200, 1), otp: cleanText(20, 1).optional() }).strict();

export const loader = ({ request }: ActionFunctionArgs) => handleApi(request, async () => { throw methodNotAllowed(["POST", "DELETE"]); });

/** POST: exchange email and password for a bearer token. DELETE: revoke the token in the Authorization header. */
export const action = ({ request }: ActionFunctionArgs) =>
  handleApi(request, async () => {
    if (request.method === "DELETE") {
      await requireApiUser(request);
      await revokeApiToken(getDb(), request.headers.get("Authorization")!.replace(/^Bearer\s+/i, ""));
      return new Response(null, { status: 204 });
    }
    if (request.method !== "POST") throw methodNotAllowed(["POST", "DELETE"]);
    const { data } = await readJson(request, Credentials);
    // Only failures count, so a fan who types their password right is never locked out by their own sign-ins.
    const subject = `${clientIp(request)}:${data.email}`;
    await checkRateLimit("token", subject);
    const user = await verifyLogin(getDb(), data.email, data.password);
    if (!user) {
      await recordFailure("token", subject);
      throw new Problem(401, "invalid_credentials", "The email or password is not right.");
    }
    const twoFactor = await hasTwoFactor(getDb(), user.id);
    if (twoFactor) {
      if (!data.otp) throw new Problem(401, "otp_required", "This account has two-factor authentication on: send the current code as otp.");
      if (!(await verifySecondFactor(getDb(), user.id, data.otp))) {
        await recordFailure("token", subject);
        throw new Problem(401, "invalid_otp", "That code is not right, or was used already.");
      }
    }
    return jsonResponse(201, { token: await createApiToken(getDb(), user.id, { secondFactor: twoFactor }), tokenType: "Bearer" });
  });
