// The transparency log: sealing, proofs, chain verification and tamper detection, on a real Postgres.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { becomeCreator } from "../../app/models/creators.server";
import { createUser } from "../../app/models/users.server";
import { postTransactions, systemAccountId, ensureWalletAccount, type Posting } from "../../app/money/ledger.server";
import { rootFromPath } from "../../app/money/transparency";
import { getInclusionProof, publicTransactionId, sealBlocks, sha256, verifyChain } from "../../app/money/transparency.server";
import { createWalletTip } from "../../app/money/tips.server";
import { topUpWallet } from "../../app/money/payments.server";
import { TestmodePaymentProvider } from "../../app/money/testmode-provider.server";
import { apiClient } from "../support/api-client";
import { useTestDatabase } from "../support/database";
import { startWeb } from "../support/processes";

const t = await useTestDatabase();
const db = t.db;

/** Runs `change` with triggers off (the journal refuses changes otherwise), as an attacker with DB access would. */
async function tamper(change: string) {
  await db.connection().execute(async (conn) => {
    await sql`set session_replication_role = replica`.execute(conn);
    await sql.raw(change).execute(conn);
    await sql`set session_replication_role = origin`.execute(conn);
  });
}

let anonymousFan: Awaited<ReturnType<typeof createUser>>;
let namedTipId: string;
let anonymousTipId: string;

beforeAll(async () => {
  const provider = new TestmodePaymentProvider(db);
  anonymousFan = await createUser(db, { email: `shy-${randomUUID()}@example.test`, password: "correct horse battery", displayName: "비밀후원자" });
  const creatorUser = await createUser(db, { email: `c-${randomUUID()}@example.test`, password: "correct horse battery", displayName: "Creator" });
  const creator = await becomeCreator(db, { userId: creatorUser.id, handle: `tx_${randomUUID().slice(0, 8)}`, displayName: "투명 창작자", currency: "KRW" });
  await db.transaction().execute((trx) => topUpWallet(trx, provider, { userId: anonymousFan.id, amount: 2_000_000, currency: "KRW", card: "4242424242424242", providerKey: randomUUID() }));
  wallet = await ensureWalletAccount(db, anonymousFan.id, "KRW");
  clearing = await systemAccountId(db, "clearing", "KRW");
  otherWallet = await ensureWalletAccount(db, creatorUser.id, "KRW");
  namedTipId = (await db.transaction().execute((trx) => createWalletTip(trx, { fan: anonymousFan, creator, input: { amount: 1_000, currency: "KRW", message: "공개 팁" } }))).id;
  anonymousTipId = (await db.transaction().execute((trx) => createWalletTip(trx, { fan: anonymousFan, creator, input: { amount: 2_000, currency: "KRW", message: "익명 팁", anonymous: true } }))).id;

  // Thousands of transactions, posted in bulk: money from the provider's clearing account into the wallet.
  for (let batch = 0; batch < 3; batch++) {
    const postings: Posting[] = Array.from({ length: 1000 }, (_, i) => movement(`bulk:${batch}:${i}`, 100 + i));
    await db.transaction().execute((trx) => postTransactions(trx, postings));
  }
});

let wallet: number;
let clearing: number;
let otherWallet: number;
function movement(key: string, amount: number, to = wallet): Posting {
  return {
    key,
    kind: "topup",
    entries: [
      { accountId: clearing, currency: "KRW", amount: -amount },
      { accountId: to, currency: "KRW", amount },
    ],
  };
}

async function tipTransactionId(tipId: string) {
  return (await db.selectFrom("ledger_transactions").select("id").where("key", "=", `tip:${tipId}`).executeTakeFirstOrThrow()).id;
}

describe("sealing and verifying", () => {
  it("verifies an empty log, then seals thousands of transactions into signed blocks that verify", async () => {
    expect((await verifyChain(db)).ok).toBe(true);
    const started = performance.now();
    const sealed = await sealBlocks(db, { maxPerBlock: 500 });
    const sealMs = performance.now() - started;
    expect(sealed.transactions).toBeGreaterThanOrEqual(3002);
    expect(sealed.blocks).toBeGreaterThanOrEqual(7);
    const verifyStarted = performance.now();
    const result = await verifyChain(db);
    console.log(`transparency: sealed ${sealed.transactions} transactions in ${sealed.blocks} blocks in ${Math.round(sealMs)} ms; verified in ${Math.round(performance.now() - verifyStarted)} ms`);
    expect(result).toMatchObject({ ok: true, blocks: sealed.blocks, transactions: sealed.transactions });
    expect(await sealBlocks(db)).toEqual({ blocks: 0, transactions: 0 });
  });

  it("seals a transaction that commits after later ones were sealed", async () => {
    const before = await db.selectFrom("ledger_blocks").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    // A slow transaction takes its id first and commits after a later one was sealed.
    const slow = db.transaction().execute(async (trx) => {
      await postTransactions(trx, [movement(`late:${randomUUID()}`, 100)]);
      await new Promise((r) => setTimeout(r, 800));
    });
    await new Promise((r) => setTimeout(r, 200));
    // Another wallet, so it does not wait on the slow transaction's row lock.
    await db.transaction().execute((trx) => postTransactions(trx, [movement(`early:${randomUUID()}`, 100, otherWallet)]));
    const unsealed = await db.selectFrom("ledger_unsealed").select("transaction_id").execute();
    expect(unsealed).toHaveLength(1);
    expect((await sealBlocks(db)).transactions).toBe(1);
    await slow;
    expect((await sealBlocks(db)).transactions).toBe(1);
    const after = await db.selectFrom("ledger_blocks").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(after.n) - Number(before.n)).toBe(2);
    expect((await verifyChain(db)).ok).toBe(true);
  });

  it("gives an inclusion proof that leads to the signed root, and a forged one does not", async () => {
    const ref = publicTransactionId(await tipTransactionId(namedTipId));
    const proof = (await getInclusionProof(db, ref))!;
    expect(proof.transaction.ref).toBe(ref);
    expect(await rootFromPath(sha256, proof.leafHash, proof.leafIndex, proof.block.transactionCount, proof.auditPath)).toBe(proof.block.merkleRoot);
    const forged = [...proof.auditPath];
    forged[0] = forged[0].replace(/^./, (c) => (c === "0" ? "1" : "0"));
    expect(await rootFromPath(sha256, proof.leafHash, proof.leafIndex, proof.block.transactionCount, forged)).not.toBe(proof.block.merkleRoot);
    expect(await rootFromPath(sha256, proof.leafHash, proof.leafIndex + 1, proof.block.transactionCount, proof.auditPath)).not.toBe(proof.block.merkleRoot);
  });
});

describe("tampering is caught and located", () => {
  async function blockOf(transactionId: number) {
    return (await db.selectFrom("ledger_block_transactions").select("block_height").where("transaction_id", "=", transactionId).executeTakeFirstOrThrow()).block_height;
  }

  it("a changed amount", async () => {
    const txId = await tipTransactionId(namedTipId);
    const entry = await db.selectFrom("ledger_entries").select(["id", "amount"]).where("transaction_id", "=", txId).orderBy("id").executeTakeFirstOrThrow();
    await tamper(`update ledger_entries set amount = ${entry.amount - 1} where id = ${entry.id}`);
    const result = await verifyChain(db);
    await tamper(`update ledger_entries set amount = ${entry.amount} where id = ${entry.id}`);
    expect(result.ok).toBe(false);
    expect(result.firstBadBlock).toBe(await blockOf(txId));
    expect(result.problem).toMatch(/Merkle root/);
    expect((await verifyChain(db)).ok).toBe(true);
  });

  it("a deleted row", async () => {
    const txId = await tipTransactionId(anonymousTipId);
    const entry = await db.selectFrom("ledger_entries").selectAll().where("transaction_id", "=", txId).orderBy("id").executeTakeFirstOrThrow();
    await tamper(`delete from ledger_entries where id = ${entry.id}`);
    const result = await verifyChain(db);
    await tamper(`insert into ledger_entries (id, transaction_id, account_id, currency, amount) values (${entry.id}, ${entry.transaction_id}, ${entry.account_id}, '${entry.currency}', ${entry.amount})`);
    expect(result.ok).toBe(false);
    expect(result.firstBadBlock).toBe(await blockOf(txId));
    expect((await verifyChain(db)).ok).toBe(true);
  });

  it("reordered rows", async () => {
    const block = await db.selectFrom("ledger_blocks").select(["height"]).where("transaction_count", ">=", 2).orderBy("height", "desc").executeTakeFirstOrThrow();
    const [a, b] = await db.selectFrom("ledger_block_transactions").select(["transaction_id", "position"]).where("block_height", "=", block.height).orderBy("position").limit(2).execute();
    const swap = (x: number, y: number) =>
      tamper(`update ledger_block_transactions set position = -1 where transaction_id = ${a.transaction_id};
              update ledger_block_transactions set position = ${x} where transaction_id = ${b.transaction_id};
              update ledger_block_transactions set position = ${y} where transaction_id = ${a.transaction_id};`);
    await swap(a.position, b.position);
    const result = await verifyChain(db);
    await swap(b.position, a.position);
    expect(result.ok).toBe(false);
    expect(result.firstBadBlock).toBe(block.height);
    expect((await verifyChain(db)).ok).toBe(true);
  });

  it("a forged signature", async () => {
    const block = await db.selectFrom("ledger_blocks").select(["height", "signature"]).where("height", "=", 1).executeTakeFirstOrThrow();
    const forged = Buffer.from(block.signature, "base64");
    forged[0] ^= 0xff;
    await tamper(`update ledger_blocks set signature = '${forged.toString("base64")}' where height = 1`);
    const result = await verifyChain(db);
    await tamper(`update ledger_blocks set signature = '${block.signature}' where height = 1`);
    expect(result).toMatchObject({ ok: false, firstBadBlock: 1 });
    expect(result.problem).toMatch(/signature/);
  });
});

describe("public pages and API", () => {
  let web: Awaited<ReturnType<typeof startWeb>>;
  beforeAll(async () => {
    web = await startWeb(t.env);
  });
  afterAll(async () => {
    await web?.stop();
  });

  it("lists blocks and serves proofs and the public key without personal data or internal ids", async () => {
    const api = apiClient(web.url);
    const blocks = await api.request("GET", "/api/v1/transparency/blocks?limit=2");
    expect(blocks.status).toBe(200);
    expect(blocks.body.blocks.map((b: { height: number }) => b.height)).toEqual([0, 1]);
    expect(blocks.body.next).toBe("/api/v1/transparency/blocks?after=1&limit=2");
    const key = await api.request("GET", "/.well-known/sodam-ledger-key");
    expect(key.body).toMatchObject({ algorithm: "Ed25519" });

    const txId = await tipTransactionId(anonymousTipId);
    const proof = await api.request("GET", `/api/v1/transparency/proof/${publicTransactionId(txId)}`);
    expect(proof.status).toBe(200);
    expect((await api.request("GET", "/api/v1/transparency/proof/ptx_000000000000000000000000")).status).toBe(404);
    expect((await api.request("GET", "/api/v1/transparency/proof/1")).status).toBe(404);

    const wallet = await ensureWalletAccount(db, anonymousFan.id, "KRW");
    const pages = [
      JSON.stringify(proof.body),
      JSON.stringify(blocks.body),
      await (await fetch(`${web.url}/transparency`)).text(),
      await (await fetch(`${web.url}/receipts/${anonymousTipId}`)).text(),
    ];
    for (const text of pages) {
      expect(text).not.toContain(anonymousFan.email);
      expect(text).not.toContain("비밀후원자");
      expect(text).not.toContain(`tip:${anonymousTipId}`);
      expect(text).not.toMatch(new RegExp(`"(id|transactionId|accountId|account_id)":${txId}\\b`));
      expect(text).not.toContain(`fan:${anonymousFan.id}:wallet`);
      expect(text).not.toMatch(new RegExp(`"account":"?${wallet}"?[,}]`));
    }
    // The anonymous tip's receipt shows its ledger record but not who sent it.
    expect(pages[3]).toContain(publicTransactionId(txId));
  });
});
