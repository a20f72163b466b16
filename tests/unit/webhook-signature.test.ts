// The webhook signature recipe as the README documents it for receivers: the README's verification function,
// copied here verbatim, accepts what Sodam signs and refuses a changed body, another secret or an old timestamp.
import { createHmac, timingSafeEqual } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyWebhookSignature, webhookSignature } from "../../app/utils/webhook-signature";

// ---- from README.md, "Verifying a webhook" ----
function verifySodamSignature(secret: string, header: string, rawBody: string, toleranceSeconds = 300) {
  const parts = Object.fromEntries(header.split(",").map((part) => part.split("=", 2)));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(parts.v1 ?? "", "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
// ---- end of the README's example ----

const secret = "whsec_test_9f8e7d6c5b4a";
const body = JSON.stringify({ id: "tip.created:7b1c", type: "tip.created", created: "2030-05-14T03:00:00.000Z", data: { amount: 3000, message: "응원해요" } });
const now = () => Math.floor(Date.now() / 1000);

describe("webhook signatures", () => {
  it("is HMAC-SHA256 over `${timestamp}.${body}`, sent as t=…,v1=…", () => {
    const header = webhookSignature(secret, 1_900_000_000, body);
    const v1 = createHmac("sha256", secret).update(`1900000000.${body}`).digest("hex");
    expect(header).toBe(`t=1900000000,v1=${v1}`);
  });

  it("verifies with the documented recipe", () => {
    const header = webhookSignature(secret, now(), body);
    expect(verifySodamSignature(secret, header, body)).toBe(true);
    expect(verifyWebhookSignature({ secret, header, body })).toBe(true);
  });

  it("fails when the body is changed, by even one character", () => {
    const header = webhookSignature(secret, now(), body);
    const changed = body.replace("3000", "3001");
    expect(verifySodamSignature(secret, header, changed)).toBe(false);
    expect(verifyWebhookSignature({ secret, header, body: changed })).toBe(false);
    expect(verifySodamSignature(secret, header, `${body} `)).toBe(false);
  });

  it("fails with another secret, an old or tampered timestamp, or a mangled header", () => {
    const header = webhookSignature(secret, now(), body);
    expect(verifySodamSignature("whsec_other", header, body)).toBe(false);
    const old = webhookSignature(secret, now() - 301, body);
    expect(verifySodamSignature(secret, old, body)).toBe(false);
    expect(verifyWebhookSignature({ secret, header: old, body })).toBe(false);
    const retimed = header.replace(/^t=(\d+)/, (_, t) => `t=${Number(t) + 1}`);
    expect(verifySodamSignature(secret, retimed, body)).toBe(false);
    expect(verifySodamSignature(secret, "v1=abc", body)).toBe(false);
    expect(verifyWebhookSignature({ secret, header: null, body })).toBe(false);
  });
});
