import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { enqueuePayout } from "~/jobs/queues.server";
import { requireApiCreator } from "~/models/creators.server";
import { requirePayoutSecondFactor } from "~/models/two-factor.server";
import { listCreatorPayouts, requestPayoutNow } from "~/money/payouts.server";
import { handleApi, jsonResponse, methodNotAllowed, requireApiUser } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";
import { getLogger } from "~/utils/logger.server";

export const loader = ({ request }: LoaderFunctionArgs) =>
  handleApi(request, async () => {
    const creator = await requireApiCreator(getDb(), await requireApiUser(request));
    return jsonResponse(200, { payouts: await listCreatorPayouts(getDb(), creator.id) });
  });

/** "Pay me now": reserves the whole available balance (one request per day); the payouts worker sends it. */
export const action = ({ request }: ActionFunctionArgs) =>
  handleApi(request, async () => {
    if (request.method !== "POST") throw methodNotAllowed(["GET", "POST"]);
    const user = await requireApiUser(request);
    const creator = await requireApiCreator(getDb(), user);
    // Two-factor on, and this token made with a code (or used to confirm enrolment): 403 otherwise.
    await requirePayoutSecondFactor(getDb(), user);
    const payout = await requestPayoutNow(getDb(), creator.id);
    // If Redis is away the payout is still reserved; the workers' resume job sends it.
    await enqueuePayout(payout.id).catch((err) => getLogger().warn({ err, payout: payout.id }, "payout enqueue deferred"));
    return jsonResponse(202, payout);
  });
