// `npm run ledger:check`: prints every invariant with OK / FAIL / SKIP; exits 1 when any fails.
import { checkInvariants, formatInvariantReport } from "../money/invariants.server";
import { orExitWhenUnreachable } from "../utils/connectivity.server";
import { closeDb, getDb } from "../utils/db.server";
import { getEnv } from "../utils/env.server";

const env = getEnv();
const results = await orExitWhenUnreachable("postgres", env.DATABASE_URL, () => checkInvariants(getDb()));
console.log(formatInvariantReport(results));
await closeDb();
process.exit(results.some((r) => r.status === "FAIL") ? 1 : 0);
