// Bulk data for the benchmark, written with set-based SQL so that seeding a million tips takes seconds, not the
// run: creators, fans with funded wallets (through the API, as real fans), and pending tips with their ledger money.
import { sql } from "kysely";
import type { DB } from "../../db/client";
import { postTransaction, systemAccountId } from "../../app/money/ledger.server";
import { apiClient } from "../support/api-client";

export interface BenchCreator {
  id: number;
  handle: string;
}

/** `count` KRW creators named bench_c_<n>, each with its own user. */
export async function seedCreators(db: DB, count: number): Promise<BenchCreator[]> {
  await sql`
    with users as (
      insert into users (email, password_hash, display_name)
      select 'bench-creator-' || n || '@bench.test', 'x', 'Bench creator ' || n from generate_series(1, ${count}) as n
      returning id, display_name
    )
    insert into creators (user_id, handle, display_name, currency, payout_minimum)
    select id, 'bench_c_' || substring(display_name from 15), display_name, 'KRW', 10000 from users
  `.execute(db);
  // Each creator's ledger accounts, as becoming a creator makes them (ensureCreatorAccounts).
  await sql`
    insert into accounts (code, owner_type, owner_id, purpose, currency, caches_balance, allow_negative)
    select 'creator:' || c.id || ':' || p.purpose || ':KRW', 'creator', c.id, p.purpose, 'KRW', true, p.purpose <> 'in_transit'
      from creators c cross join (values ('pending'), ('available'), ('in_transit')) as p(purpose)
     where c.handle like 'bench_c_%'
  `.execute(db);
  return db.selectFrom("creators").select(["id", "handle"]).where("handle", "like", "bench_c_%").orderBy("id").execute();
}

/** Fans signed up through the API, each with an API token and a wallet topped up by the test-mode provider. */
export async function seedFans(baseUrl: string, count: number, walletAmount: number) {
  const api = apiClient(baseUrl);
  const fans: { id: number; token: string }[] = [];
  // A few at a time: each sign-up hashes a password with argon2id.
  for (let i = 0; i < count; i += 8) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(8, count - i) }, async () => {
        const fan = await api.signUp("Bench fan");
        for (let left = walletAmount; left > 0; left -= 2_000_000) await api.topUp(fan.token, Math.min(left, 2_000_000));
        return { id: fan.id, token: fan.token };
      }),
    );
    fans.push(...batch);
  }
  return fans;
}

/**
 * `count` pending ₩100 wallet tips spread evenly over `creators`, as if fans had sent them: the money moves from
 * provider clearing into tips in flight in one balanced ledger transaction, then the tip rows are appended.
 */
export async function seedPendingTips(db: DB, count: number, creators: BenchCreator[], label: string) {
  const amount = 100;
  await db.transaction().execute(async (trx) => {
    const clearing = await systemAccountId(trx, "clearing", "KRW");
    const inFlight = await systemAccountId(trx, "tips_in_flight", "KRW");
    await postTransaction(trx, {
      key: `bench:tips:${label}`,
      kind: "tip",
      entries: [
        { accountId: clearing, currency: "KRW", amount: -amount * count },
        { accountId: inFlight, currency: "KRW", amount: amount * count },
      ],
    });
  });
  const ids = creators.map((c) => c.id);
  // In chunks of 100,000 so one statement never holds the whole million in memory.
  for (let done = 0; done < count; done += 100_000) {
    const size = Math.min(100_000, count - done);
    await sql`
      insert into tips (id, fan_id, creator_id, amount, currency, source, status)
      select gen_random_uuid(), null, (${ids}::int[])[1 + ((${done}::int + n) % ${ids.length}::int)], ${amount}, 'KRW', 'wallet', 'pending'
        from generate_series(1, ${size}::int) as n
    `.execute(db);
  }
}

export async function countPendingTips(db: DB) {
  const row = await db.selectFrom("tips").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "pending").executeTakeFirstOrThrow();
  return Number(row.n);
}
