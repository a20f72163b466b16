// The journal on a real Postgres: the database itself refuses unbalanced or one-legged transactions at commit
// and any change to what was written; postTransactions refuses the same in code, and its conditional debit
// never takes a wallet below zero — not even under 40 concurrent tips.
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createDb } from "../../db/client";
import { InsufficientBalance, accountCode, findAccountId, postTransaction, postTransactions, type Posting } from "../../app/money/ledger.server";
import { useTestDatabase } from "../support/database";
import { countRows, makeCreator, makeFan, moneyFootprint, problemOf, tip, walletBalance } from "../support/fixtures";

const t = await useTestDatabase();

const id = async (code: string) => (await findAccountId(t.db, code))!;

/** Writes a journal transaction with raw SQL, bypassing every check in the code, and commits. */
async function rawPosting(key: string, entries: { code: string; currency: "KRW" | "USD"; amount: number }[]) {
  await t.db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: number }>`insert into ledger_transactions (key, kind) values (${key}, 'topup') returning id`.execute(trx);
    for (const entry of entries) {
      await sql`insert into ledger_entries (transaction_id, account_id, currency, amount)
                values (${rows[0].id}, ${await id(entry.code)}, ${entry.currency}, ${entry.amount})`.execute(trx);
    }
  });
}

async function errorOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error("expected the database to refuse, but it committed");
}

const transactionWithKey = (key: string) => t.db.selectFrom("ledger_transactions").select("id").where("key", "=", key).executeTakeFirst();

// Non-caching system accounts: raw inserts there leave no cached balance out of step.
const FEES_KRW = accountCode.platform("fees", "KRW");
const CLEARING_KRW = accountCode.clearing("KRW");
const CLEARING_USD = accountCode.clearing("USD");

describe("the database keeps the journal balanced", () => {
  it("commits a balanced transaction written with raw SQL (the control for the refusals below)", async () => {
    await rawPosting("raw:balanced", [
      { code: CLEARING_KRW, currency: "KRW", amount: -700 },
      { code: FEES_KRW, currency: "KRW", amount: 700 },
    ]);
    expect(await transactionWithKey("raw:balanced")).toBeDefined();
  });

  it("refuses at commit a transaction whose entries do not sum to zero", async () => {
    const error = await errorOf(
      rawPosting("raw:unbalanced", [
        { code: CLEARING_KRW, currency: "KRW", amount: -700 },
        { code: FEES_KRW, currency: "KRW", amount: 699 },
      ]),
    );
    expect(error.code).toBe("23514");
    expect(error.message).toMatch(/ledger transaction \d+ is unbalanced: -1 KRW left over/);
    expect(await transactionWithKey("raw:unbalanced")).toBeUndefined();
  });

  it("refuses a transaction that balances only across currencies", async () => {
    const error = await errorOf(
      rawPosting("raw:cross-currency", [
        { code: CLEARING_KRW, currency: "KRW", amount: -500 },
        { code: CLEARING_USD, currency: "USD", amount: 500 },
      ]),
    );
    expect(error.message).toMatch(/is unbalanced/);
    expect(await transactionWithKey("raw:cross-currency")).toBeUndefined();
  });

  it("refuses a transaction with a single entry", async () => {
    const error = await errorOf(rawPosting("raw:one-entry", [{ code: FEES_KRW, currency: "KRW", amount: 700 }]));
    expect(error.code).toBe("23514");
    expect(error.message).toMatch(/unbalanced|fewer than two entries/);
    expect(await transactionWithKey("raw:one-entry")).toBeUndefined();
  });

  it("refuses a transaction with no entries", async () => {
    const error = await errorOf(rawPosting("raw:no-entries", []));
    expect(error.code).toBe("23514");
    expect(error.message).toMatch(/has fewer than two entries/);
    expect(await transactionWithKey("raw:no-entries")).toBeUndefined();
  });

  it("refuses an entry in another currency than its account's", async () => {
    const error = await errorOf(
      rawPosting("raw:wrong-currency", [
        { code: CLEARING_KRW, currency: "USD", amount: -500 },
        { code: CLEARING_USD, currency: "USD", amount: 500 },
      ]),
    );
    expect(error.code).toBe("23503"); // foreign key (account_id, currency)
  });

  it("refuses a second transaction with the same key", async () => {
    const error = await errorOf(
      rawPosting("raw:balanced", [
        { code: CLEARING_KRW, currency: "KRW", amount: -1 },
        { code: FEES_KRW, currency: "KRW", amount: 1 },
      ]),
    );
    expect(error.code).toBe("23505");
  });
});

describe("the journal is append-only", () => {
  const attempts = [
    ["UPDATE ledger_entries", sql`update ledger_entries set amount = amount * 2`],
    ["DELETE ledger_entries", sql`delete from ledger_entries`],
    ["UPDATE ledger_transactions", sql`update ledger_transactions set kind = 'refund'`],
    ["DELETE ledger_transactions", sql`delete from ledger_transactions`],
  ] as const;

  for (const [name, statement] of attempts) {
    it(`refuses ${name}`, async () => {
      const before = await moneyFootprint(t.db);
      expect(before.entries).toBeGreaterThan(0); // there is something to change
      const error = await errorOf(statement.execute(t.db));
      expect(error.code).toBe("42501");
      expect(error.message).toMatch(/the ledger is append-only/);
      expect(await moneyFootprint(t.db)).toEqual(before);
    });
  }
});

describe("postTransactions", () => {
  it("refuses unbalanced postings in code, before touching the database", async () => {
    const fan = await makeFan(t.db, { balance: 5_000 });
    const wallet = await id(accountCode.wallet(fan.id, "KRW"));
    const fees = await id(FEES_KRW);
    const before = await moneyFootprint(t.db);
    const bad: Posting[] = [
      { key: "code:unbalanced", kind: "tip", entries: [{ accountId: wallet, currency: "KRW", amount: -1_000 }, { accountId: fees, currency: "KRW", amount: 999 }] },
      { key: "code:single", kind: "tip", entries: [{ accountId: wallet, currency: "KRW", amount: -1_000 }] },
      { key: "code:zero", kind: "tip", entries: [{ accountId: wallet, currency: "KRW", amount: 0 }, { accountId: fees, currency: "KRW", amount: 0 }] },
      { key: "code:fraction", kind: "tip", entries: [{ accountId: wallet, currency: "KRW", amount: -0.5 }, { accountId: fees, currency: "KRW", amount: 0.5 }] },
    ];
    for (const posting of bad) {
      await expect(t.db.transaction().execute((trx) => postTransaction(trx, posting))).rejects.toThrow(`posting ${posting.key}`);
    }
    // One bad posting in a batch refuses the whole batch.
    const good: Posting = { key: "code:good", kind: "tip", entries: [{ accountId: wallet, currency: "KRW", amount: -1_000 }, { accountId: fees, currency: "KRW", amount: 1_000 }] };
    await expect(t.db.transaction().execute((trx) => postTransactions(trx, [good, bad[0]]))).rejects.toThrow(/unbalanced/);
    expect(await moneyFootprint(t.db)).toEqual(before);
  });

  it("posts a balanced posting and keeps the cached balance equal to the entries", async () => {
    const fan = await makeFan(t.db, { balance: 5_000 });
    const wallet = await id(accountCode.wallet(fan.id, "KRW"));
    const fees = await id(FEES_KRW);
    await t.db.transaction().execute((trx) =>
      postTransaction(trx, { key: "code:posted", kind: "tip", entries: [{ accountId: wallet, currency: "KRW", amount: -1_200 }, { accountId: fees, currency: "KRW", amount: 1_200 }] }),
    );
    expect(await walletBalance(t.db, fan.id)).toBe(3_800);
  });

  it("throws InsufficientBalance when a wallet would go below zero, and writes nothing", async () => {
    const fan = await makeFan(t.db, { balance: 1_000 });
    const other = await makeFan(t.db, { balance: 1_000 });
    const wallet = await id(accountCode.wallet(fan.id, "KRW"));
    const otherWallet = await id(accountCode.wallet(other.id, "KRW"));
    const before = await moneyFootprint(t.db);
    let thrown: unknown;
    // The caller catches the refusal and commits its transaction anyway: nothing of the posting may be in it,
    // not even the credit to the other wallet, whose row was locked and updatable.
    await t.db.transaction().execute(async (trx) => {
      try {
        await postTransaction(trx, {
          key: "code:overdraw",
          kind: "tip",
          entries: [{ accountId: otherWallet, currency: "KRW", amount: 1_001 }, { accountId: wallet, currency: "KRW", amount: -1_001 }],
        });
      } catch (error) {
        thrown = error;
      }
    });
    expect(thrown).toBeInstanceOf(InsufficientBalance);
    expect((thrown as InsufficientBalance).accountIds).toEqual([wallet]);
    expect(await moneyFootprint(t.db)).toEqual(before);
    expect(await walletBalance(t.db, fan.id)).toBe(1_000);
    expect(await walletBalance(t.db, other.id)).toBe(1_000);
  });

  it("lets a wallet reach exactly zero", async () => {
    const fan = await makeFan(t.db, { balance: 1_000 });
    const creator = await makeCreator(t.db);
    await tip(t.db, fan, creator, 1_000);
    expect(await walletBalance(t.db, fan.id)).toBe(0);
  });
});

describe("wallet tips", () => {
  it("a tip the wallet cannot cover is a 402 and writes nothing", async () => {
    const fan = await makeFan(t.db, { balance: 1_000 });
    const creator = await makeCreator(t.db);
    const before = await moneyFootprint(t.db);
    const problem = await problemOf(tip(t.db, fan, creator, 1_001));
    expect(problem).toMatchObject({ status: 402, code: "insufficient_funds" });
    expect(await moneyFootprint(t.db)).toEqual(before);
    // A fan who never topped up has no wallet at all: the same answer.
    const broke = await makeFan(t.db);
    expect(await problemOf(tip(t.db, broke, creator, 100))).toMatchObject({ status: 402, code: "insufficient_funds" });
    expect(await moneyFootprint(t.db)).toEqual(before);
  });

  it("never overdraws: 40 concurrent ₩1,000 tips on a wallet covering 25 → exactly 25 tips, wallet at zero", async () => {
    const fan = await makeFan(t.db, { balance: 25_000, name: "Racer" });
    const creators = [await makeCreator(t.db), await makeCreator(t.db)];
    // A pool of its own, big enough that all 40 transactions really run at the same time.
    const racers = createDb(t.url, 40);
    try {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => tip(racers, fan, creators[i % 2], 1_000, `race ${i}`)),
      );
      const refused = outcomes.filter((o) => o.status === "rejected").map((o) => (o as PromiseRejectedResult).reason);
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(25);
      expect(refused).toHaveLength(15);
      for (const reason of refused) expect(reason).toMatchObject({ status: 402, code: "insufficient_funds" });
    } finally {
      await racers.destroy();
    }
    expect(await walletBalance(t.db, fan.id)).toBe(0);
    const tips = await t.db.selectFrom("tips").select(["id", "amount"]).where("fan_id", "=", fan.id).execute();
    expect(tips).toHaveLength(25);
    const { rows } = await sql<{ total: number }>`
      select coalesce(sum(e.amount), 0) as total from ledger_entries e join accounts a on a.id = e.account_id
       where a.code = ${accountCode.wallet(fan.id, "KRW")}`.execute(t.db);
    expect(Number(rows[0].total)).toBe(0);
    expect(await countRows(t.db, "outbox")).toBeGreaterThanOrEqual(25);
  });
});
