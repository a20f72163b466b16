import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { createUser } from "~/models/users.server";
import { clientIp, consumeRateLimit } from "~/risk/rate-limits.server";
import { cleanText, handleApi, jsonResponse, methodNotAllowed, readJson } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";

const SignUp = z
  .object({
    email: z.string().max(254).pipe(z.email({ error: "must be an email address" })),
    password: cleanText(200).refine((p) => p.length >= 10, "must be at least 10 characters"),
    displayName: cleanText(60, 1),
  })
  .strict();

export const loader = ({ request }: ActionFunctionArgs) => handleApi(request, async () => { throw methodNotAllowed(["POST"]); });

export const action = ({ request }: ActionFunctionArgs) =>
  handleApi(request, async () => {
    if (request.method !== "POST") throw methodNotAllowed(["POST"]);
    await consumeRateLimit("signup", clientIp(request));
    const { data } = await readJson(request, SignUp);
    const user = await createUser(getDb(), data);
    return jsonResponse(201, { id: user.id, email: user.email, displayName: user.displayName });
  });
