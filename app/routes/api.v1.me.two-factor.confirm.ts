import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { confirmTwoFactor } from "~/models/two-factor.server";
import { markApiTokenSecondFactor } from "~/models/users.server";
import { bearerToken, cleanText, handleApi, jsonResponse, methodNotAllowed, readJson, requireApiUser } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";

const Confirm = z.object({ code: cleanText(20, 1) }).strict();

export const loader = ({ request }: ActionFunctionArgs) => handleApi(request, async () => { throw methodNotAllowed(["POST"]); });

/**
 * Turns two-factor on with the first code from the app; answers the recovery codes (shown this once). The token
 * that confirmed counts as having proved the second factor; other tokens need a new sign-in with a code.
 */
export const action = ({ request }: ActionFunctionArgs) =>
  handleApi(request, async () => {
    if (request.method !== "POST") throw methodNotAllowed(["POST"]);
    const user = await requireApiUser(request);
    const { data } = await readJson(request, Confirm);
    const recoveryCodes = await confirmTwoFactor(getDb(), user.id, data.code);
    await markApiTokenSecondFactor(getDb(), bearerToken(request));
    return jsonResponse(200, { enabled: true, recoveryCodes });
  });
