// Settlement (flow 4) and release (flow 5) on a real Postgres: one settlement per creator with the fee on the
// aggregate, every tip settled exactly once when two settlement runs race over 10,000 tips, the holding period,
// and a workers process killed in the middle of a batch (SIGKILL before commit) losing nothing.
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "../../db/client";
import { accountCode } from "../../app/money/ledger.server";
import { releaseSettlements, settleAll, settlePendingTips } from "../../app/money/settlement.server";
import { useTestDatabase } from "../support/database";
import {
  createPendingTips,
  insertPendingTips,
  creatorBalances,
  makeCreator,
  makeFan,
  platformFees,
  postingOf,
  tip,
  tipsInFlight,
  waitForDeath,
  walletBalance,
} from "../support/fixtures";
import { startWorkers, waitFor, type RunningProcess } from "../support/processes";

const t = await useTestDatabase();

// Settle every 500 ms; the amounts below assume a 5 % fee and no holding period, whatever the defaults become.
const WORKER_ENV = { SETTLEMENT_INTERVAL_MS: "500", PLATFORM_FEE_BPS: "500", HOLD_PERIOD_SECONDS: "0" };

const running: RunningProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop("SIGKILL")));
});

/** Every tip in the database settled exactly once, and every settlement adding up. */
async function expectEverySettlementAddsUp() {
  const { rows: bad } = await sql`
    select s.id, s.gross, s.tip_count, count(t.id) as tips, coalesce(sum(t.amount), 0) as total
      from settlements s left join tips t on t.settlement_id = s.id
     group by s.id having s.tip_count <> count(t.id) or s.gross <> coalesce(sum(t.amount), 0) or s.net + s.fee <> s.gross`.execute(t.db);
  expect(bad).toEqual([]);
}

describe("settling pending tips", () => {
  it("makes one settlement per creator, with the fee on the aggregate (₩150 × 3 at 5 % → fee 22, not 3 × 7)", async () => {
    const fan = await makeFan(t.db, { balance: 10_000 });
    const small = await makeCreator(t.db);
    const other = await makeCreator(t.db);
    const smallTips = [await tip(t.db, fan, small, 150), await tip(t.db, fan, small, 150), await tip(t.db, fan, small, 150)];
    const otherTip = await tip(t.db, fan, other, 1_999);
    const feesBefore = await platformFees(t.db);

    const run = await settlePendingTips(t.db, { batchSize: 100, feeBps: 500 });
    expect(run).toEqual({ tips: 4, settlements: 2 });

    const settlements = await t.db.selectFrom("settlements").selectAll().orderBy("id").execute();
    const forSmall = settlements.find((s) => s.creator_id === small.id)!;
    expect(forSmall).toMatchObject({ currency: "KRW", gross: 450, fee: 22, net: 428, tip_count: 3, released_at: null });
    const forOther = settlements.find((s) => s.creator_id === other.id)!;
    expect(forOther).toMatchObject({ gross: 1_999, fee: 99, net: 1_900, tip_count: 1 });

    // The ledger: tips in flight −gross, creator pending +net, platform fees +fee — one transaction per creator.
    expect(await postingOf(t.db, `settlement:${forSmall.id}`)).toEqual({
      [accountCode.platform("tips_in_flight", "KRW")]: -450,
      [accountCode.creator(small.id, "pending", "KRW")]: 428,
      [accountCode.platform("fees", "KRW")]: 22,
    });
    expect(await creatorBalances(t.db, small)).toEqual({ pending: 428, available: 0, inTransit: 0 });
    expect(await creatorBalances(t.db, other)).toEqual({ pending: 1_900, available: 0, inTransit: 0 });
    expect((await platformFees(t.db)) - feesBefore).toBe(22 + 99);
    expect(await tipsInFlight(t.db)).toBe(0);

    const tips = await t.db.selectFrom("tips").select(["id", "status", "settlement_id"]).execute();
    for (const x of smallTips) expect(tips.find((r) => r.id === x.id)).toMatchObject({ status: "settled", settlement_id: forSmall.id });
    expect(tips.find((r) => r.id === otherTip.id)).toMatchObject({ status: "settled", settlement_id: forOther.id });

    // Nothing is left: a second run settles nothing.
    expect(await settlePendingTips(t.db, { batchSize: 100, feeBps: 500 })).toEqual({ tips: 0, settlements: 0 });
    await expectEverySettlementAddsUp();
  });

  it("posts no fee entry when the fee rounds to zero", async () => {
    const fan = await makeFan(t.db, { balance: 1_000 });
    const creator = await makeCreator(t.db);
    await tip(t.db, fan, creator, 100);
    await tip(t.db, fan, creator, 100);
    await settlePendingTips(t.db, { batchSize: 100, feeBps: 40 }); // 0.4 % of 200 = 0.8 → 0
    const settlement = await t.db.selectFrom("settlements").selectAll().where("creator_id", "=", creator.id).executeTakeFirstOrThrow();
    expect(settlement).toMatchObject({ gross: 200, fee: 0, net: 200, tip_count: 2 });
    expect(await postingOf(t.db, `settlement:${settlement.id}`)).toEqual({
      [accountCode.platform("tips_in_flight", "KRW")]: -200,
      [accountCode.creator(creator.id, "pending", "KRW")]: 200,
    });
  });

  it("takes tips oldest first, at most batchSize per run", async () => {
    const fan = await makeFan(t.db, { balance: 10_000 });
    const creator = await makeCreator(t.db);
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await tip(t.db, fan, creator, 100 + i));
    expect(await settlePendingTips(t.db, { batchSize: 2, feeBps: 500 })).toEqual({ tips: 2, settlements: 1 });
    const settled = await t.db.selectFrom("tips").select("id").where("status", "=", "settled").where("creator_id", "=", creator.id).execute();
    expect(settled.map((r) => r.id).sort()).toEqual([made[0].id, made[1].id].sort());
    expect(await settleAll(t.db, { batchSize: 2, feeBps: 500 })).toEqual({ tips: 3, settlements: 2 });
    await expectEverySettlementAddsUp();
  });
});

describe("two settlement runs racing over 10,000 tips", () => {
  it("settles every tip exactly once", async () => {
    const COUNT = 10_000;
    const creators = await Promise.all(Array.from({ length: 50 }, () => makeCreator(t.db)));
    // 10 fans, ₩1,100,000 each covers their 1,000 tips of ₩100–₩1,099.
    const fans = await Promise.all(Array.from({ length: 10 }, (_, i) => makeFan(t.db, { balance: 1_100_000, name: `Fan${i}` })));
    const amount = (i: number) => 100 + ((i * 7919) % 1_000);

    // 1,000 through createWalletTip itself, 9,000 through the bulk fixture (same rows, see the test below).
    let started = Date.now();
    const real = await createPendingTips(t.db, { fans, creators, count: 1_000, amount, perTransaction: 100 });
    const realSeconds = (Date.now() - started) / 1000;
    started = Date.now();
    const bulk = await insertPendingTips(t.db, { fans, creators, count: COUNT - 1_000, amount: (i) => amount(i + 1_000) });
    console.log(
      `created 1,000 wallet tips through createWalletTip in ${realSeconds.toFixed(1)} s, ` +
        `${COUNT - 1_000} through the bulk fixture in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const made = [...real, ...bulk];
    expect(made).toHaveLength(COUNT);
    const total = made.reduce((sum, x) => sum + x.amount, 0);
    expect(await tipsInFlight(t.db)).toBe(total);

    // Two runs, each on its own connection pool, as two workers processes would be.
    const a = createDb(t.url, 2);
    const b = createDb(t.url, 2);
    started = Date.now();
    let runs: { tips: number; settlements: number }[];
    try {
      runs = await Promise.all([a, b].map((db) => settleAll(db, { batchSize: 500, feeBps: 500 })));
    } finally {
      await Promise.all([a.destroy(), b.destroy()]);
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `settled ${COUNT} tips in ${seconds.toFixed(2)} s with two racing runs (batch 500): ` +
        `run A ${runs[0].tips} tips / ${runs[0].settlements} settlements, run B ${runs[1].tips} tips / ${runs[1].settlements} settlements`,
    );
    expect(runs[0].tips + runs[1].tips).toBe(COUNT);

    const ids = made.map((x) => x.id);
    const tips = await t.db.selectFrom("tips").select(["id", "status", "settlement_id", "amount", "creator_id"]).where("id", "in", ids).execute();
    expect(tips.filter((x) => x.status !== "settled" || x.settlement_id === null)).toEqual([]);

    const settlements = await t.db
      .selectFrom("settlements")
      .selectAll()
      .where("creator_id", "in", creators.map((c) => c.id))
      .execute();
    expect(settlements.length).toBe(runs[0].settlements + runs[1].settlements);
    // Sum of settlement gross = sum of the tips; each settlement's tip_count and gross match its own tips.
    expect(settlements.reduce((sum, s) => sum + s.gross, 0)).toBe(total);
    const bySettlement = new Map<number, { count: number; gross: number; creators: Set<number> }>();
    for (const x of tips) {
      const entry = bySettlement.get(x.settlement_id!) ?? { count: 0, gross: 0, creators: new Set<number>() };
      entry.count++;
      entry.gross += x.amount;
      entry.creators.add(x.creator_id);
      bySettlement.set(x.settlement_id!, entry);
    }
    expect(bySettlement.size).toBe(settlements.length);
    for (const s of settlements) {
      const own = bySettlement.get(s.id)!;
      expect({ id: s.id, count: s.tip_count, gross: s.gross, creators: [...own.creators] }).toEqual({
        id: s.id,
        count: own.count,
        gross: own.gross,
        creators: [s.creator_id],
      });
      expect(s.fee).toBe(Math.floor((s.gross * 500) / 10_000)); // small sums: exact in floating point
      expect(s.net + s.fee).toBe(s.gross);
    }
    // Each creator's pending balance is the sum of their settlements' net.
    for (const creator of creators.slice(0, 5)) {
      const net = settlements.filter((s) => s.creator_id === creator.id).reduce((sum, s) => sum + s.net, 0);
      expect((await creatorBalances(t.db, creator)).pending).toBe(net);
    }
    expect(await tipsInFlight(t.db)).toBe(0);
    await expectEverySettlementAddsUp();
  });
});

describe("the bulk tip fixture", () => {
  it("writes what createWalletTip writes", async () => {
    const fan = await makeFan(t.db, { balance: 10_000, name: "Twin" });
    const creator = await makeCreator(t.db);
    const real = await tip(t.db, fan, creator, 1_234);
    const [bulk] = await insertPendingTips(t.db, { fans: [fan], creators: [creator], count: 1, amount: () => 1_234 });
    const shape = async (id: string) => {
      const { id: _id, created_at: _at, ...row } = await t.db.selectFrom("tips").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      const event = await t.db.selectFrom("outbox").select(["topic", "payload"]).where(sql<boolean>`payload->>'tipId' = ${id}`).executeTakeFirstOrThrow();
      const { tipId, createdAt, ...payload } = event.payload as unknown as Record<string, unknown>;
      expect([tipId, typeof createdAt]).toEqual([id, "string"]);
      const kind = await t.db.selectFrom("ledger_transactions").select("kind").where("key", "=", `tip:${id}`).executeTakeFirstOrThrow();
      return { row, topic: event.topic, payload, kind, posting: await postingOf(t.db, `tip:${id}`) };
    };
    expect(await shape(bulk.id)).toEqual(await shape(real.id));
    expect(await walletBalance(t.db, fan.id)).toBe(10_000 - 2 * 1_234);
    await settleAll(t.db, { batchSize: 100, feeBps: 500 });
  });
});

describe("release after the holding period", () => {
  it("moves pending to available only once the holding period has passed, and only once", async () => {
    // Release everything earlier tests settled, so only this test's settlement is left.
    while ((await releaseSettlements(t.db, { holdSeconds: 0 })) > 0);
    const fan = await makeFan(t.db, { balance: 10_000 });
    const creator = await makeCreator(t.db);
    await tip(t.db, fan, creator, 4_000);
    await settlePendingTips(t.db, { batchSize: 100, feeBps: 500 });
    const settlement = await t.db.selectFrom("settlements").selectAll().where("creator_id", "=", creator.id).executeTakeFirstOrThrow();
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 3_800, available: 0, inTransit: 0 });

    // A 3-day chargeback window: nothing is due yet.
    expect(await releaseSettlements(t.db, { holdSeconds: 3 * 24 * 3600 })).toBe(0);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 3_800, available: 0, inTransit: 0 });
    expect(await postingOf(t.db, `release:${settlement.id}`)).toBeUndefined();

    expect(await releaseSettlements(t.db, { holdSeconds: 0 })).toBe(1);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 3_800, inTransit: 0 });
    expect(await postingOf(t.db, `release:${settlement.id}`)).toEqual({
      [accountCode.creator(creator.id, "pending", "KRW")]: -3_800,
      [accountCode.creator(creator.id, "available", "KRW")]: 3_800,
    });
    const released = await t.db.selectFrom("settlements").select("released_at").where("id", "=", settlement.id).executeTakeFirstOrThrow();
    expect(released.released_at).toBeInstanceOf(Date);

    // Releasing again moves nothing.
    expect(await releaseSettlements(t.db, { holdSeconds: 0 })).toBe(0);
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 3_800, inTransit: 0 });
  });

  it("two concurrent release runs release each settlement once", async () => {
    const fan = await makeFan(t.db, { balance: 100_000 });
    const creators = await Promise.all(Array.from({ length: 6 }, () => makeCreator(t.db)));
    for (const c of creators) await tip(t.db, fan, c, 1_000);
    await settleAll(t.db, { batchSize: 100, feeBps: 500 });
    const counts = await Promise.all([0, 1, 2].map(() => releaseSettlements(t.db, { holdSeconds: 0, batchSize: 2 })));
    let released = counts.reduce((a, b) => a + b, 0);
    while (true) {
      const n = await releaseSettlements(t.db, { holdSeconds: 0 });
      if (n === 0) break;
      released += n;
    }
    expect(released).toBe(6);
    for (const c of creators) expect(await creatorBalances(t.db, c)).toEqual({ pending: 0, available: 950, inTransit: 0 });
  });
});

describe("a workers process killed in the middle of a settlement batch", () => {
  it("settles nothing of the killed batch, then everything once restarted", async () => {
    // Release what earlier tests left, so this test's creators are the only unreleased money.
    while ((await releaseSettlements(t.db, { holdSeconds: 0 })) > 0);
    const fan = await makeFan(t.db, { balance: 100_000 });
    const creators = [await makeCreator(t.db), await makeCreator(t.db), await makeCreator(t.db)];
    const made = [];
    for (let i = 0; i < 30; i++) made.push(await tip(t.db, fan, creators[i % 3], 1_000));
    const ids = made.map((x) => x.id);
    const settlementsBefore = await t.db.selectFrom("settlements").select("id").execute();

    const crashing = startWorkers({ ...t.env, ...WORKER_ENV, SODAM_FAILPOINTS: "settlement.before-commit" });
    running.push(crashing);
    const death = await waitForDeath(crashing);
    expect(death.killed, `exit ${death.code} / ${death.signal}:\n${crashing.output()}`).toBe(true);

    // The batch was rolled back whole: no tip settled, no settlement row, no settlement posting.
    const tips = await t.db.selectFrom("tips").select(["status", "settlement_id"]).where("id", "in", ids).execute();
    expect(tips.every((x) => x.status === "pending" && x.settlement_id === null)).toBe(true);
    expect(await t.db.selectFrom("settlements").select("id").execute()).toEqual(settlementsBefore);
    expect(await tipsInFlight(t.db)).toBe(30_000);
    for (const c of creators) expect(await creatorBalances(t.db, c)).toEqual({ pending: 0, available: 0, inTransit: 0 });

    // Started again without the failpoint, the same process settles them (and releases them: holding period 0).
    const healthy = startWorkers({ ...t.env, ...WORKER_ENV });
    running.push(healthy);
    await waitFor(
      async () => {
        const left = await t.db.selectFrom("tips").select("id").where("id", "in", ids).where("status", "=", "pending").execute();
        return left.length === 0;
      },
      30_000,
      "the restarted workers to settle the tips",
    );
    await waitFor(
      async () => (await Promise.all(creators.map((c) => creatorBalances(t.db, c)))).every((b) => b.available === 9_500),
      30_000,
      "the restarted workers to release the settlements",
    );
    await healthy.stop();

    const settlements = await t.db.selectFrom("settlements").selectAll().where("creator_id", "in", creators.map((c) => c.id)).execute();
    expect(settlements.reduce((sum, s) => sum + s.gross, 0)).toBe(30_000);
    expect(settlements.reduce((sum, s) => sum + s.tip_count, 0)).toBe(30);
    expect(await tipsInFlight(t.db)).toBe(0);
    await expectEverySettlementAddsUp();
  });
});
