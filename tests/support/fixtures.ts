// Test data for the money core, made through the real domain functions (createUser, becomeCreator, topUpWallet,
// createWalletTip, settle, release) so every row and ledger entry is one the product itself would write —
// the invariant checker at the end of each file then holds them to the same rules as production data.
import { randomBytes, randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { DB } from "../../db/client";
import { CURRENCY_RULES, type Currency } from "../../app/money/currency";
import { accountCode, findAccountId, postTransactions, type Posting } from "../../app/money/ledger.server";
import { topUpWallet } from "../../app/money/payments.server";
import { releaseSettlements, settleAll } from "../../app/money/settlement.server";
import { TestmodePaymentProvider } from "../../app/money/testmode-provider.server";
import { createWalletTip, type Tip } from "../../app/money/tips.server";
import { becomeCreator, type Creator } from "../../app/models/creators.server";
import { createUser, type User } from "../../app/models/users.server";

export const GOOD_CARD = "4242424242424242";
export const DECLINED_CARD = "4000000000000002";
export const INSUFFICIENT_FUNDS_CARD = "4000000000009995";

export type Fan = User & { fan: { id: number; displayName: string } };

const tag = () => randomBytes(5).toString("hex");

export async function makeUser(db: DB, displayName = "Fan"): Promise<User> {
  return createUser(db, { email: `${displayName.toLowerCase().replace(/\W/g, "") || "user"}-${tag()}@example.test`, password: "correct horse battery", displayName });
}

/** Tops up a wallet through the test-mode provider (split into top-ups of at most the currency's maximum). */
export async function fundWallet(db: DB, userId: number, amount: number, currency: Currency = "KRW") {
  const { topupMin, topupMax } = CURRENCY_RULES[currency];
  const provider = new TestmodePaymentProvider(db);
  for (let left = amount; left > 0; ) {
    const chunk = Math.min(left, topupMax);
    if (chunk < topupMin) throw new Error(`cannot top up ${chunk} ${currency}: below the minimum top-up ${topupMin}`);
    const outcome = await db
      .transaction()
      .execute((trx) => topUpWallet(trx, provider, { userId, amount: chunk, currency, card: GOOD_CARD, providerKey: `test-topup-${randomUUID()}` }));
    if (!outcome.ok) throw new Error(`top-up failed: ${outcome.problem.message}`);
    left -= chunk;
  }
}

/** A fan, optionally with a funded wallet. */
export async function makeFan(db: DB, options: { balance?: number; currency?: Currency; name?: string } = {}): Promise<Fan> {
  const user = await makeUser(db, options.name ?? "Fan");
  if (options.balance) await fundWallet(db, user.id, options.balance, options.currency ?? "KRW");
  return { ...user, fan: { id: user.id, displayName: user.displayName } };
}

export async function makeCreator(
  db: DB,
  options: { currency?: Currency; payoutMinimum?: number; payoutSchedule?: "weekly" | "monthly"; name?: string } = {},
): Promise<Creator> {
  const user = await makeUser(db, options.name ?? "Creator");
  const handle = `c_${tag()}`;
  return becomeCreator(db, {
    userId: user.id,
    handle,
    displayName: `Creator ${handle}`,
    currency: options.currency ?? "KRW",
    payoutMinimum: options.payoutMinimum,
    payoutSchedule: options.payoutSchedule,
  });
}

/** One wallet tip in its own transaction, as the web app makes it. */
export async function tip(db: DB, fan: Fan, creator: Creator, amount: number, message: string | null = null): Promise<Tip> {
  return db
    .transaction()
    .execute((trx) => createWalletTip(trx, { fan: fan.fan, creator, input: { amount, currency: creator.currency, message } }));
}

/**
 * Many pending wallet tips, fast: creator i % creators.length gets the i-th tip, paid by fan i % fans.length;
 * each fan's tips go through createWalletTip in transactions of `perTransaction` tips, and the fans run side by
 * side (one connection each — a fan's wallet row is the only row a tip locks, so fans never wait on each other).
 * The fans' wallets must cover their tips.
 */
export async function createPendingTips(
  db: DB,
  args: { fans: Fan[]; creators: Creator[]; count: number; amount: (i: number) => number; perTransaction?: number },
): Promise<{ id: string; creatorId: number; amount: number }[]> {
  const perFan = args.fans.map(() => [] as { creator: Creator; amount: number }[]);
  for (let i = 0; i < args.count; i++) {
    perFan[i % args.fans.length].push({ creator: args.creators[i % args.creators.length], amount: args.amount(i) });
  }
  const per = args.perTransaction ?? 250;
  const made = await Promise.all(
    args.fans.map(async (fan, f) => {
      const out: { id: string; creatorId: number; amount: number }[] = [];
      const mine = perFan[f];
      for (let start = 0; start < mine.length; start += per) {
        const chunk = mine.slice(start, start + per);
        const tips = await db.transaction().execute(async (trx) => {
          const result: Tip[] = [];
          for (const t of chunk) {
            result.push(await createWalletTip(trx, { fan: fan.fan, creator: t.creator, input: { amount: t.amount, currency: t.creator.currency } }));
          }
          return result;
        });
        tips.forEach((t, k) => out.push({ id: t.id, creatorId: chunk[k].creator.id, amount: t.amount }));
      }
      return out;
    }),
  );
  return made.flat();
}

/**
 * Many pending wallet tips, faster still (≈ 1 s for 10,000 instead of ≈ 30 s through createWalletTip on two
 * cores): the same rows createWalletTip writes — the wallet → tips-in-flight posting `tip:<id>` through the real
 * postTransactions (conditional wallet debit included), the pending tip, its tip.created outbox event — but a
 * thousand tips per statement. settlement.test.ts checks that both paths write the same.
 */
export async function insertPendingTips(
  db: DB,
  args: { fans: Fan[]; creators: Creator[]; count: number; amount: (i: number) => number; perTransaction?: number },
): Promise<{ id: string; creatorId: number; amount: number }[]> {
  const planned = Array.from({ length: args.count }, (_, i) => ({
    id: randomUUID(),
    fan: args.fans[i % args.fans.length],
    creator: args.creators[i % args.creators.length],
    amount: args.amount(i),
  }));
  const per = args.perTransaction ?? 1_000;
  for (let start = 0; start < planned.length; start += per) {
    const chunk = planned.slice(start, start + per);
    await db.transaction().execute(async (trx) => {
      const accountIds = new Map<string, number>();
      const idOf = async (code: string) => {
        if (!accountIds.has(code)) accountIds.set(code, (await findAccountId(trx, code))!);
        return accountIds.get(code)!;
      };
      const postings: Posting[] = [];
      for (const t of chunk) {
        const currency = t.creator.currency;
        postings.push({
          key: `tip:${t.id}`,
          kind: "tip",
          entries: [
            { accountId: await idOf(accountCode.wallet(t.fan.id, currency)), currency, amount: -t.amount },
            { accountId: await idOf(accountCode.platform("tips_in_flight", currency)), currency, amount: t.amount },
          ],
        });
      }
      await postTransactions(trx, postings);
      const rows = await trx
        .insertInto("tips")
        .values(
          chunk.map((t) => ({
            id: t.id,
            fan_id: t.fan.id,
            creator_id: t.creator.id,
            amount: t.amount,
            currency: t.creator.currency,
            message: null,
            anonymous: false,
            source: "wallet" as const,
            payment_id: null,
          })),
        )
        .returning(["id", "created_at"])
        .execute();
      const createdAt = new Map(rows.map((r) => [r.id, r.created_at.toISOString()]));
      await trx
        .insertInto("outbox")
        .values(
          chunk.map((t) => ({
            topic: "tip.created",
            payload: JSON.stringify({
              tipId: t.id,
              creatorId: t.creator.id,
              amount: t.amount,
              currency: t.creator.currency,
              supporterName: t.fan.displayName,
              message: null,
              createdAt: createdAt.get(t.id),
            }),
          })),
        )
        .execute();
    });
  }
  return planned.map((t) => ({ id: t.id, creatorId: t.creator.id, amount: t.amount }));
}

/** Settles every pending tip and releases every settlement at once (holding period 0). */
export async function settleAndRelease(db: DB, feeBps = 500) {
  const settled = await settleAll(db, { batchSize: 1000, feeBps });
  let released = 0;
  for (let n = -1; n !== 0; released += n) n = await releaseSettlements(db, { holdSeconds: 0 });
  return { ...settled, released };
}

/** A creator with exactly `available` in their available balance (tips from a fresh fan, settled and released). */
export async function makeCreatorWithAvailable(
  db: DB,
  available: number,
  options: { feeBps?: number; payoutMinimum?: number; payoutSchedule?: "weekly" | "monthly" } = {},
) {
  const feeBps = options.feeBps ?? 0;
  const creator = await makeCreator(db, { payoutMinimum: options.payoutMinimum, payoutSchedule: options.payoutSchedule });
  const fan = await makeFan(db, { balance: Math.max(available, 1_000) });
  await tip(db, fan, creator, available);
  await settleAndRelease(db, feeBps);
  return { creator, fan };
}

/** The cached balance of an account by code (0 when the account does not exist yet). */
export async function balanceOf(db: DB, code: string): Promise<number> {
  const row = await db.selectFrom("accounts").select("balance").where("code", "=", code).executeTakeFirst();
  return row?.balance ?? 0;
}

/** The sum of an account's ledger entries — the truth a cached balance must equal. */
export async function entriesTotal(db: DB, code: string): Promise<number> {
  const { rows } = await sql<{ total: number }>`
    select coalesce(sum(e.amount), 0) as total from ledger_entries e join accounts a on a.id = e.account_id where a.code = ${code}
  `.execute(db);
  return Number(rows[0].total);
}

export async function creatorBalances(db: DB, creator: { id: number; currency: Currency }) {
  const code = (purpose: "pending" | "available" | "in_transit") => accountCode.creator(creator.id, purpose, creator.currency);
  return {
    pending: await balanceOf(db, code("pending")),
    available: await balanceOf(db, code("available")),
    inTransit: await balanceOf(db, code("in_transit")),
  };
}

export const walletBalance = (db: DB, userId: number, currency: Currency = "KRW") => balanceOf(db, accountCode.wallet(userId, currency));
export const platformFees = (db: DB, currency: Currency = "KRW") => entriesTotal(db, accountCode.platform("fees", currency));
export const tipsInFlight = (db: DB, currency: Currency = "KRW") => entriesTotal(db, accountCode.platform("tips_in_flight", currency));

/** The entries of the ledger transaction with `key`, as { account code: amount } (undefined when not posted). */
export async function postingOf(db: DB, key: string): Promise<Record<string, number> | undefined> {
  const rows = await db
    .selectFrom("ledger_transactions as t")
    .innerJoin("ledger_entries as e", "e.transaction_id", "t.id")
    .innerJoin("accounts as a", "a.id", "e.account_id")
    .select(["t.kind", "a.code", "e.amount"])
    .where("t.key", "=", key)
    .execute();
  if (rows.length === 0) return undefined;
  const entries: Record<string, number> = {};
  for (const r of rows) entries[r.code] = (entries[r.code] ?? 0) + r.amount;
  return entries;
}

export async function countRows(db: DB, table: "tips" | "settlements" | "payouts" | "payments" | "ledger_transactions" | "ledger_entries" | "testmode_transfers" | "testmode_charges" | "testmode_refunds" | "outbox") {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Counts of the tables money flows through, to prove a refused operation wrote nothing. */
export async function moneyFootprint(db: DB) {
  return {
    tips: await countRows(db, "tips"),
    settlements: await countRows(db, "settlements"),
    payouts: await countRows(db, "payouts"),
    transactions: await countRows(db, "ledger_transactions"),
    entries: await countRows(db, "ledger_entries"),
    outbox: await countRows(db, "outbox"),
    balances: (await db.selectFrom("accounts").select(["code", "balance"]).orderBy("id").execute()).map((a) => `${a.code}=${a.balance}`).join(" "),
  };
}

/** Expects `promise` to reject with a Problem of this status and code; returns it. */
export async function problemOf(promise: Promise<unknown>): Promise<{ status: number; code: string; detail: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status?: number; code?: string; detail?: string };
    if (typeof e.status === "number" && typeof e.code === "string") return { status: e.status, code: e.code, detail: e.detail ?? "" };
    throw error;
  }
  throw new Error("expected a Problem, but the call succeeded");
}

/**
 * Waits for a process started by startWorkers to die and tells whether SIGKILL ended it (a failpoint). The test
 * helper runs workers under tsx, which runs the script in a child node process and, when that child is killed,
 * exits with 128 + 9 = 137 itself; a direct kill shows as signal SIGKILL with no exit code.
 */
export async function waitForDeath(proc: { exited: Promise<number | null>; child: { signalCode: NodeJS.Signals | null }; output: () => string }, timeoutMs = 30_000) {
  const code = await Promise.race([proc.exited, new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), timeoutMs))]);
  if (code === "timeout") throw new Error(`the process did not die within ${timeoutMs} ms:\n${proc.output()}`);
  return { code, signal: proc.child.signalCode, killed: proc.child.signalCode === "SIGKILL" || code === 137 };
}
