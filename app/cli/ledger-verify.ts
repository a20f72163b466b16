// `npm run ledger:verify`: recomputes the whole transparency chain and every signature from the database.
// Exits 1 and names the first bad block when anything was changed, removed or reordered.
import { verifyChain } from "../money/transparency.server";
import { orExitWhenUnreachable } from "../utils/connectivity.server";
import { closeDb, getDb } from "../utils/db.server";
import { getEnv } from "../utils/env.server";

const env = getEnv();
const started = performance.now();
const result = await orExitWhenUnreachable("postgres", env.DATABASE_URL, () => verifyChain(getDb()));
const seconds = ((performance.now() - started) / 1000).toFixed(2);
if (result.ok) {
  console.log(`OK   transparency chain: ${result.blocks} blocks, ${result.transactions} transactions verified in ${seconds} s`);
} else {
  console.log(`FAIL transparency chain: first bad block ${result.firstBadBlock} — ${result.problem}`);
}
await closeDb();
process.exit(result.ok ? 0 : 1);
