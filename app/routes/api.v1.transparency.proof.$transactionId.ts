import type { LoaderFunctionArgs } from "@remix-run/node";
import { getInclusionProof } from "~/money/transparency.server";
import { handleApi, jsonResponse } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";
import { Problem } from "~/utils/problem.server";

/** Public: the inclusion proof of one transaction (by its public reference ptx_…) in its signed block. */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  handleApi(request, async () => {
    const id = params.transactionId ?? "";
    if (!/^ptx_[0-9a-f]{24}$/.test(id)) throw new Problem(404, "transaction_not_found", "No sealed transaction with this reference.");
    const proof = await getInclusionProof(getDb(), id);
    if (!proof) throw new Problem(404, "transaction_not_found", "No sealed transaction with this reference (it may not be sealed yet).");
    return jsonResponse(200, proof);
  });
