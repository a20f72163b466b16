// Payout statements and Korean withholding end to end on a real Postgres: tips → settlement (fee) → release →
// payout (3.3 % withheld to the tax-payable account, the rest transferred) → statement and tax-year export; a
// reversed payout gives its withholding back and its tips go to the next payout; the ledger check holds throughout
// and catches a wrong withholding.
import { describe, expect, it } from "vitest";
import { setCreatorTaxStatus } from "../../app/models/creator-tax.server";
import { accountCode } from "../../app/money/ledger.server";
import { checkInvariants } from "../../app/money/invariants.server";
import { getPayoutStatement, listTaxYearPayouts, taxYearCsv } from "../../app/money/payout-statements.server";
import { failPayout, processPayout, requestPayoutNow } from "../../app/money/payouts.server";
import { TestmodePaymentProvider } from "../../app/money/testmode-provider.server";
import { useTestDatabase } from "../support/database";
import { creatorBalances, entriesTotal, makeCreator, makeFan, postingOf, settleAndRelease, tip } from "../support/fixtures";

const t = await useTestDatabase();
const provider = new TestmodePaymentProvider(t.db);
const taxPayable = () => entriesTotal(t.db, accountCode.platform("tax_payable", "KRW"));
const failing = async () => (await checkInvariants(t.db)).filter((r) => r.status === "FAIL");

describe("a payout to an individual creator in KRW", () => {
  it("withholds 3.3 % to the tax-payable account, transfers the rest, and its statement adds up", async () => {
    const creator = await makeCreator(t.db);
    const fan = await makeFan(t.db, { balance: 30_000, name: "Minji" });
    await tip(t.db, fan, creator, 10_000, "힘내요");
    await tip(t.db, fan, creator, 5_000);
    await tip(t.db, fan, creator, 3_456);
    await settleAndRelease(t.db, 500); // gross ₩18,456, fee ₩922 (rounded down), net ₩17,534
    const taxBefore = await taxPayable();

    const reserved = await requestPayoutNow(t.db, creator.id);
    // ₩17,534: income tax floor(526.02 / 10) × 10 = ₩520, local floor(52 / 10) × 10 = ₩50.
    expect(reserved).toMatchObject({ amount: 17_534, withholding: { incomeTax: 520, localTax: 50, total: 570 }, net: 16_964 });
    const paid = await processPayout(t.db, provider, reserved.id);
    expect(paid).toMatchObject({ status: "paid", net: 16_964 });

    const [transfer] = await t.db.selectFrom("testmode_transfers").selectAll().where("idempotency_key", "=", `payout:${reserved.id}`).execute();
    expect(transfer.amount).toBe(16_964);
    expect(await postingOf(t.db, `payout_withholding:${reserved.id}`)).toEqual({
      [accountCode.creator(creator.id, "in_transit", "KRW")]: -570,
      [accountCode.platform("tax_payable", "KRW")]: 570,
    });
    expect((await taxPayable()) - taxBefore).toBe(570);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 0, inTransit: 0 });

    const statement = (await getPayoutStatement(t.db, { creatorId: creator.id, payoutId: reserved.id }))!;
    expect(statement).toMatchObject({ grossTips: 18_456, platformFee: 922, adjustments: 0, tipCount: 3, moreTips: 0 });
    expect(statement.payout).toMatchObject({ amount: 17_534, net: 16_964 });
    expect(statement.grossTips - statement.platformFee + statement.adjustments - statement.payout.withholding.total).toBe(statement.payout.net);
    expect(statement.tips.map((x) => [x.amount, x.supporter])).toEqual([
      [10_000, "Minji"],
      [5_000, "Minji"],
      [3_456, "Minji"],
    ]);
    expect(statement.events.map((e) => e.status)).toEqual(["scheduled", "processing", "paid"]);
    // Another creator cannot read it.
    const other = await makeCreator(t.db);
    expect(await getPayoutStatement(t.db, { creatorId: other.id, payoutId: reserved.id })).toBeNull();
    expect(await getPayoutStatement(t.db, { creatorId: creator.id, payoutId: "not-a-uuid" })).toBeNull();

    // The tax-year export has the payout and a total line.
    const year = Number(paid!.paidAt!.slice(0, 4));
    const rows = await listTaxYearPayouts(t.db, { creatorId: creator.id, year });
    expect(rows).toEqual([expect.objectContaining({ payoutId: reserved.id, grossTips: 18_456, platformFee: 922, payoutAmount: 17_534, incomeTax: 520, localTax: 50, netPaid: 16_964 })]);
    const csv = await taxYearCsv(t.db, { creatorId: creator.id, year, taxStatus: "individual" });
    expect(csv.split("\r\n")[0]).toBe(
      "payout_id,paid_on,period,currency,gross_tips,platform_fee,adjustments,payout_amount,income_tax_withheld,local_income_tax_withheld,net_paid,tax_status",
    );
    expect(csv).toContain(`total ${year},,,KRW,18456,922,0,17534,520,50,16964,individual`);
    expect(await listTaxYearPayouts(t.db, { creatorId: creator.id, year: year - 1 })).toEqual([]);

    expect(await failing()).toEqual([]);
  });

  it("withholds nothing for a creator who is a business, or one paid in USD", async () => {
    const business = await makeCreator(t.db);
    await setCreatorTaxStatus(t.db, business.userId, "business");
    const dollars = await makeCreator(t.db, { currency: "USD" });
    const fan = await makeFan(t.db, { balance: 20_000 });
    const usdFan = await makeFan(t.db, { balance: 5_000, currency: "USD" });
    await tip(t.db, fan, business, 20_000);
    await tip(t.db, usdFan, dollars, 5_000);
    await settleAndRelease(t.db, 0);
    for (const creator of [business, dollars]) {
      const payout = await requestPayoutNow(t.db, creator.id);
      expect(payout.withholding.total).toBe(0);
      expect(await processPayout(t.db, provider, payout.id)).toMatchObject({ status: "paid", net: payout.amount });
      expect(await postingOf(t.db, `payout_withholding:${payout.id}`)).toBeUndefined();
    }
    expect(await failing()).toEqual([]);
  });

  it("gives the withholding back when a paid payout is reversed, and the next payout covers its tips", async () => {
    const creator = await makeCreator(t.db);
    const fan = await makeFan(t.db, { balance: 50_000 });
    await tip(t.db, fan, creator, 40_000);
    await settleAndRelease(t.db, 0);
    const first = await requestPayoutNow(t.db, creator.id, new Date("2031-02-01T03:00:00Z"));
    await processPayout(t.db, provider, first.id);
    const taxBefore = await taxPayable();

    const reversed = await failPayout(t.db, first.id, "transfer tr_x was reversed");
    expect(reversed.status).toBe("reversed");
    // ₩40,000: ₩1,200 + ₩120 withheld, ₩38,680 transferred; all of it back in available.
    expect(await postingOf(t.db, `payout_reversal:${first.id}`)).toEqual({
      [accountCode.clearing("KRW")]: -38_680,
      [accountCode.platform("tax_payable", "KRW")]: -1_320,
      [accountCode.creator(creator.id, "available", "KRW")]: 40_000,
    });
    expect((await taxPayable()) - taxBefore).toBe(-1_320);
    expect((await getPayoutStatement(t.db, { creatorId: creator.id, payoutId: first.id }))!).toMatchObject({
      tipCount: 0,
      events: [{ status: "scheduled" }, { status: "processing" }, { status: "paid" }, { status: "reversed", note: "transfer tr_x was reversed" }],
    });

    const second = await requestPayoutNow(t.db, creator.id, new Date("2031-02-02T03:00:00Z"));
    await processPayout(t.db, provider, second.id);
    expect((await getPayoutStatement(t.db, { creatorId: creator.id, payoutId: second.id }))!).toMatchObject({
      grossTips: 40_000,
      tipCount: 1,
      payout: { amount: 40_000, withholding: { total: 1_320 }, net: 38_680 },
    });
    expect(await failing()).toEqual([]);
  });

  it("the ledger check catches a withholding that breaks the rule or differs from what was posted", async () => {
    const creator = await makeCreator(t.db);
    const fan = await makeFan(t.db, { balance: 20_000 });
    await tip(t.db, fan, creator, 20_000);
    await settleAndRelease(t.db, 0);
    const payout = await requestPayoutNow(t.db, creator.id);
    await processPayout(t.db, provider, payout.id);
    expect(await failing()).toEqual([]);

    const rollback = new Error("rollback");
    const problems = await t.db
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable("payouts").set({ withholding_income_tax: 610 }).where("id", "=", payout.id).execute();
        const found = (await checkInvariants(trx)).filter((r) => r.status === "FAIL").flatMap((r) => r.problems);
        throw Object.assign(rollback, { found });
      })
      .catch((error) => (error === rollback ? (rollback as Error & { found: string[] }).found : Promise.reject(error)));
    expect(problems.some((p) => p.startsWith("payout withholding differs from the rule"))).toBe(true);
    expect(problems.some((p) => p.startsWith("payout paid or withheld other amounts than recorded"))).toBe(true);
    expect(problems.some((p) => p.startsWith("paid payout without exactly one matching transfer"))).toBe(true);
    expect(await failing()).toEqual([]);
  });
});
