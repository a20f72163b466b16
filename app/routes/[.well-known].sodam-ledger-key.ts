import { publicKeyDocument } from "~/money/transparency.server";

/** The Ed25519 public key that signs the transparency log's block heads. */
export function loader() {
  return new Response(JSON.stringify(publicKeyDocument()), {
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*" },
  });
}
