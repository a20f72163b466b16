import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiCreator } from "~/models/creators.server";
import { getCreatorEarnings } from "~/money/earnings.server";
import { handleApi, jsonResponse, requireApiUser } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";

export const loader = ({ request }: LoaderFunctionArgs) =>
  handleApi(request, async () => {
    const creator = await requireApiCreator(getDb(), await requireApiUser(request));
    return jsonResponse(200, { balances: await getCreatorEarnings(getDb(), creator.id) });
  });
