// npm run test:chaos [-- --short]: the full chaos run (60 s of load, 20 worker kills) or the short one.
import { assertChaosReport, runChaos } from "./chaos";

const short = process.argv.includes("--short");
const report = await runChaos({
  durationMs: short ? 12_000 : 60_000,
  kills: short ? 5 : 20,
  fans: short ? 10 : 40,
  creators: short ? 4 : 12,
  concurrency: short ? 6 : 16,
  log: (line) => console.log(`chaos: ${line}`),
});
const { invariants, ...counts } = report;
console.log(JSON.stringify(counts, null, 2));
console.log(invariants);
try {
  await assertChaosReport(report);
  console.log("chaos: every invariant holds, every accepted tip is there exactly once, no payout was made twice");
  process.exit(0);
} catch (error) {
  console.log(`chaos: FAILED\n${(error as Error).message}`);
  process.exit(1);
}
