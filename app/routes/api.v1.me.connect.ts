import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiCreator } from "~/models/creators.server";
import { getPayoutAccount } from "~/money/connect.server";
import { listCreatorNotices } from "~/money/notices.server";
import { payoutAccountsRequired } from "~/money/payment-provider.server";
import { handleApi, jsonResponse, requireApiUser } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";

/** The creator's payout account as Stripe last reported it, and the notes about their payouts. */
export const loader = ({ request }: LoaderFunctionArgs) =>
  handleApi(request, async () => {
    const creator = await requireApiCreator(getDb(), await requireApiUser(request));
    return jsonResponse(200, {
      required: payoutAccountsRequired(),
      account: await getPayoutAccount(getDb(), creator.id),
      notices: await listCreatorNotices(getDb(), creator.id),
    });
  });
