// Korean withholding on payouts: 3 % income tax and 10 % of it as local income tax, each truncated below ₩10.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { koreanWithholding, payoutWithholding } from "../../app/money/withholding";

describe("koreanWithholding", () => {
  // payout → [income tax, local income tax, net paid], worked out by hand from the rule.
  const table: [number, number, number, number][] = [
    [0, 0, 0, 0],
    [100, 0, 0, 100], // ₩3 of income tax truncates to ₩0
    [333, 0, 0, 333], // 9.99
    [334, 10, 0, 324], // 10.02 → ₩10; local ₩1 → ₩0
    [3_333, 90, 0, 3_243], // 99.99 → ₩90; local ₩9 → ₩0
    [3_334, 100, 10, 3_224], // 100.02 → ₩100; local exactly ₩10
    [10_000, 300, 30, 9_670],
    [12_345, 370, 30, 11_945], // 370.35 → ₩370; local 37 → ₩30
    [19_000, 570, 50, 18_380], // local 57 → ₩50
    [33_333, 990, 90, 32_253], // 999.99 → ₩990; local 99 → ₩90
    [33_334, 1_000, 100, 32_234], // 1,000.02 → ₩1,000: no small-amount exemption below ₩1,000 either
    [99_999, 2_990, 290, 96_719], // 2,999.97 → ₩2,990; local 299 → ₩290
    [100_000, 3_000, 300, 96_700], // the textbook 3.3 %
    [1_234_567, 37_030, 3_700, 1_193_837], // 37,037.01 → ₩37,030; local 3,703 → ₩3,700
    [9_007_199_254_740_991, 270_215_977_642_220, 27_021_597_764_220, 8_709_961_679_334_551], // the largest safe payout
  ];

  it.each(table)("withholds from a payout of ₩%i: income tax ₩%i, local income tax ₩%i, net ₩%i", (payout, incomeTax, localTax, net) => {
    const withheld = koreanWithholding(payout);
    expect(withheld).toEqual({ incomeTax, localTax, total: incomeTax + localTax });
    expect(payout - withheld.total).toBe(net);
  });

  it("keeps both taxes whole multiples of ₩10, never above 3 % and 10 % of it, and each less than ₩10 short of them", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (payout) => {
        const { incomeTax, localTax, total } = koreanWithholding(payout);
        const exactIncome = (BigInt(payout) * 3n) / 100n; // floor of 3 %
        expect(incomeTax % 10).toBe(0);
        expect(localTax % 10).toBe(0);
        expect(BigInt(incomeTax) <= exactIncome && exactIncome - BigInt(incomeTax) < 10n).toBe(true);
        expect(localTax * 10 <= incomeTax && incomeTax / 10 - localTax < 10).toBe(true);
        expect(total).toBe(incomeTax + localTax);
        expect(total < payout || payout === 0).toBe(true);
      }),
    );
  });

  it("refuses amounts that are not whole non-negative won", () => {
    expect(() => koreanWithholding(-1)).toThrow(RangeError);
    expect(() => koreanWithholding(10.5)).toThrow(RangeError);
    expect(() => koreanWithholding(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
  });
});

describe("payoutWithholding", () => {
  it("withholds only from individuals paid in KRW", () => {
    expect(payoutWithholding({ amount: 100_000, currency: "KRW", taxStatus: "individual" })).toEqual({ incomeTax: 3_000, localTax: 300, total: 3_300 });
    expect(payoutWithholding({ amount: 100_000, currency: "KRW", taxStatus: "business" })).toEqual({ incomeTax: 0, localTax: 0, total: 0 });
    expect(payoutWithholding({ amount: 100_000, currency: "USD", taxStatus: "individual" })).toEqual({ incomeTax: 0, localTax: 0, total: 0 });
  });
});
