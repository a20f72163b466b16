// The receipt's ledger record: the tip's public reference, its block once sealed, and a button that verifies
// the inclusion proof and the block signature in the browser, trusting nothing the server computed.
import { useState } from "react";
import { blockHash, fromHex, leafHash, rootFromPath, type PublicTransaction, type Sha256 } from "~/money/transparency";
import { useT } from "~/utils/i18n";

export interface LedgerRecord {
  ref: string;
  sealedIn: { height: number; hash: string } | null;
}

interface ProofResponse {
  transaction: PublicTransaction;
  leafIndex: number;
  leafHash: string;
  auditPath: string[];
  block: { height: number; prevHash: string; merkleRoot: string; transactionCount: number; sealedAt: string; hash: string; signature: string; keyId: string };
}

const webSha256: Sha256 = async (data) => new Uint8Array(await crypto.subtle.digest("SHA-256", data as BufferSource));

/** Verifies a proof against the published key; returns null when it holds, else the reason. */
export async function verifyProof(ref: string, proof: ProofResponse, key: { keyId: string; publicKey: string }): Promise<string | null> {
  if (proof.transaction.ref !== ref) return "the proof is for another transaction";
  const leaf = await leafHash(webSha256, proof.transaction);
  if (leaf !== proof.leafHash) return "the transaction does not hash to its leaf";
  const root = await rootFromPath(webSha256, leaf, proof.leafIndex, proof.block.transactionCount, proof.auditPath);
  if (root !== proof.block.merkleRoot) return "the Merkle path does not lead to the block's root";
  const { hash, signature, keyId, ...rest } = proof.block;
  const header = { height: rest.height, prevHash: rest.prevHash, merkleRoot: rest.merkleRoot, transactionCount: rest.transactionCount, sealedAt: rest.sealedAt };
  if ((await blockHash(webSha256, header)) !== hash) return "the block header does not hash to the block's hash";
  if (keyId !== key.keyId) return "the block was signed with an unknown key";
  const publicKey = await crypto.subtle.importKey("raw", Uint8Array.from(atob(key.publicKey), (c) => c.charCodeAt(0)), { name: "Ed25519" }, false, ["verify"]);
  const signatureBytes = Uint8Array.from(atob(signature), (c) => c.charCodeAt(0));
  const ok = await crypto.subtle.verify({ name: "Ed25519" }, publicKey, signatureBytes, fromHex(hash) as BufferSource);
  return ok ? null : "the block signature does not verify";
}

export function LedgerProof({ record }: { record: LedgerRecord }) {
  const t = useT();
  const [state, setState] = useState<{ kind: "idle" | "busy" } | { kind: "ok"; height: number } | { kind: "failed"; reason: string }>({ kind: "idle" });

  async function onVerify() {
    setState({ kind: "busy" });
    try {
      const [proofResponse, keyResponse] = await Promise.all([
        fetch(`/api/v1/transparency/proof/${encodeURIComponent(record.ref)}`),
        fetch("/.well-known/sodam-ledger-key"),
      ]);
      if (!proofResponse.ok) return setState({ kind: "failed", reason: `proof unavailable (${proofResponse.status})` });
      const proof = (await proofResponse.json()) as ProofResponse;
      const reason = await verifyProof(record.ref, proof, await keyResponse.json());
      setState(reason ? { kind: "failed", reason } : { kind: "ok", height: proof.block.height });
    } catch (error) {
      setState({ kind: "failed", reason: (error as Error).message });
    }
  }

  return (
    <section className="ledger-proof" aria-labelledby="ledger-proof-heading">
      <h2 id="ledger-proof-heading">{t("receipt.ledger")}</h2>
      <dl>
        <dt>{t("receipt.ref")}</dt>
        <dd>
          <code>{record.ref}</code>
        </dd>
        {record.sealedIn ? (
          <>
            <dt>{t("receipt.block")}</dt>
            <dd>
              #{record.sealedIn.height} <code className="hash">{record.sealedIn.hash.slice(0, 16)}…</code>
            </dd>
          </>
        ) : null}
      </dl>
      {record.sealedIn ? (
        <>
          <p className="field__hint">{t("receipt.verifyHelp")}</p>
          <button type="button" className="button" onClick={onVerify} disabled={state.kind === "busy"}>
            {state.kind === "busy" ? t("receipt.verifying") : t("receipt.verify")}
          </button>
          <p role="status" className={`ledger-proof__result ledger-proof__result--${state.kind}`} data-testid="proof-result">
            {state.kind === "ok" ? t("receipt.verified", { height: state.height }) : null}
            {state.kind === "failed" ? t("receipt.failed", { reason: state.reason }) : null}
          </p>
        </>
      ) : (
        <p>{t("receipt.notSealed")}</p>
      )}
    </section>
  );
}
