// Sealing the ledger into the public transparency log, serving proofs, and verifying the whole chain.
// Block heads are signed with Ed25519; account ids appear only as keyed hashes, and a fan's wallet is hashed
// together with the transaction so that one fan's tips cannot be linked to each other (anonymous stays anonymous).
import { createHash, createHmac, createPrivateKey, createPublicKey, hkdfSync, sign, verify, type KeyObject } from "node:crypto";
import { sql } from "kysely";
import type { DB } from "../../db/client";
import { getEnv } from "../utils/env.server";
import {
  GENESIS_PREV_HASH,
  auditPath,
  blockHash,
  leafHash,
  merkleRoot,
  type BlockHeader,
  type PublicTransaction,
  type Sha256,
} from "./transparency";

export const sha256: Sha256 = async (data) => new Uint8Array(createHash("sha256").update(data).digest());

// PKCS#8 prefix of an Ed25519 private key; the 32-byte seed follows.
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

interface LedgerKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyRaw: Buffer;
  keyId: string;
  hashKey: Buffer;
}

let keys: LedgerKeys | undefined;

/**
 * The signing key comes from LEDGER_SIGNING_KEY (base64 of a 32-byte Ed25519 seed); without it, outside production,
 * it is derived from SESSION_SECRET so that a development database verifies across restarts.
 */
export function ledgerKeys(): LedgerKeys {
  if (keys) return keys;
  const env = getEnv();
  let seed: Buffer;
  if (env.LEDGER_SIGNING_KEY) {
    seed = Buffer.from(env.LEDGER_SIGNING_KEY, "base64");
    if (seed.length !== 32) throw new Error("LEDGER_SIGNING_KEY must be the base64 of a 32-byte Ed25519 seed");
  } else {
    if (env.NODE_ENV === "production") throw new Error("LEDGER_SIGNING_KEY is required in production");
    seed = Buffer.from(hkdfSync("sha256", env.SESSION_SECRET, "sodam", "ledger-signing-key", 32));
  }
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
  const publicKey = createPublicKey(privateKey);
  const publicKeyRaw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  keys = {
    privateKey,
    publicKey,
    publicKeyRaw,
    keyId: createHash("sha256").update(publicKeyRaw).digest("hex").slice(0, 16),
    hashKey: Buffer.from(hkdfSync("sha256", seed, "sodam", "ledger-account-hash", 32)),
  };
  return keys;
}

export function publicKeyDocument() {
  const k = ledgerKeys();
  return { algorithm: "Ed25519", keyId: k.keyId, publicKey: k.publicKeyRaw.toString("base64"), hash: "SHA-256", merkle: "RFC 6962" };
}

function keyedHash(...parts: (string | number)[]) {
  return createHmac("sha256", ledgerKeys().hashKey).update(parts.join(":")).digest("hex");
}

export function publicTransactionId(transactionId: number) {
  return `ptx_${keyedHash("tx", transactionId).slice(0, 24)}`;
}

interface TransactionRow {
  id: number;
  kind: string;
  occurred_at: Date;
  entries: { account_id: number; purpose: string; currency: string; amount: number }[];
}

/** The public form of a ledger transaction as it is in the database now. */
function toPublic(row: TransactionRow): PublicTransaction {
  return {
    ref: publicTransactionId(row.id),
    kind: row.kind,
    occurredAt: row.occurred_at.toISOString(),
    entries: row.entries
      .map((e) => ({
        account: e.purpose === "wallet" ? keyedHash("wallet", e.account_id, "tx", row.id) : keyedHash("account", e.account_id),
        currency: e.currency,
        amount: Number(e.amount),
      }))
      .sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : a.amount - b.amount)),
  };
}

async function loadTransactions(db: DB, ids: number[]): Promise<Map<number, TransactionRow>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql<TransactionRow>`
    select t.id, t.kind, t.occurred_at,
           coalesce(json_agg(json_build_object('account_id', e.account_id, 'purpose', a.purpose, 'currency', e.currency,
                                               'amount', e.amount) order by e.id)
                    filter (where e.id is not null), '[]') as entries
      from ledger_transactions t
      left join ledger_entries e on e.transaction_id = t.id
      left join accounts a on a.id = e.account_id
     where t.id = any(${ids}::bigint[])
     group by t.id`.execute(db);
  return new Map(rows.map((r) => [Number(r.id), { ...r, id: Number(r.id) }]));
}

/**
 * Seals queued ledger transactions into blocks of at most `maxPerBlock`, until none are left. One sealer at a
 * time (an advisory lock), so the chain never forks; a crash rolls back the block being written.
 */
export async function sealBlocks(db: DB, options: { maxPerBlock?: number; maxBlocks?: number } = {}) {
  const maxPerBlock = options.maxPerBlock ?? 1000;
  let sealed = 0;
  let blocks = 0;
  for (let i = 0; i < (options.maxBlocks ?? Infinity); i++) {
    const count = await db.transaction().execute(async (trx) => {
      const { rows: lock } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtext('sodam:ledger-sealer')) as locked`.execute(trx);
      if (!lock[0].locked) return 0;
      const queued = await trx.selectFrom("ledger_unsealed").select("transaction_id").orderBy("transaction_id").limit(maxPerBlock).execute();
      if (queued.length === 0) return 0;
      const ids = queued.map((q) => q.transaction_id);
      const transactions = await loadTransactions(trx, ids);
      const leaves: string[] = [];
      for (const id of ids) leaves.push(await leafHash(sha256, toPublic(transactions.get(id)!)));
      const previous = await trx.selectFrom("ledger_blocks").select(["height", "hash"]).orderBy("height", "desc").limit(1).executeTakeFirst();
      const header: BlockHeader = {
        height: previous ? previous.height + 1 : 0,
        prevHash: previous?.hash ?? GENESIS_PREV_HASH,
        merkleRoot: await merkleRoot(sha256, leaves),
        transactionCount: ids.length,
        sealedAt: new Date().toISOString(),
      };
      const hash = await blockHash(sha256, header);
      const k = ledgerKeys();
      await trx
        .insertInto("ledger_blocks")
        .values({
          height: header.height,
          prev_hash: header.prevHash,
          merkle_root: header.merkleRoot,
          transaction_count: header.transactionCount,
          sealed_at: new Date(header.sealedAt),
          hash,
          signature: sign(null, Buffer.from(hash, "hex"), k.privateKey).toString("base64"),
          key_id: k.keyId,
        })
        .execute();
      await sql`
        insert into ledger_block_transactions (transaction_id, block_height, position, public_id)
        select * from unnest(${ids}::bigint[], ${ids.map(() => header.height)}::bigint[],
                             ${ids.map((_, p) => p)}::int[], ${ids.map((id) => publicTransactionId(id))}::text[])`.execute(trx);
      await trx.deleteFrom("ledger_unsealed").where("transaction_id", "in", ids).execute();
      return ids.length;
    });
    if (count === 0) break;
    sealed += count;
    blocks++;
  }
  return { blocks, transactions: sealed };
}

function toBlock(row: { height: number; prev_hash: string; merkle_root: string; transaction_count: number; sealed_at: Date; hash: string; signature: string; key_id: string }) {
  return {
    height: row.height,
    prevHash: row.prev_hash,
    merkleRoot: row.merkle_root,
    transactionCount: row.transaction_count,
    sealedAt: row.sealed_at.toISOString(),
    hash: row.hash,
    signature: row.signature,
    keyId: row.key_id,
  };
}

export type PublicBlock = ReturnType<typeof toBlock>;

export async function listBlocks(db: DB, args: { after?: number; limit: number; newestFirst?: boolean }) {
  let q = db.selectFrom("ledger_blocks").selectAll().limit(args.limit);
  if (args.after !== undefined) q = q.where("height", ">", args.after);
  q = args.newestFirst ? q.orderBy("height", "desc") : q.orderBy("height", "asc");
  return (await q.execute()).map(toBlock);
}

/** The inclusion proof of a transaction by its public reference; null when unknown or not sealed yet. */
export async function getInclusionProof(db: DB, publicId: string) {
  const placed = await db.selectFrom("ledger_block_transactions").selectAll().where("public_id", "=", publicId).executeTakeFirst();
  if (!placed) return null;
  const block = await db.selectFrom("ledger_blocks").selectAll().where("height", "=", placed.block_height).executeTakeFirstOrThrow();
  const members = await db
    .selectFrom("ledger_block_transactions")
    .select("transaction_id")
    .where("block_height", "=", placed.block_height)
    .orderBy("position")
    .execute();
  const transactions = await loadTransactions(db, members.map((m) => m.transaction_id));
  const leaves: string[] = [];
  for (const m of members) leaves.push(await leafHash(sha256, toPublic(transactions.get(m.transaction_id)!)));
  return {
    transaction: toPublic(transactions.get(placed.transaction_id)!),
    leafIndex: placed.position,
    leafHash: leaves[placed.position],
    auditPath: await auditPath(sha256, leaves, placed.position),
    block: toBlock(block),
    publicKey: publicKeyDocument(),
  };
}

export interface ChainVerification {
  ok: boolean;
  blocks: number;
  transactions: number;
  firstBadBlock: number | null;
  problem: string | null;
}

/** Recomputes every block from the ledger as it is now: leaves, Merkle roots, hashes, chain links, signatures. */
export async function verifyChain(db: DB, options: { batch?: number } = {}): Promise<ChainVerification> {
  const k = ledgerKeys();
  let prevHash = GENESIS_PREV_HASH;
  let expectedHeight = 0;
  let transactions = 0;
  const fail = (height: number, problem: string): ChainVerification => ({ ok: false, blocks: expectedHeight, transactions, firstBadBlock: height, problem });
  for (;;) {
    const blocks = await db.selectFrom("ledger_blocks").selectAll().where("height", ">=", expectedHeight).orderBy("height").limit(options.batch ?? 200).execute();
    if (blocks.length === 0) break;
    for (const block of blocks) {
      if (block.height !== expectedHeight) return fail(expectedHeight, `block ${expectedHeight} is missing`);
      const members = await db
        .selectFrom("ledger_block_transactions")
        .select(["transaction_id", "position"])
        .where("block_height", "=", block.height)
        .orderBy("position")
        .execute();
      if (members.length !== block.transaction_count || members.some((m, i) => m.position !== i)) {
        return fail(block.height, `block ${block.height} should hold ${block.transaction_count} transactions in positions 0..n-1`);
      }
      const rows = await loadTransactions(db, members.map((m) => m.transaction_id));
      const leaves: string[] = [];
      for (const m of members) {
        const row = rows.get(m.transaction_id);
        if (!row || row.entries.length === 0) return fail(block.height, `transaction at position ${m.position} of block ${block.height} is gone`);
        leaves.push(await leafHash(sha256, toPublic(row)));
      }
      const header: BlockHeader = {
        height: block.height,
        prevHash: block.prev_hash,
        merkleRoot: block.merkle_root,
        transactionCount: block.transaction_count,
        sealedAt: block.sealed_at.toISOString(),
      };
      if (block.prev_hash !== prevHash) return fail(block.height, `block ${block.height} does not link to the previous block's hash`);
      if ((await merkleRoot(sha256, leaves)) !== block.merkle_root) {
        return fail(block.height, `block ${block.height}: its transactions no longer hash to the sealed Merkle root`);
      }
      if ((await blockHash(sha256, header)) !== block.hash) return fail(block.height, `block ${block.height}: the header does not hash to the sealed hash`);
      if (block.key_id !== k.keyId || !verify(null, Buffer.from(block.hash, "hex"), k.publicKey, Buffer.from(block.signature, "base64"))) {
        return fail(block.height, `block ${block.height}: the signature does not verify with key ${k.keyId}`);
      }
      prevHash = block.hash;
      expectedHeight++;
      transactions += members.length;
    }
  }
  return { ok: true, blocks: expectedHeight, transactions, firstBadBlock: null, problem: null };
}

/** Totals per currency for the public page: tipped, platform fees, paid out. */
export async function transparencyTotals(db: DB) {
  const { rows } = await sql<{ currency: string; tipped: number; fees: number; paid_out: number }>`
    select c.currency,
      coalesce((select sum(amount) from tips where currency = c.currency and status <> 'refunded'), 0)::bigint as tipped,
      coalesce((select sum(e.amount) from ledger_entries e join accounts a on a.id = e.account_id
                 where a.purpose = 'fees' and a.currency = c.currency), 0)::bigint as fees,
      coalesce((select sum(amount) from payouts where currency = c.currency and status = 'paid'), 0)::bigint as paid_out
    from (values ('KRW'), ('USD')) as c(currency)`.execute(db);
  return rows.map((r) => ({ currency: r.currency, tipped: Number(r.tipped), fees: Number(r.fees), paidOut: Number(r.paid_out) }));
}

/** A tip's place in the log for its receipt: its public reference and, once sealed, its block. */
export async function getTipLedgerRecord(db: DB, tipId: string) {
  const tx = await db
    .selectFrom("ledger_transactions as t")
    .leftJoin("ledger_block_transactions as b", "b.transaction_id", "t.id")
    .leftJoin("ledger_blocks as k", "k.height", "b.block_height")
    .select(["t.id", "k.height", "k.hash"])
    .where("t.key", "=", `tip:${tipId}`)
    .executeTakeFirst();
  if (!tx) return null;
  return { ref: publicTransactionId(tx.id), sealedIn: tx.height !== null && tx.hash !== null ? { height: tx.height, hash: tx.hash } : null };
}
