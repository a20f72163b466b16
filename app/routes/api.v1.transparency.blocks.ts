import type { LoaderFunctionArgs } from "@remix-run/node";
import { listBlocks } from "~/money/transparency.server";
import { handleApi, jsonResponse, pageLimit } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";
import { Problem } from "~/utils/problem.server";

/** Public: sealed blocks in height order; `after` = the last height you have. */
export const loader = ({ request }: LoaderFunctionArgs) =>
  handleApi(request, async () => {
    const url = new URL(request.url);
    const limit = pageLimit(url, 50, 500);
    const afterParam = url.searchParams.get("after");
    const after = afterParam === null ? undefined : Number(afterParam);
    if (after !== undefined && (!Number.isSafeInteger(after) || after < -1)) {
      throw new Problem(422, "validation_failed", "after must be a block height.", { after: ["must be an integer ≥ -1"] });
    }
    const blocks = await listBlocks(getDb(), { after, limit });
    return jsonResponse(200, { blocks, next: blocks.length === limit ? `/api/v1/transparency/blocks?after=${blocks.at(-1)!.height}&limit=${limit}` : null });
  });
