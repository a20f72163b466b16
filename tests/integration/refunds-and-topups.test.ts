// Refunds (flow 7), card tips (flow 3) and wallet top-ups (flow 1) on a real Postgres with the test-mode provider:
// a refund reverses a tip wherever it is, a creator below zero gets no payout, a declined card moves no money,
// and a retried top-up charges and credits once.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createDb } from "../../db/client";
import { accountCode } from "../../app/money/ledger.server";
import { topUpWallet, tipByCard } from "../../app/money/payments.server";
import { requestPayoutNow, processPayout, reserveDuePayouts, reservePayout } from "../../app/money/payouts.server";
import { refundTip } from "../../app/money/refunds.server";
import { releaseSettlements, settleAll } from "../../app/money/settlement.server";
import { TestmodePaymentProvider } from "../../app/money/testmode-provider.server";
import { useTestDatabase } from "../support/database";
import {
  DECLINED_CARD,
  GOOD_CARD,
  INSUFFICIENT_FUNDS_CARD,
  creatorBalances,
  entriesTotal,
  makeCreator,
  makeCreatorWithAvailable,
  makeFan,
  moneyFootprint,
  platformFees,
  postingOf,
  settleAndRelease,
  tip,
  tipsInFlight,
  walletBalance,
} from "../support/fixtures";

const t = await useTestDatabase();
const provider = new TestmodePaymentProvider(t.db);
const FEE_BPS = 500;

const tipRow = (id: string) => t.db.selectFrom("tips").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
const refundPostings = async (tipId: string) =>
  (await t.db.selectFrom("ledger_transactions").select("key").where("key", "=", `refund:${tipId}`).execute()).length;

describe("refunding a wallet tip", () => {
  it("a pending tip goes back to the fan's wallet and is never settled", async () => {
    const fan = await makeFan(t.db, { balance: 10_000 });
    const creator = await makeCreator(t.db);
    const tipped = await tip(t.db, fan, creator, 3_000);
    expect(await walletBalance(t.db, fan.id)).toBe(7_000);
    const inFlight = await tipsInFlight(t.db);

    expect(await refundTip(t.db, provider, { tipId: tipped.id })).toEqual({ tipId: tipped.id, status: "refunded", alreadyRefunded: false, amount: 3_000, refundedTotal: 3_000, ledgerKey: `refund:${tipped.id}` });
    expect(await walletBalance(t.db, fan.id)).toBe(10_000);
    expect(await tipsInFlight(t.db)).toBe(inFlight - 3_000);
    expect(await tipRow(tipped.id)).toMatchObject({ status: "refunded", settlement_id: null });
    expect(await postingOf(t.db, `refund:${tipped.id}`)).toEqual({
      [accountCode.wallet(fan.id, "KRW")]: 3_000,
      [accountCode.platform("tips_in_flight", "KRW")]: -3_000,
    });

    await settleAll(t.db, { batchSize: 100, feeBps: FEE_BPS });
    expect(await tipRow(tipped.id)).toMatchObject({ status: "refunded", settlement_id: null });
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 0, inTransit: 0 });
  });

  it("a settled tip refunded before release leaves the creator at zero, not blocked from payouts for good", async () => {
    const fan = await makeFan(t.db, { balance: 10_000 });
    const creator = await makeCreator(t.db);
    const tipped = await tip(t.db, fan, creator, 3_000);
    await settleAll(t.db, { batchSize: 100, feeBps: FEE_BPS });
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 2_850, available: 0, inTransit: 0 });
    const fees = await platformFees(t.db);

    await refundTip(t.db, provider, { tipId: tipped.id });
    expect(await walletBalance(t.db, fan.id)).toBe(10_000);
    expect(fees - (await platformFees(t.db))).toBe(150);
    const afterRefund = await creatorBalances(t.db, creator);
    expect(afterRefund.pending + afterRefund.available).toBe(0); // the creator gave back their net share
    const refund = await postingOf(t.db, `refund:${tipped.id}`);
    expect(refund).toMatchObject({ [accountCode.wallet(fan.id, "KRW")]: 3_000, [accountCode.platform("fees", "KRW")]: -150 });
    expect(Object.values(refund!).reduce((a, b) => a + b, 0)).toBe(0);

    // The holding period ends: the settlement is released. Nothing is owed either way afterwards ...
    while ((await releaseSettlements(t.db, { holdSeconds: 0 })) > 0);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 0, inTransit: 0 });
    // ... so the creator's next earnings can be paid out.
    const supporter = await makeFan(t.db, { balance: 12_000 });
    await tip(t.db, supporter, creator, 12_000);
    await settleAndRelease(t.db, FEE_BPS);
    expect(await requestPayoutNow(t.db, creator.id)).toMatchObject({ amount: 11_400, status: "processing" });
  });

  it("a settled and released tip is taken from available, which may go negative; then no payout", async () => {
    const { creator } = await makeCreatorWithAvailable(t.db, 20_000, { feeBps: FEE_BPS }); // net 19,000
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 19_000, inTransit: 0 });
    const fan = await makeFan(t.db, { balance: 10_000 });
    const refunded = await tip(t.db, fan, creator, 10_000);
    await settleAndRelease(t.db, FEE_BPS);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 28_500, inTransit: 0 });

    // The creator is paid out everything before the chargeback arrives.
    const payout = await requestPayoutNow(t.db, creator.id);
    await processPayout(t.db, provider, payout.id);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 0, inTransit: 0 });

    const fees = await platformFees(t.db);
    await refundTip(t.db, provider, { tipId: refunded.id });
    expect(await walletBalance(t.db, fan.id)).toBe(10_000);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: -9_500, inTransit: 0 });
    expect(fees - (await platformFees(t.db))).toBe(500);
    expect(await postingOf(t.db, `refund:${refunded.id}`)).toEqual({
      [accountCode.wallet(fan.id, "KRW")]: 10_000,
      [accountCode.creator(creator.id, "available", "KRW")]: -9_500,
      [accountCode.platform("fees", "KRW")]: -500,
    });

    // Below zero: no payout, however it is asked for.
    expect(await reservePayout(t.db, { creatorId: creator.id, period: "2030-W20", minimum: 1 })).toEqual({ skipped: "negative_balance" });
    await expect(requestPayoutNow(t.db, creator.id, new Date("2030-06-01T00:00:00Z"))).rejects.toMatchObject({ status: 422, code: "balance_negative" });
    expect(await reserveDuePayouts(t.db, new Date("2030-06-02T00:00:00Z"))).toEqual([]);

    // New tips that do not cover the debt still pay nothing out ...
    const supporter = await makeFan(t.db, { balance: 30_000 });
    await tip(t.db, supporter, creator, 5_000);
    await settleAndRelease(t.db, FEE_BPS);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: -4_750, inTransit: 0 });
    expect(await reservePayout(t.db, { creatorId: creator.id, period: "2030-W21", minimum: 1 })).toEqual({ skipped: "negative_balance" });
    // ... and once covered, only what is above zero is paid.
    await tip(t.db, supporter, creator, 20_000);
    await settleAndRelease(t.db, FEE_BPS);
    const covered = await reservePayout(t.db, { creatorId: creator.id, period: "2030-W22" });
    expect(covered).toMatchObject({ payout: { amount: 19_000 - 4_750 } });
  });

  it("refunding twice — one after the other or five at once — refunds once", async () => {
    const fan = await makeFan(t.db, { balance: 5_000 });
    const creator = await makeCreator(t.db);
    const first = await tip(t.db, fan, creator, 2_000);
    await refundTip(t.db, provider, { tipId: first.id });
    expect(await refundTip(t.db, provider, { tipId: first.id })).toEqual({ tipId: first.id, status: "refunded", alreadyRefunded: true, amount: 0, refundedTotal: 2_000, ledgerKey: null });
    expect(await walletBalance(t.db, fan.id)).toBe(5_000);
    expect(await refundPostings(first.id)).toBe(1);

    const second = await tip(t.db, fan, creator, 2_000);
    await settleAndRelease(t.db, FEE_BPS);
    const racers = createDb(t.url, 6);
    try {
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => refundTip(racers, provider, { tipId: second.id })));
      expect(outcomes.filter((o) => !o.alreadyRefunded)).toHaveLength(1);
    } finally {
      await racers.destroy();
    }
    expect(await walletBalance(t.db, fan.id)).toBe(5_000);
    expect(await refundPostings(second.id)).toBe(1);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 0, inTransit: 0 });
  });

  it("an unknown tip is a 404", async () => {
    await expect(refundTip(t.db, provider, { tipId: randomUUID() })).rejects.toMatchObject({ status: 404, code: "tip_not_found" });
  });
});

describe("card tips", () => {
  const cardTip = (creator: Awaited<ReturnType<typeof makeCreator>>, card: string, amount = 5_000, providerKey = randomUUID()) =>
    t.db.transaction().execute((trx) =>
      tipByCard(trx, provider, { fan: null, supporterName: "Guest", creator, input: { amount, currency: "KRW", message: "화이팅" }, card, providerKey }),
    );

  it("with 4242… succeed: one payment, one pending tip, provider clearing → tips in flight", async () => {
    const creator = await makeCreator(t.db);
    const clearing = await entriesTotal(t.db, accountCode.clearing("KRW"));
    const inFlight = await tipsInFlight(t.db);
    const outcome = await cardTip(creator, GOOD_CARD);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.payment).toMatchObject({ purpose: "tip", status: "succeeded", amount: 5_000, currency: "KRW", failureCode: null });
    expect(outcome.result).toMatchObject({ status: "pending", source: "card", amount: 5_000, creator: creator.handle });
    const row = await tipRow(outcome.result!.id);
    expect(row).toMatchObject({ payment_id: outcome.payment.id, fan_id: null, source: "card" });
    expect(await postingOf(t.db, `tip:${row.id}`)).toEqual({
      [accountCode.clearing("KRW")]: -5_000,
      [accountCode.platform("tips_in_flight", "KRW")]: 5_000,
    });
    expect((await entriesTotal(t.db, accountCode.clearing("KRW"))) - clearing).toBe(-5_000);
    expect((await tipsInFlight(t.db)) - inFlight).toBe(5_000);
  });

  it("retried with the same provider key: charged once, one tip", async () => {
    const creator = await makeCreator(t.db);
    const key = randomUUID();
    const first = await cardTip(creator, GOOD_CARD, 5_000, key);
    const again = await cardTip(creator, GOOD_CARD, 5_000, key);
    expect(again).toMatchObject({ ok: true, payment: { id: first.payment.id }, result: null });
    expect(await t.db.selectFrom("tips").select("id").where("creator_id", "=", creator.id).execute()).toHaveLength(1);
    expect(await t.db.selectFrom("testmode_charges").select("id").where("idempotency_key", "=", key).execute()).toHaveLength(1);
  });

  it("with 4000 0000 0000 0002 are declined: 402 card_declined, payment failed, no tip, no ledger movement", async () => {
    const creator = await makeCreator(t.db);
    const before = await moneyFootprint(t.db);
    const outcome = await cardTip(creator, DECLINED_CARD);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problem).toMatchObject({ status: 402, code: "card_declined" });
    expect(outcome.payment).toMatchObject({ purpose: "tip", status: "failed", failureCode: "card_declined" });
    const after = await moneyFootprint(t.db);
    expect(after).toEqual(before); // no tip, no transaction, no entry, no outbox event, no balance change
    const payment = await t.db.selectFrom("payments").selectAll().where("id", "=", outcome.payment.id).executeTakeFirstOrThrow();
    expect(payment).toMatchObject({ status: "failed", failure_code: "card_declined", creator_id: creator.id });
  });

  it("below the card minimum (₩1,000) are refused before any charge", async () => {
    const creator = await makeCreator(t.db);
    const charges = await t.db.selectFrom("testmode_charges").select("id").execute();
    await expect(cardTip(creator, GOOD_CARD, 999)).rejects.toMatchObject({ status: 422, code: "amount_too_small" });
    expect(await t.db.selectFrom("testmode_charges").select("id").execute()).toEqual(charges);
  });

  it("refunded: the card gets its money back once, and the payment is marked refunded", async () => {
    const creator = await makeCreator(t.db);
    const outcome = await cardTip(creator, GOOD_CARD, 7_000);
    const tipId = (outcome as { result: { id: string } }).result.id;
    await settleAndRelease(t.db, FEE_BPS);
    const clearing = await entriesTotal(t.db, accountCode.clearing("KRW"));
    await refundTip(t.db, provider, { tipId });
    await refundTip(t.db, provider, { tipId });
    expect((await entriesTotal(t.db, accountCode.clearing("KRW"))) - clearing).toBe(7_000);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 0, inTransit: 0 });
    const payment = await t.db.selectFrom("payments").selectAll().where("id", "=", outcome.payment.id).executeTakeFirstOrThrow();
    expect(payment.status).toBe("refunded");
    const refunds = await t.db.selectFrom("testmode_refunds").selectAll().where("idempotency_key", "=", `refund:${tipId}`).execute();
    expect(refunds).toHaveLength(1);
    expect(refunds[0].amount).toBe(7_000);
    const charge = await t.db.selectFrom("testmode_charges").selectAll().where("id", "=", refunds[0].charge_id).executeTakeFirstOrThrow();
    expect(charge.refunded_amount).toBe(7_000);
  });
});

describe("partial refunds", () => {
  it("refunding every tip of one settlement takes back exactly its net and fee — never a won more from the creator", async () => {
    // ₩110 × 2 at 5 %: each tip's own fee rounds down to ₩5, the settlement's fee on ₩220 is ₩11 (net ₩209).
    // Refunding each tip with its own fee share would take ₩105 + ₩105 = ₩210 from a creator credited ₩209.
    const fan = await makeFan(t.db, { balance: 1_000 });
    const creator = await makeCreator(t.db);
    const tips = [await tip(t.db, fan, creator, 110), await tip(t.db, fan, creator, 110)];
    await settleAndRelease(t.db, FEE_BPS);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 209, inTransit: 0 });
    const fees = await platformFees(t.db);
    for (const tipped of tips) await refundTip(t.db, provider, { tipId: tipped.id });
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 0, inTransit: 0 });
    expect(fees - (await platformFees(t.db))).toBe(11);
    expect(await walletBalance(t.db, fan.id)).toBe(1_000);
  });

  it("gives back part of a settled tip, proportionally, up to what is left; the rest later, once", async () => {
    const fan = await makeFan(t.db, { balance: 10_000 });
    const creator = await makeCreator(t.db);
    const tipped = await tip(t.db, fan, creator, 10_000);
    await settleAndRelease(t.db, FEE_BPS);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 9_500, inTransit: 0 });

    expect(await refundTip(t.db, provider, { tipId: tipped.id, amount: 3_000 })).toEqual({
      tipId: tipped.id,
      status: "partially_refunded",
      alreadyRefunded: false,
      amount: 3_000,
      refundedTotal: 3_000,
      ledgerKey: `refund:${tipped.id}:3000`,
    });
    expect(await postingOf(t.db, `refund:${tipped.id}:3000`)).toEqual({
      [accountCode.wallet(fan.id, "KRW")]: 3_000,
      [accountCode.creator(creator.id, "available", "KRW")]: -2_850,
      [accountCode.platform("fees", "KRW")]: -150,
    });
    expect(await tipRow(tipped.id)).toMatchObject({ status: "settled", refunded_amount: 3_000, refunded_at: null });
    await expect(refundTip(t.db, provider, { tipId: tipped.id, amount: 7_001 })).rejects.toMatchObject({ status: 422, code: "refund_amount_invalid" });
    await expect(refundTip(t.db, provider, { tipId: tipped.id, amount: 0 })).rejects.toMatchObject({ status: 422 });

    // The provider's running total: 3,000 was applied already, so 5,000 in all gives back 2,000 — once.
    expect(await refundTip(t.db, provider, { tipId: tipped.id, refundedTotal: 5_000, providerRefunded: true })).toMatchObject({ amount: 2_000, refundedTotal: 5_000 });
    expect(await refundTip(t.db, provider, { tipId: tipped.id, refundedTotal: 5_000, providerRefunded: true })).toMatchObject({ alreadyRefunded: true, amount: 0 });
    expect(await refundTip(t.db, provider, { tipId: tipped.id, refundedTotal: 3_000, providerRefunded: true })).toMatchObject({ alreadyRefunded: true, amount: 0 });

    expect(await refundTip(t.db, provider, { tipId: tipped.id })).toMatchObject({ status: "refunded", amount: 5_000, refundedTotal: 10_000 });
    expect(await tipRow(tipped.id)).toMatchObject({ status: "refunded", refunded_amount: 10_000 });
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 0, inTransit: 0 });
    expect(await walletBalance(t.db, fan.id)).toBe(10_000);
  });

  it("a tip not settled yet is refunded in full only", async () => {
    const fan = await makeFan(t.db, { balance: 5_000 });
    const creator = await makeCreator(t.db);
    const tipped = await tip(t.db, fan, creator, 2_000);
    await expect(refundTip(t.db, provider, { tipId: tipped.id, amount: 500 })).rejects.toMatchObject({ status: 409, code: "tip_not_settled" });
    expect(await tipRow(tipped.id)).toMatchObject({ status: "pending", refunded_amount: 0 });
    expect(await refundTip(t.db, provider, { tipId: tipped.id, amount: 2_000 })).toMatchObject({ status: "refunded" });
  });

  it("a card tip's part goes back to the card, keyed by the running total", async () => {
    const creator = await makeCreator(t.db);
    const outcome = await t.db.transaction().execute((trx) =>
      tipByCard(trx, provider, { fan: null, supporterName: "Guest", creator, input: { amount: 8_000, currency: "KRW" }, card: GOOD_CARD, providerKey: randomUUID() }),
    );
    const tipId = (outcome as { result: { id: string } }).result.id;
    await settleAndRelease(t.db, FEE_BPS);
    await refundTip(t.db, provider, { tipId, amount: 1_000 });
    const refunds = await t.db.selectFrom("testmode_refunds").select(["idempotency_key", "amount"]).where("idempotency_key", "like", `refund:${tipId}%`).execute();
    expect(refunds).toEqual([{ idempotency_key: `refund:${tipId}:1000`, amount: 1_000 }]);
    expect(await t.db.selectFrom("payments").select("status").where("id", "=", outcome.payment.id).executeTakeFirstOrThrow()).toEqual({ status: "succeeded" });
  });
});

describe("wallet top-ups", () => {
  const topUp = (userId: number, card: string, providerKey = randomUUID(), amount = 50_000, db = t.db) =>
    db.transaction().execute((trx) => topUpWallet(trx, new TestmodePaymentProvider(db), { userId, amount, currency: "KRW", card, providerKey }));

  it("with 4242… credits the wallet from provider clearing", async () => {
    const fan = await makeFan(t.db);
    const outcome = await topUp(fan.id, GOOD_CARD);
    expect(outcome).toMatchObject({ ok: true, payment: { purpose: "topup", status: "succeeded", amount: 50_000 }, result: { balance: 50_000 } });
    expect(await postingOf(t.db, `topup:${outcome.payment.id}`)).toEqual({
      [accountCode.clearing("KRW")]: -50_000,
      [accountCode.wallet(fan.id, "KRW")]: 50_000,
    });
  });

  it("with 4000 0000 0000 9995 fails with card_insufficient_funds and credits nothing", async () => {
    const fan = await makeFan(t.db);
    const transactions = (await moneyFootprint(t.db)).transactions;
    const outcome = await topUp(fan.id, INSUFFICIENT_FUNDS_CARD);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problem).toMatchObject({ status: 402, code: "card_insufficient_funds" });
    expect(outcome.payment).toMatchObject({ purpose: "topup", status: "failed", failureCode: "insufficient_funds" });
    expect(await walletBalance(t.db, fan.id)).toBe(0);
    expect((await moneyFootprint(t.db)).transactions).toBe(transactions);
  });

  it("retried with the same provider key — in sequence and five at once — charges once and credits once", async () => {
    const fan = await makeFan(t.db);
    const key = randomUUID();
    const first = await topUp(fan.id, GOOD_CARD, key);
    const second = await topUp(fan.id, GOOD_CARD, key);
    expect(second).toMatchObject({ ok: true, payment: { id: first.payment.id }, result: { balance: 50_000 } });

    const racingKey = randomUUID();
    const racers = createDb(t.url, 6);
    try {
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => topUp(fan.id, GOOD_CARD, racingKey, 30_000, racers)));
      expect(new Set(outcomes.map((o) => o.payment.id)).size).toBe(1);
    } finally {
      await racers.destroy();
    }

    expect(await walletBalance(t.db, fan.id)).toBe(80_000);
    for (const k of [key, racingKey]) {
      expect(await t.db.selectFrom("testmode_charges").select("id").where("idempotency_key", "=", k).execute()).toHaveLength(1);
    }
    const payments = await t.db.selectFrom("payments").select("id").where("user_id", "=", fan.id).execute();
    expect(payments).toHaveLength(2);
    for (const p of payments) {
      expect(await t.db.selectFrom("ledger_transactions").select("id").where("key", "=", `topup:${p.id}`).execute()).toHaveLength(1);
    }
  });

  it("the same provider key with another amount is refused by the provider and credits nothing", async () => {
    const fan = await makeFan(t.db);
    const key = randomUUID();
    await topUp(fan.id, GOOD_CARD, key, 10_000);
    await expect(topUp(fan.id, GOOD_CARD, key, 20_000)).rejects.toMatchObject({ code: "idempotency_error" });
    expect(await walletBalance(t.db, fan.id)).toBe(10_000);
  });
});
