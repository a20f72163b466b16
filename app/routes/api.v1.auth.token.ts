import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { createApiToken, revokeApiToken, verifyLogin } from "~/models/users.server";
import { checkRateLimit, clientIp, recordFailure } from "~/risk/rate-limits.server";
import { cleanText, handleApi, jsonResponse, methodNotAllowed, readJson, requireApiUser } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";
import { Problem } from "~/utils/problem.server";

const Credentials = z.object({ email: cleanText(254, 1), password: cleanText(200, 1) }).strict();

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
    return jsonResponse(201, { token: await createApiToken(getDb(), user.id), tokenType: "Bearer" });
  });
