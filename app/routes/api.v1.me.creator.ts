import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { CATEGORIES, becomeCreator, getCreatorByUserId, getPublicProfile } from "~/models/creators.server";
import { CurrencyField, cleanText, handleApi, jsonResponse, methodNotAllowed, readJson, requireApiUser } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";
import { Problem } from "~/utils/problem.server";

const BecomeCreator = z
  .object({
    handle: z.string().regex(/^@?[A-Za-z0-9_]{3,30}$/, "must be 3 to 30 letters, digits or underscores"),
    displayName: cleanText(60, 1),
    currency: CurrencyField,
    bio: cleanText(1000).optional(),
    category: z.enum(CATEGORIES as [string, ...string[]]).optional(),
  })
  .strict();

export const loader = ({ request }: LoaderFunctionArgs) =>
  handleApi(request, async () => {
    const user = await requireApiUser(request);
    const creator = await getCreatorByUserId(getDb(), user.id);
    if (!creator) throw new Problem(404, "not_a_creator", "This account has no creator page yet.");
    return jsonResponse(200, await getPublicProfile(getDb(), creator));
  });

export const action = ({ request }: ActionFunctionArgs) =>
  handleApi(request, async () => {
    if (request.method !== "POST") throw methodNotAllowed(["GET", "POST"]);
    const user = await requireApiUser(request);
    const { data } = await readJson(request, BecomeCreator);
    const creator = await becomeCreator(getDb(), {
      userId: user.id,
      ...data,
      category: data.category as (typeof CATEGORIES)[number] | undefined,
    });
    return jsonResponse(201, await getPublicProfile(getDb(), creator));
  });
