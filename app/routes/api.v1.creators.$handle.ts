import type { LoaderFunctionArgs } from "@remix-run/node";
import { getCreatorByHandle, getPublicProfile } from "~/models/creators.server";
import { handleApi, jsonResponse } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";
import { Problem } from "~/utils/problem.server";

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  handleApi(request, async () => {
    const creator = await getCreatorByHandle(getDb(), params.handle ?? "");
    if (!creator) throw new Problem(404, "creator_not_found", `No creator with the handle @${params.handle}.`);
    return jsonResponse(200, await getPublicProfile(getDb(), creator));
  });
