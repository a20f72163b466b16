// Small secrets kept at rest encrypted (TOTP seeds): AES-256-GCM with a key derived from SESSION_SECRET by HKDF,
// so a database dump alone does not give away anyone's second factor.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { getEnv } from "./env.server";

function key(purpose: string) {
  return Buffer.from(hkdfSync("sha256", getEnv().SESSION_SECRET, "sodam-secret-box", purpose, 32));
}

/** `v1.<iv>.<ciphertext>.<tag>` in base64url; `purpose` binds the text to its use (it is the HKDF info). */
export function seal(plaintext: string, purpose: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(purpose), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), body.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
}

export function open(sealed: string, purpose: string): string {
  const [version, iv, body, tag] = sealed.split(".");
  if (version !== "v1" || !iv || !body || !tag) throw new Error("not a sealed secret");
  const decipher = createDecipheriv("aes-256-gcm", key(purpose), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}
