import { sealBlocks } from "~/money/transparency.server";
import { getDb } from "~/utils/db.server";

/** Seals new ledger transactions into signed blocks of the transparency log. */
export async function processTransparency() {
  return sealBlocks(getDb(), { maxPerBlock: 1000, maxBlocks: 200 });
}
