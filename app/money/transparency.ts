// The transparency log's format, shared by the server (sealing, verifying) and the browser (the receipt page's
// "verify in your browser"). Hashes follow RFC 6962: leaf = SHA-256(0x00 ‖ data), node = SHA-256(0x01 ‖ l ‖ r),
// the tree split at the largest power of two below its size. Everything is hex strings on the wire.

import { canonicalJson } from "../utils/canonical-json";

export type Sha256 = (data: Uint8Array) => Promise<Uint8Array>;

/** What the public sees of one ledger transaction: no names, no internal ids. */
export interface PublicTransaction {
  ref: string;
  kind: string;
  occurredAt: string;
  entries: { account: string; currency: string; amount: number }[];
}

export interface BlockHeader {
  height: number;
  prevHash: string;
  merkleRoot: string;
  transactionCount: number;
  sealedAt: string;
}

export const GENESIS_PREV_HASH = "0".repeat(64);

const encoder = new TextEncoder();

export function toHex(bytes: Uint8Array) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function fromHex(hex: string) {
  if (!/^([0-9a-f]{2})*$/.test(hex)) throw new Error("not a hex string");
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function concat(...parts: Uint8Array[]) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export async function leafHash(sha256: Sha256, tx: PublicTransaction): Promise<string> {
  return toHex(await sha256(concat(new Uint8Array([0]), encoder.encode(canonicalJson(tx, { integersOnly: true })))));
}

async function nodeHash(sha256: Sha256, left: string, right: string) {
  return toHex(await sha256(concat(new Uint8Array([1]), fromHex(left), fromHex(right))));
}

function splitPoint(n: number) {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Merkle tree hash of leaf hashes (RFC 6962 MTH). */
export async function merkleRoot(sha256: Sha256, leaves: string[]): Promise<string> {
  if (leaves.length === 0) throw new Error("a block holds at least one transaction");
  if (leaves.length === 1) return leaves[0];
  const k = splitPoint(leaves.length);
  return nodeHash(sha256, await merkleRoot(sha256, leaves.slice(0, k)), await merkleRoot(sha256, leaves.slice(k)));
}

/** The audit path of leaf `index` (sibling hashes, bottom up), proving its inclusion under the root. */
export async function auditPath(sha256: Sha256, leaves: string[], index: number): Promise<string[]> {
  if (leaves.length <= 1) return [];
  const k = splitPoint(leaves.length);
  if (index < k) return [...(await auditPath(sha256, leaves.slice(0, k), index)), await merkleRoot(sha256, leaves.slice(k))];
  return [...(await auditPath(sha256, leaves.slice(k), index - k)), await merkleRoot(sha256, leaves.slice(0, k))];
}

/** Recomputes the root from a leaf, its index, the tree size and its audit path (RFC 6962 §2.1.1). */
export async function rootFromPath(sha256: Sha256, leaf: string, index: number, size: number, path: string[]): Promise<string | null> {
  if (index < 0 || index >= size) return null;
  async function walk(lo: number, n: number, i: number, remaining: string[]): Promise<string | null> {
    if (n === 1) return remaining.length === 0 ? leaf : null;
    if (remaining.length === 0) return null;
    const k = splitPoint(n);
    const sibling = remaining[remaining.length - 1];
    const rest = remaining.slice(0, -1);
    if (i < k) {
      const left = await walk(lo, k, i, rest);
      return left === null ? null : nodeHash(sha256, left, sibling);
    }
    const right = await walk(lo + k, n - k, i - k, rest);
    return right === null ? null : nodeHash(sha256, sibling, right);
  }
  return walk(0, size, index, path);
}

export async function blockHash(sha256: Sha256, header: BlockHeader): Promise<string> {
  return toHex(await sha256(encoder.encode(canonicalJson(header, { integersOnly: true }))));
}
