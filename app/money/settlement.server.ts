// Settlement (flow 4) and release (flow 5). One database transaction claims a batch of pending tips with
// FOR UPDATE SKIP LOCKED — so several workers never claim the same tip — and moves them to creators in aggregate:
// one settlement row and one ledger transaction per creator, the fee computed on the aggregate. A crash before
// commit rolls the whole batch back and the tips stay pending.
import { sql } from "kysely";
import type { DB } from "../../db/client";
import { failpoint } from "../utils/failpoints.server";
import type { Currency } from "./currency";
import { splitGross } from "./fees";
import { accountCode, postTransactions, systemAccountId, type Posting, type Tx } from "./ledger.server";

export interface SettlementRun {
  tips: number;
  settlements: number;
}

async function accountIdsByCode(trx: Tx, codes: string[]) {
  const rows = await trx.selectFrom("accounts").select(["id", "code"]).where("code", "in", codes).execute();
  const byCode = new Map(rows.map((r) => [r.code, r.id]));
  for (const code of codes) if (!byCode.has(code)) throw new Error(`account ${code} is missing`);
  return byCode;
}

export async function settlePendingTips(db: DB, options: { batchSize: number; feeBps: number }): Promise<SettlementRun> {
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .selectFrom("tips")
      .select(["id", "creator_id", "currency", "amount"])
      .where("status", "=", "pending")
      // Creator by creator: a backlog spread over thousands of creators then settles as one settlement per
      // creator per run, not one per tip. Every run claims all that is pending unless the backlog exceeds a batch.
      .orderBy("creator_id")
      .orderBy("created_at")
      .limit(options.batchSize)
      .forUpdate()
      .skipLocked()
      .execute();
    if (claimed.length === 0) return { tips: 0, settlements: 0 };

    const groups = new Map<string, { creatorId: number; currency: Currency; gross: number; tipIds: string[] }>();
    for (const tip of claimed) {
      const key = `${tip.creator_id}:${tip.currency}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { creatorId: tip.creator_id, currency: tip.currency as Currency, gross: 0, tipIds: [] }));
      group.gross += tip.amount;
      group.tipIds.push(tip.id);
    }
    const list = [...groups.values()].map((g) => ({ ...g, ...splitGross(g.gross, options.feeBps) }));

    const inserted = await sql<{ id: number; creator_id: number; currency: string }>`
      insert into settlements (creator_id, currency, gross, fee, net, tip_count)
      select * from unnest(${list.map((g) => g.creatorId)}::bigint[], ${list.map((g) => g.currency)}::char(3)[],
                           ${list.map((g) => g.gross)}::bigint[], ${list.map((g) => g.fee)}::bigint[],
                           ${list.map((g) => g.net)}::bigint[], ${list.map((g) => g.tipIds.length)}::int[])
      returning id, creator_id, currency
    `.execute(trx);
    const settlementId = new Map(inserted.rows.map((r) => [`${r.creator_id}:${r.currency}`, Number(r.id)]));

    const currencies = [...new Set(list.map((g) => g.currency))];
    const inFlight = new Map<Currency, number>();
    const fees = new Map<Currency, number>();
    for (const c of currencies) {
      inFlight.set(c, await systemAccountId(trx, "tips_in_flight", c));
      fees.set(c, await systemAccountId(trx, "fees", c));
    }
    const pending = await accountIdsByCode(trx, list.map((g) => accountCode.creator(g.creatorId, "pending", g.currency)));

    const postings: Posting[] = list.map((g) => {
      const entries = [
        { accountId: inFlight.get(g.currency)!, currency: g.currency, amount: -g.gross },
        { accountId: pending.get(accountCode.creator(g.creatorId, "pending", g.currency))!, currency: g.currency, amount: g.net },
      ];
      if (g.fee > 0) entries.push({ accountId: fees.get(g.currency)!, currency: g.currency, amount: g.fee });
      return { key: `settlement:${settlementId.get(`${g.creatorId}:${g.currency}`)}`, kind: "settlement", entries };
    });
    await postTransactions(trx, postings);

    const tipIds: string[] = [];
    const tipSettlements: number[] = [];
    for (const g of list) {
      const sid = settlementId.get(`${g.creatorId}:${g.currency}`)!;
      for (const id of g.tipIds) {
        tipIds.push(id);
        tipSettlements.push(sid);
      }
    }
    await sql`
      update tips set status = 'settled', settlement_id = s.settlement_id, settled_at = now()
        from unnest(${tipIds}::uuid[], ${tipSettlements}::bigint[]) as s(tip_id, settlement_id)
       where tips.id = s.tip_id and tips.status = 'pending'
    `.execute(trx);

    failpoint("settlement.before-commit");
    return { tips: claimed.length, settlements: list.length };
  });
}

/**
 * Settles until no pending tip is left (or `maxBatches` ran, or `shouldStop` says so between batches); returns the
 * totals. With `concurrency` above 1, that many transactions settle side by side — SKIP LOCKED gives each its own
 * tips, and the creators' balances are locked in id order — so a large backlog is not held to one core.
 */
export async function settleAll(
  db: DB,
  options: { batchSize: number; feeBps: number; maxBatches?: number; shouldStop?: () => boolean; concurrency?: number },
) {
  const total: SettlementRun = { tips: 0, settlements: 0 };
  let batches = 0;
  let failed = false;
  const settleBatches = async () => {
    while (batches < (options.maxBatches ?? Infinity) && !failed && !options.shouldStop?.()) {
      batches++;
      try {
        const run = await settlePendingTips(db, options);
        total.tips += run.tips;
        total.settlements += run.settlements;
        if (run.tips < options.batchSize) break;
      } catch (error) {
        // The others stop after their current batch; the call ends (and fails) only once none is still running.
        failed = true;
        throw error;
      }
    }
  };
  const runs = await Promise.allSettled(Array.from({ length: options.concurrency ?? 1 }, settleBatches));
  const failure = runs.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw failure.reason;
  return total;
}

/** Moves settled money from pending to available once the holding (chargeback) period has passed. */
export async function releaseSettlements(db: DB, options: { holdSeconds: number; batchSize?: number }) {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom("settlements")
      .select(["id", "creator_id", "currency", "net"])
      .where("released_at", "is", null)
      .where("created_at", "<=", sql<Date>`now() - make_interval(secs => ${options.holdSeconds})`)
      .orderBy("created_at")
      .limit(options.batchSize ?? 1000)
      .forUpdate()
      .skipLocked()
      .execute();
    if (due.length === 0) return 0;
    const codes = due.flatMap((s) => [
      accountCode.creator(s.creator_id, "pending", s.currency as Currency),
      accountCode.creator(s.creator_id, "available", s.currency as Currency),
    ]);
    const ids = await accountIdsByCode(trx, [...new Set(codes)]);
    const postings: Posting[] = due
      .filter((s) => s.net > 0)
      .map((s) => {
        const currency = s.currency as Currency;
        return {
          key: `release:${s.id}`,
          kind: "release",
          entries: [
            { accountId: ids.get(accountCode.creator(s.creator_id, "pending", currency))!, currency, amount: -s.net },
            { accountId: ids.get(accountCode.creator(s.creator_id, "available", currency))!, currency, amount: s.net },
          ],
        };
      });
    await postTransactions(trx, postings);
    await trx
      .updateTable("settlements")
      .set({ released_at: new Date() })
      .where("id", "in", due.map((s) => s.id))
      .execute();
    return due.length;
  });
}
