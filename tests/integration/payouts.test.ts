// Payouts (flow 6) on a real Postgres and, for the crash cases, a real workers process: reserve (available → in
// transit), one provider transfer keyed `payout:<id>`, then paid — or failed and reversed. Whatever crashes or
// races, a creator is paid exactly once.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createDb } from "../../db/client";
import { closeQueues, enqueuePayout, getQueue, QUEUES } from "../../app/jobs/queues.server";
import { accountCode } from "../../app/money/ledger.server";
import {
  listUnfinishedPayouts,
  payoutPeriod,
  processPayout,
  requestPayoutNow,
  reserveDuePayouts,
  reservePayout,
} from "../../app/money/payouts.server";
import { PermanentProviderError, type PaymentProvider, type TransferRequest } from "../../app/money/provider.server";
import { TestmodePaymentProvider } from "../../app/money/testmode-provider.server";
import { koreanWithholding } from "../../app/money/withholding";
import { useTestDatabase } from "../support/database";
import {
  creatorBalances,
  entriesTotal,
  makeCreator,
  makeCreatorWithAvailable,
  makeFan,
  moneyFootprint,
  postingOf,
  problemOf,
  settleAndRelease,
  tip,
  waitForDeath,
} from "../support/fixtures";
import { startWorkers, waitFor, type RunningProcess } from "../support/processes";

const t = await useTestDatabase();
const provider = new TestmodePaymentProvider(t.db);

const running: RunningProcess[] = [];
afterEach(async () => {
  // A test that failed half-way must not leave a workers process acting on the next test's data.
  await Promise.all(running.splice(0).map((p) => p.stop("SIGKILL")));
});
afterAll(async () => {
  await closeQueues();
});

const transfersOf = (payoutId: string) =>
  t.db.selectFrom("testmode_transfers").selectAll().where("idempotency_key", "=", `payout:${payoutId}`).execute();
const payoutRow = (id: string) => t.db.selectFrom("payouts").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
const payoutsOf = (creatorId: number) => t.db.selectFrom("payouts").selectAll().where("creator_id", "=", creatorId).execute();
const ledgerKeysOf = async (payoutId: string) =>
  (
    await t.db
      .selectFrom("ledger_transactions")
      .select("key")
      .where("key", "in", [`payout:${payoutId}`, `payout_withholding:${payoutId}`, `payout_paid:${payoutId}`, `payout_reversal:${payoutId}`])
      .orderBy("id")
      .execute()
  ).map((r) => r.key);

/**
 * Exactly once: one transfer for the payout's amount less its withholding (the creators here are individuals paid
 * in KRW, so 3.3 % is withheld), status paid, nothing left in transit.
 */
async function expectPaidExactlyOnce(payoutId: string, creator: { id: number; currency: "KRW" | "USD" }, amount: number) {
  const withheld = koreanWithholding(amount);
  const transfers = await transfersOf(payoutId);
  expect(transfers).toHaveLength(1);
  expect(transfers[0]).toMatchObject({ amount: amount - withheld.total, currency: creator.currency, destination: `creator:${creator.id}` });
  const payout = await payoutRow(payoutId);
  expect(payout).toMatchObject({
    status: "paid",
    amount,
    provider_transfer_id: transfers[0].id,
    withholding_income_tax: withheld.incomeTax,
    withholding_local_tax: withheld.localTax,
  });
  expect(await ledgerKeysOf(payoutId)).toEqual([`payout:${payoutId}`, `payout_withholding:${payoutId}`, `payout_paid:${payoutId}`]);
  expect((await creatorBalances(t.db, creator)).inTransit).toBe(0);
}

describe("a payout on request", () => {
  it("reserves the available balance, transfers it once keyed by the payout id, and marks it paid", async () => {
    const { creator } = await makeCreatorWithAvailable(t.db, 19_000);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 19_000, inTransit: 0 });
    const clearingBefore = await entriesTotal(t.db, accountCode.clearing("KRW"));

    const payout = await requestPayoutNow(t.db, creator.id);
    expect(payout).toMatchObject({ creatorId: creator.id, amount: 19_000, currency: "KRW", status: "processing", providerTransferId: null });
    expect(payout.period).toMatch(/^request-\d{4}-\d{2}-\d{2}$/);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 0, inTransit: 19_000 });
    expect(await postingOf(t.db, `payout:${payout.id}`)).toEqual({
      [accountCode.creator(creator.id, "available", "KRW")]: -19_000,
      [accountCode.creator(creator.id, "in_transit", "KRW")]: 19_000,
    });
    expect(await transfersOf(payout.id)).toHaveLength(0);

    const paid = await processPayout(t.db, provider, payout.id);
    expect(paid).toMatchObject({ id: payout.id, status: "paid" });
    expect(paid!.providerTransferId).toMatch(/^tr_test_/);
    expect(paid!.paidAt).not.toBeNull();
    await expectPaidExactlyOnce(payout.id, creator, 19_000);
    // ₩19,000 to an individual in KRW: income tax ₩570, local income tax ₩50, so ₩18,380 is sent.
    expect(paid).toMatchObject({ withholding: { incomeTax: 570, localTax: 50, total: 620 }, net: 18_380 });
    expect(await postingOf(t.db, `payout_withholding:${payout.id}`)).toEqual({
      [accountCode.creator(creator.id, "in_transit", "KRW")]: -620,
      [accountCode.platform("tax_payable", "KRW")]: 620,
    });
    expect(await postingOf(t.db, `payout_paid:${payout.id}`)).toEqual({
      [accountCode.creator(creator.id, "in_transit", "KRW")]: -18_380,
      [accountCode.clearing("KRW")]: 18_380,
    });
    expect((await entriesTotal(t.db, accountCode.clearing("KRW"))) - clearingBefore).toBe(18_380);

    // Processing a paid payout again changes nothing.
    expect(await processPayout(t.db, provider, payout.id)).toMatchObject({ status: "paid", providerTransferId: paid!.providerTransferId });
    await expectPaidExactlyOnce(payout.id, creator, 19_000);
    expect(await processPayout(t.db, provider, randomUUID())).toBeNull();
  });

  it("refuses a balance below the creator's minimum with a 422 problem, writing nothing", async () => {
    const { creator } = await makeCreatorWithAvailable(t.db, 9_999); // default minimum ₩10,000
    const before = await moneyFootprint(t.db);
    const problem = await problemOf(requestPayoutNow(t.db, creator.id));
    expect(problem).toMatchObject({ status: 422, code: "below_payout_minimum" });
    expect(await moneyFootprint(t.db)).toEqual(before);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 9_999, inTransit: 0 });
    // Nothing at all to pay is "below minimum" too, even with a minimum the balance meets.
    const empty = await makeCreator(t.db, { payoutMinimum: 1 });
    expect(await problemOf(requestPayoutNow(t.db, empty.id))).toMatchObject({ status: 422, code: "below_payout_minimum" });
  });

  it("answers a second request on the same Seoul day with 409, and allows one the next day", async () => {
    const { creator } = await makeCreatorWithAvailable(t.db, 12_000);
    const first = await requestPayoutNow(t.db, creator.id, new Date("2030-05-14T03:00:00Z")); // 12:00 in Seoul
    await processPayout(t.db, provider, first.id);

    // New money arrives the same day: still one request per day.
    const fan = await makeFan(t.db, { balance: 11_000 });
    await tip(t.db, fan, creator, 11_000);
    await settleAndRelease(t.db, 0);
    const lateSameDay = new Date("2030-05-14T14:59:59Z"); // 23:59:59 in Seoul
    expect(await problemOf(requestPayoutNow(t.db, creator.id, lateSameDay))).toMatchObject({ status: 409, code: "payout_already_requested" });
    expect(await payoutsOf(creator.id)).toHaveLength(1);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 11_000, inTransit: 0 });

    const nextDay = await requestPayoutNow(t.db, creator.id, new Date("2030-05-14T15:00:00Z")); // 00:00 in Seoul
    expect(nextDay).toMatchObject({ amount: 11_000, period: "request-2030-05-15" });
    await processPayout(t.db, provider, nextDay.id);
    await expectPaidExactlyOnce(nextDay.id, creator, 11_000);
    await expectPaidExactlyOnce(first.id, creator, 12_000);
  });
});

describe("when the provider's transfer fails", () => {
  it("a permanent error (account closed) fails the payout and puts the money back in available", async () => {
    const { creator } = await makeCreatorWithAvailable(t.db, 19_000);
    const closed = new TestmodePaymentProvider(t.db, {
      transfer: () => new PermanentProviderError("account_closed", "The destination bank account is closed."),
    });
    const payout = await requestPayoutNow(t.db, creator.id);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 0, inTransit: 19_000 });

    const failed = await processPayout(t.db, closed, payout.id);
    expect(failed).toMatchObject({ status: "failed", failureReason: "account_closed: The destination bank account is closed.", providerTransferId: null });
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 19_000, inTransit: 0 });
    expect(await transfersOf(payout.id)).toHaveLength(0);
    expect(await ledgerKeysOf(payout.id)).toEqual([`payout:${payout.id}`, `payout_reversal:${payout.id}`]);
    expect(await postingOf(t.db, `payout_reversal:${payout.id}`)).toEqual({
      [accountCode.creator(creator.id, "in_transit", "KRW")]: -19_000,
      [accountCode.creator(creator.id, "available", "KRW")]: 19_000,
    });

    // A failed payout stays failed: processing it again — even with a working provider — neither pays nor reverses twice.
    expect(await processPayout(t.db, provider, payout.id)).toMatchObject({ status: "failed" });
    expect(await processPayout(t.db, closed, payout.id)).toMatchObject({ status: "failed" });
    expect(await transfersOf(payout.id)).toHaveLength(0);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 19_000, inTransit: 0 });

    // The money can be paid out in a later period.
    const later = await reservePayout(t.db, { creatorId: creator.id, period: "2030-W01" });
    expect("payout" in later && !("skipped" in later)).toBe(true);
    const retry = (later as { payout: { id: string } }).payout.id;
    await processPayout(t.db, provider, retry);
    await expectPaidExactlyOnce(retry, creator, 19_000);
  });

  it("a transient error leaves the payout processing; a later attempt pays it once", async () => {
    const { creator } = await makeCreatorWithAvailable(t.db, 14_000);
    let attempts = 0;
    const flaky = new TestmodePaymentProvider(t.db, {
      transfer: () => (++attempts <= 2 ? new Error("connect ETIMEDOUT api.stripe.com") : undefined),
    });
    const payout = await requestPayoutNow(t.db, creator.id);
    await expect(processPayout(t.db, flaky, payout.id)).rejects.toThrow(/ETIMEDOUT/);
    await expect(processPayout(t.db, flaky, payout.id)).rejects.toThrow(/ETIMEDOUT/);
    expect(await payoutRow(payout.id)).toMatchObject({ status: "processing", provider_transfer_id: null });
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 0, inTransit: 14_000 });
    expect(await transfersOf(payout.id)).toHaveLength(0);
    // The resume job would find it once it is old enough.
    expect(await listUnfinishedPayouts(t.db, 0)).toContain(payout.id);

    expect(await processPayout(t.db, flaky, payout.id)).toMatchObject({ status: "paid" });
    await expectPaidExactlyOnce(payout.id, creator, 14_000);
    expect(await listUnfinishedPayouts(t.db, 0)).not.toContain(payout.id);
  });

  it("a transfer the provider made but whose answer was lost is not made twice when retried", async () => {
    const { creator } = await makeCreatorWithAvailable(t.db, 16_000);
    const lossy: PaymentProvider = {
      name: "testmode",
      isTestMode: true,
      charge: (request) => provider.charge(request),
      refund: (request) => provider.refund(request),
      async transfer(request: TransferRequest) {
        await provider.transfer(request);
        throw new Error("socket hang up");
      },
    };
    const payout = await requestPayoutNow(t.db, creator.id);
    await expect(processPayout(t.db, lossy, payout.id)).rejects.toThrow(/socket hang up/);
    const [made] = await transfersOf(payout.id);
    expect(made).toMatchObject({ amount: 16_000 - koreanWithholding(16_000).total });
    expect(await payoutRow(payout.id)).toMatchObject({ status: "processing" });

    const paid = await processPayout(t.db, provider, payout.id);
    expect(paid).toMatchObject({ status: "paid", providerTransferId: made.id });
    await expectPaidExactlyOnce(payout.id, creator, 16_000);
  });
});

describe("concurrency and schedules", () => {
  it("processPayout called 10 times at once makes one transfer and one payout_paid posting", async () => {
    const { creator } = await makeCreatorWithAvailable(t.db, 21_000);
    const payout = await requestPayoutNow(t.db, creator.id);
    const racers = createDb(t.url, 12);
    try {
      const racingProvider = new TestmodePaymentProvider(racers);
      const results = await Promise.all(Array.from({ length: 10 }, () => processPayout(racers, racingProvider, payout.id)));
      expect(results.map((r) => r?.status)).toEqual(Array(10).fill("paid"));
      expect(new Set(results.map((r) => r?.providerTransferId)).size).toBe(1);
    } finally {
      await racers.destroy();
    }
    await expectPaidExactlyOnce(payout.id, creator, 21_000);
  });

  it("reserveDuePayouts twice in the same period (and twice at once) reserves one payout per creator", async () => {
    const weekly = (await makeCreatorWithAvailable(t.db, 20_000, { payoutSchedule: "weekly" })).creator;
    const monthly = (await makeCreatorWithAvailable(t.db, 30_000, { payoutSchedule: "monthly" })).creator;
    const small = (await makeCreatorWithAvailable(t.db, 5_000, { payoutSchedule: "weekly" })).creator;
    const lowMinimum = (await makeCreatorWithAvailable(t.db, 5_000, { payoutSchedule: "weekly", payoutMinimum: 1_000 })).creator;
    const now = new Date("2031-03-05T12:00:00Z"); // a Wednesday: 2031-W10, 2031-03

    const concurrent = await Promise.all([reserveDuePayouts(t.db, now), reserveDuePayouts(t.db, now)]);
    const again = await reserveDuePayouts(t.db, now);
    expect(again).toEqual([]);
    const reserved = [...concurrent[0], ...concurrent[1]];
    expect(new Set(reserved).size).toBe(reserved.length);

    const mine = async (creatorId: number) => (await payoutsOf(creatorId)).filter((p) => !p.period.startsWith("request-"));
    expect(await mine(weekly.id)).toMatchObject([{ period: payoutPeriod("weekly", now), amount: 20_000, status: "processing" }]);
    expect(payoutPeriod("weekly", now)).toBe("2031-W10");
    expect(await mine(monthly.id)).toMatchObject([{ period: "2031-03", amount: 30_000, status: "processing" }]);
    expect(await mine(lowMinimum.id)).toMatchObject([{ period: "2031-W10", amount: 5_000 }]);
    expect(await mine(small.id)).toEqual([]);
    for (const c of [weekly, monthly, lowMinimum]) {
      const [p] = await mine(c.id);
      expect(reserved).toContain(p.id);
      expect(await ledgerKeysOf(p.id)).toEqual([`payout:${p.id}`]); // money moved once
    }
    expect(await creatorBalances(t.db, weekly)).toEqual({ pending: 0, available: 0, inTransit: 20_000 });
    expect(await creatorBalances(t.db, small)).toEqual({ pending: 0, available: 5_000, inTransit: 0 });

    // Every payout one creator has per period is unique, across the whole database.
    const all = await t.db.selectFrom("payouts").select(["creator_id", "period"]).execute();
    expect(new Set(all.map((p) => `${p.creator_id}/${p.period}`)).size).toBe(all.length);

    for (const id of reserved) expect(await processPayout(t.db, provider, id)).toMatchObject({ status: "paid" });
    await expectPaidExactlyOnce((await mine(monthly.id))[0].id, monthly, 30_000);
  });
});

describe("a workers process killed in the middle of a payout", () => {
  it("after the transfer, before recording it: the creator is paid exactly once after a restart", async () => {
    const { creator } = await makeCreatorWithAvailable(t.db, 25_000);
    const payout = await requestPayoutNow(t.db, creator.id); // reserved in-process
    const crashing = startWorkers({ ...t.env, SODAM_FAILPOINTS: "payout.after-transfer" });
    running.push(crashing);
    await enqueuePayout(payout.id);
    const death = await waitForDeath(crashing);
    expect(death.killed, `exit ${death.code} / ${death.signal}:\n${crashing.output()}`).toBe(true);

    // The provider made the transfer; the database does not know yet.
    expect(await transfersOf(payout.id)).toHaveLength(1);
    expect(await payoutRow(payout.id)).toMatchObject({ status: "processing", provider_transfer_id: null });
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 0, inTransit: 25_000 });

    // What resumes it: a pay job enqueued again after the restart. (The killed job, pay-<id>, stays locked by the
    // dead worker until its 60 s lock expires, and the resume job only takes payouts older than 60 s — both
    // would get there too, just slower.) The restarted worker calls the provider again with the same key.
    const healthy = startWorkers({ ...t.env, HOLD_PERIOD_SECONDS: "0" });
    running.push(healthy);
    await getQueue(QUEUES.payouts).add("pay", { kind: "pay", payoutId: payout.id }, { jobId: `pay-${payout.id}-after-restart` });
    await waitFor(async () => (await payoutRow(payout.id)).status === "paid", 30_000, "the restarted workers to pay the payout");
    await healthy.stop();

    await expectPaidExactlyOnce(payout.id, creator, 25_000);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 0, inTransit: 0 });
  });

  it("after the reserve, before commit: nothing is reserved, and the restarted schedule pays once", async () => {
    const { creator } = await makeCreatorWithAvailable(t.db, 27_000, { payoutSchedule: "weekly" });
    const payoutsBefore = await t.db.selectFrom("payouts").select("id").orderBy("id").execute();
    const crashing = startWorkers({ ...t.env, SODAM_FAILPOINTS: "payout.after-reserve" });
    running.push(crashing);
    // The daily schedule job (03:00 in Seoul), run now: it reserves every due payout — and dies after the first.
    await getQueue(QUEUES.payouts).add("schedule", { kind: "schedule" }, { jobId: `schedule-${randomUUID()}` });
    const death = await waitForDeath(crashing);
    expect(death.killed, `exit ${death.code} / ${death.signal}:\n${crashing.output()}`).toBe(true);

    // The reservation was rolled back with the process: no payout row, the money still available.
    expect(await t.db.selectFrom("payouts").select("id").orderBy("id").execute()).toEqual(payoutsBefore);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 27_000, inTransit: 0 });

    // What resumes it: the schedule job enqueued again after the restart (reserveDuePayouts, then processPayout).
    const healthy = startWorkers({ ...t.env, HOLD_PERIOD_SECONDS: "0" });
    running.push(healthy);
    await getQueue(QUEUES.payouts).add("schedule", { kind: "schedule" }, { jobId: `schedule-${randomUUID()}` });
    await waitFor(async () => (await payoutsOf(creator.id)).some((p) => p.status === "paid"), 30_000, "the restarted workers to pay");
    await healthy.stop();

    const payouts = await payoutsOf(creator.id);
    expect(payouts).toHaveLength(1);
    expect(payouts[0].period).toMatch(/^\d{4}-W\d{2}$/);
    await expectPaidExactlyOnce(payouts[0].id, creator, 27_000);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 0, inTransit: 0 });
  });
});
