// Payout tracking on a real Postgres and a real workers process: a payout still processing after the configured
// time raises one admin alert (row, log line, metric) and one creator notice; paid or young payouts raise none.
import { afterEach, describe, expect, it } from "vitest";
import { listCreatorNotices } from "../../app/money/notices.server";
import { flagStuckPayouts } from "../../app/money/payout-tracking.server";
import { processPayout, requestPayoutNow } from "../../app/money/payouts.server";
import { TestmodePaymentProvider } from "../../app/money/testmode-provider.server";
import { resetEnvForTests } from "../../app/utils/env.server";
import { renderMetrics } from "../../app/utils/metrics.server";
import { useTestDatabase } from "../support/database";
import { makeCreatorWithAvailable } from "../support/fixtures";
import { startWorkers, waitFor, type RunningProcess } from "../support/processes";

const t = await useTestDatabase();
const provider = new TestmodePaymentProvider(t.db);
const running: RunningProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop("SIGKILL")));
});

const alertsFor = (payoutId: string) => t.db.selectFrom("admin_alerts").selectAll().where("key", "=", `payout_stuck:${payoutId}`).execute();

describe("a payout stuck in processing", () => {
  it("raises one alert and one creator notice once it is older than the threshold, and shows in the metrics", async () => {
    const { creator } = await makeCreatorWithAvailable(t.db, 50_000);
    const stuck = await requestPayoutNow(t.db, creator.id);
    const { creator: other } = await makeCreatorWithAvailable(t.db, 30_000);
    const paid = await requestPayoutNow(t.db, other.id);
    await processPayout(t.db, provider, paid.id);
    const reservedAt = new Date(stuck.createdAt).getTime();

    // Younger than the threshold: nothing.
    expect(await flagStuckPayouts(t.db, { olderThanSeconds: 3600, now: new Date(reservedAt + 3_599_000) })).toEqual([]);
    // Older: this one payout (the paid one never), once however often the watch runs.
    const later = new Date(reservedAt + 3_601_000);
    const flagged = await flagStuckPayouts(t.db, { olderThanSeconds: 3600, now: later });
    expect(flagged.map((f) => f.payoutId)).toContain(stuck.id);
    expect(flagged.map((f) => f.payoutId)).not.toContain(paid.id);
    expect(await flagStuckPayouts(t.db, { olderThanSeconds: 3600, now: later })).toEqual([]);

    const [alert] = await alertsFor(stuck.id);
    expect(alert).toMatchObject({ kind: "payout_stuck", resolved_at: null });
    expect(alert.message).toContain(stuck.id);
    expect(await alertsFor(paid.id)).toEqual([]);
    const notices = await listCreatorNotices(t.db, creator.id);
    expect(notices.filter((n) => n.kind === "payout_stuck")).toHaveLength(1);

    process.env.PAYOUT_STUCK_AFTER_SECONDS = "1";
    resetEnvForTests();
    await new Promise((r) => setTimeout(r, 1_100));
    const metrics = (await renderMetrics()).body;
    expect(metrics).toMatch(/^sodam_payouts_stuck [1-9]/m);
    expect(metrics).toMatch(/^sodam_admin_alerts_open\{kind="payout_stuck"\} [1-9]/m);
    delete process.env.PAYOUT_STUCK_AFTER_SECONDS;
    resetEnvForTests();
  });

  it("is found by the workers' maintenance job, which logs it", async () => {
    const { creator } = await makeCreatorWithAvailable(t.db, 20_000);
    // Reserved but never sent (as when the provider is down): it stays processing.
    const payout = await requestPayoutNow(t.db, creator.id);
    const workers = startWorkers({ ...t.env, PAYOUT_STUCK_AFTER_SECONDS: "1", PAYOUT_STUCK_CHECK_INTERVAL_MS: "300", LOG_LEVEL: "warn" });
    running.push(workers);
    const [alert] = await waitFor(async () => {
      const rows = await alertsFor(payout.id);
      return rows.length ? rows : null;
    }, 30_000, "the stuck-payout alert");
    expect(alert.kind).toBe("payout_stuck");
    await waitFor(async () => workers.output().includes("payout stuck in processing"), 10_000, "the log line");
    expect(workers.output()).toContain(payout.id);
    expect((await listCreatorNotices(t.db, creator.id)).map((n) => n.kind)).toContain("payout_stuck");
  });
});
