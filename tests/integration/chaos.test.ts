// The short chaos run (the full one: `npm run test:chaos`).
import { expect, it } from "vitest";
import { assertChaosReport, runChaos } from "../chaos/chaos";

it("keeps every accepted tip exactly once and every invariant while workers are killed, Redis is flushed and connections are cut", async () => {
  const report = await runChaos({ durationMs: 12_000, kills: 5, fans: 8, creators: 3, concurrency: 6 });
  console.log(`chaos (short): ${JSON.stringify({ ...report, invariants: undefined })}`);
  expect(report.kills).toBe(5);
  expect(report.redisFlushes).toBe(1);
  expect(report.connectionCuts).toBe(1);
  expect(report.tipsAccepted).toBeGreaterThan(0);
  await assertChaosReport(report);
}, 300_000);
