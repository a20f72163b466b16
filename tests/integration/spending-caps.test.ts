// Fans' spending caps on a real Postgres: the tip that would cross a cap is refused with nothing written, concurrent
// tips cannot cross it together, unlocks and pledges count too, and a raised cap waits 24 hours (the clock is
// passed in as `now`, so the test moves time without waiting or faking timers).
import { describe, expect, it } from "vitest";
import { createPledge, chargePledge } from "../../app/money/pledges.server";
import { CAP_COOLING_OFF_MS, getSpendingCaps, setSpendingCaps } from "../../app/money/spending-caps.server";
import { createWalletTip } from "../../app/money/tips.server";
import { unlockPost } from "../../app/money/unlocks.server";
import { savePost } from "../../app/models/posts.server";
import { seoulDayStart, seoulMonth } from "../../app/utils/seoul-time";
import { useTestDatabase } from "../support/database";
import { makeCreator, makeFan, moneyFootprint, problemOf, tip, walletBalance, type Fan } from "../support/fixtures";
import type { Creator } from "../../app/models/creators.server";

const t = await useTestDatabase();

const tipAt = (fan: Fan, creator: Creator, amount: number, now: Date) =>
  t.db.transaction().execute((trx) => createWalletTip(trx, { fan: fan.fan, creator, input: { amount, currency: "KRW" }, now }));

async function capProblem(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as { status: number; code: string; extensions?: Record<string, unknown>; toJSON(): Record<string, unknown> };
  }
  throw new Error("expected the cap to refuse");
}

describe("spending caps", () => {
  it("refuses the tip that crosses the daily cap with 422 spending_cap_reached and writes nothing", async () => {
    const fan = await makeFan(t.db, { balance: 50_000 });
    const creator = await makeCreator(t.db);
    await setSpendingCaps(t.db, { fanId: fan.id, currency: "KRW", daily: 5_000, monthly: null });
    await tip(t.db, fan, creator, 3_000);

    const before = await moneyFootprint(t.db);
    const refused = await capProblem(tip(t.db, fan, creator, 2_500));
    expect(refused).toMatchObject({ status: 422, code: "spending_cap_reached" });
    expect(refused.toJSON()).toMatchObject({ period: "day", cap: 5_000, spent: 3_000, remaining: 2_000, currency: "KRW" });
    expect(await moneyFootprint(t.db)).toEqual(before);
    expect(await walletBalance(t.db, fan.id)).toBe(47_000);

    // Exactly up to the cap is fine; one won more is not.
    await tip(t.db, fan, creator, 2_000);
    expect(await problemOf(tip(t.db, fan, creator, 100))).toMatchObject({ status: 422, code: "spending_cap_reached" });
    expect(await getSpendingCaps(t.db, { fanId: fan.id, currency: "KRW" })).toMatchObject({ day: { amount: 5_000, spent: 5_000, pending: null } });
  });

  it("lets concurrent tips through only up to the cap (the check runs on the locked wallet row)", async () => {
    const fan = await makeFan(t.db, { balance: 100_000 });
    const creator = await makeCreator(t.db);
    await setSpendingCaps(t.db, { fanId: fan.id, currency: "KRW", daily: null, monthly: 10_000 });
    const outcomes = await Promise.allSettled(Array.from({ length: 30 }, () => tip(t.db, fan, creator, 1_000)));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(10);
    const refusals = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(refusals).toHaveLength(20);
    for (const r of refusals) expect(r.reason).toMatchObject({ code: "spending_cap_reached" });
    expect(await walletBalance(t.db, fan.id)).toBe(90_000);
  });

  it("counts unlocks and refuses a pledge whose first month would cross the cap, creating nothing", async () => {
    const fan = await makeFan(t.db, { balance: 50_000 });
    const creator = await makeCreator(t.db);
    const post = await savePost(t.db, creator, { title: "Chapter 1", slug: "chapter-1", kind: "webtoon", price: 3_000, preview: "", body: "…" });
    await setSpendingCaps(t.db, { fanId: fan.id, currency: "KRW", daily: 4_000, monthly: 20_000 });
    expect(await unlockPost(t.db, { fan: fan.fan, creator, post })).toMatchObject({ alreadyUnlocked: false });

    const before = await moneyFootprint(t.db);
    const pledgesBefore = await t.db.selectFrom("pledges").select("id").where("fan_id", "=", fan.id).execute();
    expect(await problemOf(createPledge(t.db, { fan: fan.fan, creator, amount: 2_000 }))).toMatchObject({ status: 422, code: "spending_cap_reached" });
    expect(await moneyFootprint(t.db)).toEqual(before);
    expect(await t.db.selectFrom("pledges").select("id").where("fan_id", "=", fan.id).execute()).toEqual(pledgesBefore);

    // Within the cap the pledge is made; a later month the cap refuses is recorded, not retried into the cap.
    const { pledgeId, firstCharge } = await createPledge(t.db, { fan: fan.fan, creator, amount: 1_000 });
    expect(firstCharge).toBe("paid");
    await setSpendingCaps(t.db, { fanId: fan.id, currency: "KRW", daily: 1_000, monthly: 4_000 });
    const nextMonth = seoulMonth(new Date(Date.now() + 40 * 86_400_000));
    expect(await chargePledge(t.db, pledgeId, nextMonth)).toBe("spending_cap_reached");
    expect(await chargePledge(t.db, pledgeId, nextMonth)).toBe("spending_cap_reached");
    const charge = await t.db.selectFrom("pledge_charges").selectAll().where("pledge_id", "=", pledgeId).where("month", "=", nextMonth).executeTakeFirstOrThrow();
    expect(charge).toMatchObject({ status: "spending_cap_reached", tip_id: null });
  });

  it("applies a lowered cap at once and a raised one only after 24 hours", async () => {
    const fan = await makeFan(t.db, { balance: 100_000 });
    const creator = await makeCreator(t.db);
    const t0 = new Date();
    await setSpendingCaps(t.db, { fanId: fan.id, currency: "KRW", daily: 5_000, monthly: null, now: t0 });

    // Raise to ₩20,000: still ₩5,000 for 24 hours.
    const raised = await setSpendingCaps(t.db, { fanId: fan.id, currency: "KRW", daily: 20_000, monthly: null, now: t0 });
    const due = new Date(t0.getTime() + CAP_COOLING_OFF_MS);
    expect(raised.day).toMatchObject({ amount: 5_000, pending: { amount: 20_000, from: due.toISOString() } });
    expect(await problemOf(tipAt(fan, creator, 6_000, t0))).toMatchObject({ code: "spending_cap_reached" });

    // Sending the same raise again an hour later does not restart the clock.
    const again = await setSpendingCaps(t.db, { fanId: fan.id, currency: "KRW", daily: 20_000, monthly: null, now: new Date(t0.getTime() + 3600_000) });
    expect(again.day.pending).toEqual({ amount: 20_000, from: due.toISOString() });

    const justBefore = new Date(due.getTime() - 1);
    expect((await getSpendingCaps(t.db, { fanId: fan.id, currency: "KRW", now: justBefore })).day.amount).toBe(5_000);
    expect(await problemOf(tipAt(fan, creator, 6_000, justBefore))).toMatchObject({ code: "spending_cap_reached" });

    // 24 hours on, the raise is in force without anyone touching the row.
    expect((await getSpendingCaps(t.db, { fanId: fan.id, currency: "KRW", now: due })).day).toMatchObject({ amount: 20_000, pending: null });
    expect(await tipAt(fan, creator, 6_000, due)).toMatchObject({ status: "pending", amount: 6_000 });

    // Lowering applies at once, and cancels a raise still waiting.
    const t1 = new Date(due.getTime() + 1000);
    await setSpendingCaps(t.db, { fanId: fan.id, currency: "KRW", daily: 50_000, monthly: null, now: t1 });
    const lowered = await setSpendingCaps(t.db, { fanId: fan.id, currency: "KRW", daily: 1_000, monthly: null, now: t1 });
    expect(lowered.day).toMatchObject({ amount: 1_000, pending: null });
    expect(await problemOf(tipAt(fan, creator, 1_100, t1))).toMatchObject({ code: "spending_cap_reached" });

    // Removing a cap is a raise too: it waits.
    const removed = await setSpendingCaps(t.db, { fanId: fan.id, currency: "KRW", daily: null, monthly: null, now: t1 });
    expect(removed.day).toMatchObject({ amount: 1_000, pending: { amount: null } });
    const later = new Date(t1.getTime() + CAP_COOLING_OFF_MS);
    expect((await getSpendingCaps(t.db, { fanId: fan.id, currency: "KRW", now: later })).day).toMatchObject({ amount: null, pending: null });
  });

  it("counts a Seoul day from midnight in Seoul, and refuses caps out of range or a daily above the monthly", async () => {
    expect(seoulDayStart(new Date("2030-05-14T14:59:59Z")).toISOString()).toBe("2030-05-13T15:00:00.000Z");
    expect(seoulDayStart(new Date("2030-05-14T15:00:00Z")).toISOString()).toBe("2030-05-14T15:00:00.000Z");
    const fan = await makeFan(t.db);
    expect(await problemOf(setSpendingCaps(t.db, { fanId: fan.id, currency: "KRW", daily: 50, monthly: null }))).toMatchObject({ status: 422, code: "cap_out_of_range" });
    expect(await problemOf(setSpendingCaps(t.db, { fanId: fan.id, currency: "KRW", daily: 10_000, monthly: 5_000 }))).toMatchObject({
      status: 422,
      code: "cap_daily_above_monthly",
    });
    expect(await t.db.selectFrom("spending_caps").selectAll().where("fan_id", "=", fan.id).execute()).toEqual([]);
  });
});
