import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { listFanTips } from "~/money/tips.server";
import { handleApi, jsonResponse, pageLimit, requireApiUser } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";
import { Problem } from "~/utils/problem.server";

/** The signed-in fan's tips, newest first; pass `after` = the last id of a page for the next one. */
export const loader = ({ request }: LoaderFunctionArgs) =>
  handleApi(request, async () => {
    const fan = await requireApiUser(request);
    const url = new URL(request.url);
    const limit = pageLimit(url);
    const after = url.searchParams.get("after") ?? undefined;
    if (after !== undefined && !z.string().uuid().safeParse(after).success) {
      throw new Problem(422, "validation_failed", "after must be a tip id from a previous page.", { after: ["must be a tip id"] });
    }
    const page = await listFanTips(getDb(), { fanId: fan.id, limit, after });
    const last = page.tips.at(-1);
    return jsonResponse(200, { tips: page.tips, hasMore: page.hasMore, next: page.hasMore && last ? `/api/v1/me/tips?limit=${limit}&after=${last.id}` : null });
  });
