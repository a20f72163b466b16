// Named crash points for fault tests: with SODAM_FAILPOINTS=settlement.before-commit the process kills itself
// (SIGKILL, no cleanup) when it reaches that point. Ignored in production.
import { getEnv } from "./env.server";

export type FailpointName =
  | "settlement.before-commit"
  | "payout.after-reserve"
  | "payout.after-transfer";

export function failpoint(name: FailpointName) {
  const env = getEnv();
  if (env.NODE_ENV === "production" || !env.SODAM_FAILPOINTS) return;
  if (env.SODAM_FAILPOINTS.split(",").includes(name)) {
    process.kill(process.pid, "SIGKILL");
    // Never run another line of this process while the signal lands.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
  }
}
