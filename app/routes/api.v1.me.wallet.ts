import type { LoaderFunctionArgs } from "@remix-run/node";
import { getWalletBalances } from "~/money/payments.server";
import { handleApi, jsonResponse, requireApiUser } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";

export const loader = ({ request }: LoaderFunctionArgs) =>
  handleApi(request, async () => {
    const user = await requireApiUser(request);
    return jsonResponse(200, { balances: await getWalletBalances(getDb(), user.id) });
  });
