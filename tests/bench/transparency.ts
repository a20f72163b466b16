// Seals and verifies N ledger transactions (default 100,000) in a scratch database and prints how long each took.
//   npx tsx tests/bench/transparency.ts [count]
import { randomBytes } from "node:crypto";
import { createDb, dropDatabase, ensureDatabase } from "../../db/client";
import { migrateToLatest } from "../../db/migrator";
import { ensureWalletAccount, postTransactions, systemAccountId, type Posting } from "../../app/money/ledger.server";
import { sealBlocks, verifyChain } from "../../app/money/transparency.server";

const count = Number(process.argv[2] ?? 100_000);
const url = `postgres://postgres@127.0.0.1:5432/sodam_bench_tx_${randomBytes(3).toString("hex")}`;
await ensureDatabase(url);
const db = createDb(url, 4);
try {
  await migrateToLatest(db);
  const user = await db.insertInto("users").values({ email: "bench@example.test", password_hash: "x", display_name: "Bench" }).returning("id").executeTakeFirstOrThrow();
  const wallet = await ensureWalletAccount(db, user.id, "KRW");
  const clearing = await systemAccountId(db, "clearing", "KRW");
  let t0 = performance.now();
  for (let done = 0; done < count; done += 2000) {
    const postings: Posting[] = Array.from({ length: Math.min(2000, count - done) }, (_, i) => ({
      key: `bench:${done + i}`,
      kind: "topup",
      entries: [
        { accountId: clearing, currency: "KRW", amount: -(1000 + i) },
        { accountId: wallet, currency: "KRW", amount: 1000 + i },
      ],
    }));
    await db.transaction().execute((trx) => postTransactions(trx, postings));
  }
  console.log(`posted ${count} transactions in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  t0 = performance.now();
  const sealed = await sealBlocks(db, { maxPerBlock: 1000 });
  console.log(`sealed ${sealed.transactions} transactions into ${sealed.blocks} blocks in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  t0 = performance.now();
  const verified = await verifyChain(db);
  console.log(`verified ${verified.transactions} transactions in ${verified.blocks} blocks in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${verified.ok ? "OK" : verified.problem}`);
} finally {
  await db.destroy();
  await dropDatabase(url);
}
