// The double-entry ledger: accounts named by owner and purpose, and postTransactions — the only way money moves.
// Each posting is checked here (balanced per currency, safe integers) and again by the database at commit.
import { sql, type Kysely, type Transaction } from "kysely";
import type { AccountPurpose, Database, LedgerKind } from "../../db/types";
import type { Currency } from "./currency";

export type Tx = Transaction<Database> | Kysely<Database>;

/** Runs `work` in the caller's transaction when given one, else in a new one — so a money function composes. */
export function inTransaction<T>(db: Tx, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work);
}

export interface Entry {
  accountId: number;
  currency: Currency;
  /** Signed: positive raises the account's balance, negative lowers it. */
  amount: number;
}

export interface Posting {
  /** Business id of the event (tip:…, settlement:…); the database refuses a second posting with the same key. */
  key: string;
  kind: LedgerKind;
  occurredAt?: Date;
  entries: Entry[];
}

/** A posting would take an account that may not go negative below zero. */
export class InsufficientBalance extends Error {
  constructor(readonly accountIds: number[]) {
    super(`insufficient balance on account(s) ${accountIds.join(", ")}`);
  }
}

export const accountCode = {
  wallet: (userId: number, currency: Currency) => `fan:${userId}:wallet:${currency}`,
  creator: (creatorId: number, purpose: "pending" | "available" | "in_transit", currency: Currency) =>
    `creator:${creatorId}:${purpose}:${currency}`,
  platform: (purpose: "fees" | "tips_in_flight" | "losses" | "tax_payable", currency: Currency) => `platform:${purpose}:${currency}`,
  clearing: (currency: Currency) => `provider:clearing:${currency}`,
};

export function assertBalanced(posting: Posting) {
  if (posting.entries.length < 2) throw new Error(`posting ${posting.key} needs at least two entries`);
  const totals = new Map<string, bigint>();
  for (const entry of posting.entries) {
    if (!Number.isSafeInteger(entry.amount) || entry.amount === 0) {
      throw new Error(`posting ${posting.key}: entry amount ${entry.amount} must be a non-zero safe integer`);
    }
    totals.set(entry.currency, (totals.get(entry.currency) ?? 0n) + BigInt(entry.amount));
  }
  for (const [currency, total] of totals) {
    if (total !== 0n) throw new Error(`posting ${posting.key} is unbalanced: ${total} ${currency} left over`);
  }
}

/**
 * Posts balanced transactions and updates the cached balances of the accounts that keep one, locking those rows
 * in id order (no deadlocks between concurrent postings). An account that may not go negative and would is
 * refused with InsufficientBalance before anything is written. Returns ledger transaction ids by key.
 */
export async function postTransactions(trx: Tx, postings: Posting[]): Promise<Map<string, number>> {
  if (postings.length === 0) return new Map();
  postings.forEach(assertBalanced);

  const deltas = new Map<number, bigint>();
  for (const posting of postings) {
    for (const entry of posting.entries) {
      deltas.set(entry.accountId, (deltas.get(entry.accountId) ?? 0n) + BigInt(entry.amount));
    }
  }
  const ids = [...deltas.keys()];
  const amounts = ids.map((id) => deltas.get(id)!.toString());
  const entryKeys: string[] = [];
  const accountIds: number[] = [];
  const currencies: string[] = [];
  const entryAmounts: number[] = [];
  for (const posting of postings) {
    for (const entry of posting.entries) {
      entryKeys.push(posting.key);
      accountIds.push(entry.accountId);
      currencies.push(entry.currency);
      entryAmounts.push(entry.amount);
    }
  }

  // One statement (one round trip): lock the balance-caching accounts in id order, and — only when no account
  // that may not go negative would — update their balances and write the transactions with their entries.
  // All or nothing: a caller that catches InsufficientBalance and commits is left with no half of a posting.
  const { rows } = await sql<{ refused: number[] | null; posted: { id: number; key: string }[] | null }>`
    with delta as (select * from unnest(${ids}::bigint[], ${amounts}::bigint[]) as d(id, amount)),
    locked as (
      select a.id, a.balance, a.allow_negative from accounts a
       where a.id = any(${ids}::bigint[]) and a.caches_balance order by a.id for update
    ),
    refused as (
      select locked.id from locked join delta on delta.id = locked.id
       where not locked.allow_negative and locked.balance + delta.amount < 0
    ),
    updated as (
      update accounts a set balance = a.balance + delta.amount
        from delta
       where a.id = delta.id and a.id in (select id from locked) and not exists (select 1 from refused)
      returning a.id
    ),
    posted as (
      insert into ledger_transactions (key, kind, occurred_at)
      select * from unnest(${postings.map((p) => p.key)}::text[], ${postings.map((p) => p.kind)}::text[],
                           ${postings.map((p) => (p.occurredAt ?? new Date()).toISOString())}::timestamptz[])
       where not exists (select 1 from refused)
      returning id, key
    ),
    entries as (
      insert into ledger_entries (transaction_id, account_id, currency, amount)
      select posted.id, e.account_id, e.currency, e.amount
        from unnest(${entryKeys}::text[], ${accountIds}::bigint[], ${currencies}::char(3)[], ${entryAmounts}::bigint[])
             as e(key, account_id, currency, amount)
        join posted on posted.key = e.key
      returning 1
    )
    select (select array_agg(id order by id) from refused) as refused,
           (select json_agg(json_build_object('id', id, 'key', key)) from posted) as posted,
           (select count(*) from updated) as updated, (select count(*) from entries) as entries
  `.execute(trx);
  // int8[] arrives as strings (only scalar int8 is parsed at the boundary); ids inside JSON are numbers.
  const refused = (rows[0]?.refused ?? []).map(Number);
  if (refused.length) throw new InsufficientBalance(refused);
  return new Map((rows[0]?.posted ?? []).map((r) => [r.key, Number(r.id)]));
}

export async function postTransaction(trx: Tx, posting: Posting): Promise<number> {
  return (await postTransactions(trx, [posting])).get(posting.key)!;
}

interface AccountSpec {
  code: string;
  ownerType: "fan" | "creator" | "platform" | "provider";
  ownerId: number | null;
  purpose: AccountPurpose;
  currency: Currency;
  cachesBalance: boolean;
  allowNegative: boolean;
}

/** Finds an account by code, creating it on first use. */
export async function ensureAccount(trx: Tx, spec: AccountSpec): Promise<number> {
  const existing = await findAccountId(trx, spec.code);
  if (existing) return existing;
  await trx
    .insertInto("accounts")
    .values({
      code: spec.code,
      owner_type: spec.ownerType,
      owner_id: spec.ownerId,
      purpose: spec.purpose,
      currency: spec.currency,
      caches_balance: spec.cachesBalance,
      allow_negative: spec.allowNegative,
    })
    .onConflict((oc) => oc.column("code").doNothing())
    .execute();
  return (await findAccountId(trx, spec.code))!;
}

export async function findAccountId(trx: Tx, code: string): Promise<number | undefined> {
  const row = await trx.selectFrom("accounts").select("id").where("code", "=", code).executeTakeFirst();
  return row?.id;
}

/** Shared platform and provider accounts exist from the first migration on. */
export async function systemAccountId(
  trx: Tx,
  which: "fees" | "tips_in_flight" | "clearing" | "losses" | "tax_payable",
  currency: Currency,
): Promise<number> {
  const code = which === "clearing" ? accountCode.clearing(currency) : accountCode.platform(which, currency);
  const id = await findAccountId(trx, code);
  if (!id) throw systemAccountMissing(code);
  return id;
}

/** A shared account the first migration makes is not there: the database was not migrated. */
export function systemAccountMissing(code: string) {
  return new Error(`system account ${code} is missing; run the migrations`);
}

export function ensureWalletAccount(trx: Tx, userId: number, currency: Currency) {
  return ensureAccount(trx, {
    code: accountCode.wallet(userId, currency),
    ownerType: "fan",
    ownerId: userId,
    purpose: "wallet",
    currency,
    cachesBalance: true,
    allowNegative: false,
  });
}

/** A creator's three balances. Pending and available may go negative, but only through a refund or chargeback. */
export async function ensureCreatorAccounts(trx: Tx, creatorId: number, currency: Currency) {
  const make = (purpose: "pending" | "available" | "in_transit") =>
    ensureAccount(trx, {
      code: accountCode.creator(creatorId, purpose, currency),
      ownerType: "creator",
      ownerId: creatorId,
      purpose,
      currency,
      cachesBalance: true,
      allowNegative: purpose !== "in_transit",
    });
  return { pending: await make("pending"), available: await make("available"), inTransit: await make("in_transit") };
}
