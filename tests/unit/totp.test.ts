// TOTP against RFC 6238's test vectors (Appendix B: SHA-1, SHA-256 and SHA-512, 8 digits) and base32 against
// RFC 4648's; the verification window is the current step ±1.
import { describe, expect, it } from "vitest";
import { base32Decode, base32Encode, generateTotpSecret, hotp, otpauthUri, totp, totpStep, verifyTotp } from "../../app/utils/totp.server";

const seeds = {
  sha1: base32Encode(Buffer.from("12345678901234567890")),
  sha256: base32Encode(Buffer.from("12345678901234567890123456789012")),
  sha512: base32Encode(Buffer.from("1234567890123456789012345678901234567890123456789012345678901234")),
};

const VECTORS: [number, string, string, string][] = [
  // time (s), SHA-1, SHA-256, SHA-512
  [59, "94287082", "46119246", "90693936"],
  [1111111109, "07081804", "68084774", "25091201"],
  [1111111111, "14050471", "67062674", "99943326"],
  [1234567890, "89005924", "91819424", "93441116"],
  [2000000000, "69279037", "90698825", "38618901"],
  [20000000000, "65353130", "77737706", "47863826"],
];

describe("TOTP (RFC 6238)", () => {
  for (const [time, sha1, sha256, sha512] of VECTORS) {
    it(`matches the RFC 6238 vectors at T = ${time}`, () => {
      expect(totp(seeds.sha1, time * 1000, { digits: 8 })).toBe(sha1);
      expect(totp(seeds.sha256, time * 1000, { digits: 8, algorithm: "sha256" })).toBe(sha256);
      expect(totp(seeds.sha512, time * 1000, { digits: 8, algorithm: "sha512" })).toBe(sha512);
    });
  }

  it("matches RFC 4226's HOTP values (6 digits) for counters 0 to 9", () => {
    const key = Buffer.from("12345678901234567890");
    const expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
    expect(expected.map((_, counter) => hotp(key, counter))).toEqual(expected);
  });

  it("accepts the previous, current and next 30-second step and says which matched; refuses two steps away", () => {
    const secret = generateTotpSecret();
    const now = Date.UTC(2030, 0, 1, 12, 0, 15);
    const step = totpStep(now);
    expect(verifyTotp(secret, totp(secret, now), now)).toBe(step);
    expect(verifyTotp(secret, totp(secret, now - 30_000), now)).toBe(step - 1);
    expect(verifyTotp(secret, totp(secret, now + 30_000), now)).toBe(step + 1);
    expect(verifyTotp(secret, totp(secret, now - 60_000), now)).toBeNull();
    expect(verifyTotp(secret, totp(secret, now + 60_000), now)).toBeNull();
    expect(verifyTotp(secret, "12345", now)).toBeNull();
    expect(verifyTotp(secret, "abcdef", now)).toBeNull();
  });

  it("makes 160-bit base32 secrets and an otpauth:// URI apps read", () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
    expect(otpauthUri(secret, "fan@sodam.test")).toBe(
      `otpauth://totp/Sodam%3Afan%40sodam.test?secret=${secret}&issuer=Sodam&algorithm=SHA1&digits=6&period=30`,
    );
  });
});

describe("base32 (RFC 4648, unpadded)", () => {
  const cases: [string, string][] = [["", ""], ["f", "MY"], ["fo", "MZXQ"], ["foo", "MZXW6"], ["foob", "MZXW6YQ"], ["fooba", "MZXW6YTB"], ["foobar", "MZXW6YTBOI"]];
  for (const [text, encoded] of cases) {
    it(`"${text}" ↔ "${encoded}"`, () => {
      expect(base32Encode(Buffer.from(text))).toBe(encoded);
      expect(base32Decode(`${encoded.toLowerCase()}==`).toString()).toBe(text);
    });
  }
  it("refuses characters outside the alphabet", () => {
    expect(() => base32Decode("MZ1W")).toThrow(/not base32/);
  });
});
