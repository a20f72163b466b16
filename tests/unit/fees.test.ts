// Pure money arithmetic: the platform fee, payout periods, how money is shown, and the balance check every
// posting goes through. (The fee on a settlement's aggregate is proven end to end in settlement.test.ts.)
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatMoney } from "../../app/money/currency";
import { platformFee, splitGross } from "../../app/money/fees";
import { assertBalanced, type Entry } from "../../app/money/ledger.server";
import { payoutPeriod, requestPeriod } from "../../app/money/payouts.server";

const MAX = Number.MAX_SAFE_INTEGER;

/** The fee by exact integer arithmetic, independent of platformFee's implementation. */
const exactFee = (gross: number, bps: number) => Number((BigInt(gross) * BigInt(bps)) / 10_000n);

describe("platformFee", () => {
  it("rounds down for the platform: the fraction of a won stays with the creator", () => {
    expect(platformFee(1_999, 500)).toBe(99); // 99.95
    expect(platformFee(19, 500)).toBe(0); // 0.95
    expect(platformFee(20, 500)).toBe(1);
    expect(platformFee(0, 500)).toBe(0);
    expect(platformFee(1_000, 0)).toBe(0);
    expect(platformFee(1_000, 10_000)).toBe(1_000);
    expect(platformFee(150, 500)).toBe(7); // 7.5
    expect(platformFee(450, 500)).toBe(22); // 22.5
  });

  it("is exact for huge safe integers where floating-point arithmetic is off by one", () => {
    // 9007199254740990 × 333 / 10000 = 299939735182874.967: a float product rounds up to …875.
    expect(Math.floor((9_007_199_254_740_990 * 333) / 10_000)).toBe(299_939_735_182_875);
    expect(platformFee(9_007_199_254_740_990, 333)).toBe(299_939_735_182_874);
    expect(platformFee(MAX, 500)).toBe(exactFee(MAX, 500));
    expect(platformFee(MAX, 10_000)).toBe(MAX);
    expect(platformFee(9_007_199_254_740_989, 9_999)).toBe(9_006_298_534_815_514);
  });

  it("agrees with exact integer arithmetic and never exceeds the gross (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX }), fc.integer({ min: 0, max: 10_000 }), (gross, bps) => {
        const fee = platformFee(gross, bps);
        expect(fee).toBe(exactFee(gross, bps));
        // fee = floor(gross × bps / 10000): fee × 10000 ≤ gross × bps < (fee + 1) × 10000
        expect(BigInt(fee) * 10_000n <= BigInt(gross) * BigInt(bps)).toBe(true);
        expect(BigInt(gross) * BigInt(bps) < (BigInt(fee) + 1n) * 10_000n).toBe(true);
        const { net } = splitGross(gross, bps);
        expect(net + fee).toBe(gross);
        expect(net).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 2_000 },
    );
  });

  it.each([
    ["a negative gross", -1, 500],
    ["a fractional gross", 100.5, 500],
    ["an unsafe gross", 2 ** 53, 500],
    ["NaN", Number.NaN, 500],
    ["Infinity", Number.POSITIVE_INFINITY, 500],
    ["negative basis points", 100, -1],
    ["fractional basis points", 100, 2.5],
    ["more than 100 %", 100, 10_001],
  ])("refuses %s", (_name, gross, bps) => {
    expect(() => platformFee(gross, bps)).toThrow(RangeError);
  });
});

describe("payoutPeriod", () => {
  // Reference ISO 8601 week, computed differently from the code under test: week 1 starts on the Monday on or
  // before 4 January; the week-year is the latest year whose week 1 has started.
  function isoWeekReference(year: number, month: number, day: number) {
    const dayNumber = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / 86_400_000;
    const week1Monday = (y: number) => {
      const jan4 = dayNumber(y, 1, 4);
      const weekday = (new Date(jan4 * 86_400_000).getUTCDay() + 6) % 7; // Monday = 0
      return jan4 - weekday;
    };
    const today = dayNumber(year, month, day);
    let weekYear = year + 1;
    while (week1Monday(weekYear) > today) weekYear--;
    const week = Math.floor((today - week1Monday(weekYear)) / 7) + 1;
    return `${weekYear}-W${String(week).padStart(2, "0")}`;
  }

  /** The UTC instant of a wall-clock time in Seoul (UTC+9, no daylight saving). */
  const kst = (iso: string) => new Date(`${iso}+09:00`);

  it.each([
    ["2026-11-29T12:00:00", "2026-W48"],
    ["2026-11-30T00:00:00", "2026-W49"],
    ["2026-12-31T23:59:59", "2026-W53"], // 2026 has 53 ISO weeks
    ["2027-01-01T00:00:00", "2026-W53"], // a Friday: still the last week of 2026
    ["2027-01-03T23:59:59", "2026-W53"],
    ["2027-01-04T00:00:00", "2027-W01"],
    ["2024-12-29T23:59:59", "2024-W52"],
    ["2024-12-30T00:00:00", "2025-W01"], // a Monday in December already in week 1 of next year
    ["2021-01-03T12:00:00", "2020-W53"],
    ["2025-12-29T00:00:00", "2026-W01"],
  ])("weekly: %s in Seoul is %s", (local, expected) => {
    expect(payoutPeriod("weekly", kst(local))).toBe(expected);
  });

  it("weekly: uses the Seoul date, not the UTC date, around midnight", () => {
    // Sunday 2024-12-29 20:00 UTC is Monday 2024-12-30 05:00 in Seoul: week 1 of 2025.
    expect(payoutPeriod("weekly", new Date("2024-12-29T20:00:00Z"))).toBe("2025-W01");
    // Monday 2027-01-04 00:30 in Seoul is still Sunday 2027-01-03 in UTC.
    expect(payoutPeriod("weekly", new Date("2027-01-03T15:30:00Z"))).toBe("2027-W01");
    expect(payoutPeriod("weekly", new Date("2027-01-03T14:59:59Z"))).toBe("2026-W53");
  });

  it("weekly: matches the ISO 8601 reference on every day from 2015 to 2035, at both ends of the Seoul day", () => {
    for (let day = Date.UTC(2015, 0, 1); day <= Date.UTC(2035, 11, 31); day += 86_400_000) {
      const d = new Date(day);
      const expected = isoWeekReference(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
      const local = d.toISOString().slice(0, 10);
      expect(payoutPeriod("weekly", kst(`${local}T00:00:00`)), local).toBe(expected);
      expect(payoutPeriod("weekly", kst(`${local}T23:59:59.999`)), local).toBe(expected);
    }
  });

  it.each([
    ["2026-11-30T23:59:59", "2026-11"],
    ["2026-12-01T00:00:00", "2026-12"],
    ["2026-12-31T23:59:59", "2026-12"],
    ["2027-01-01T00:00:00", "2027-01"],
    ["2028-02-29T12:00:00", "2028-02"],
  ])("monthly: %s in Seoul is %s", (local, expected) => {
    expect(payoutPeriod("monthly", kst(local))).toBe(expected);
  });

  it("monthly: New Year in Seoul is still December in UTC", () => {
    expect(payoutPeriod("monthly", new Date("2026-12-31T15:00:00Z"))).toBe("2027-01");
    expect(payoutPeriod("monthly", new Date("2026-12-31T14:59:59Z"))).toBe("2026-12");
  });

  it("on request: one period per Seoul day", () => {
    expect(requestPeriod(new Date("2026-12-31T14:59:59Z"))).toBe("request-2026-12-31");
    expect(requestPeriod(new Date("2026-12-31T15:00:00Z"))).toBe("request-2027-01-01");
  });
});

describe("formatMoney", () => {
  it.each([
    [1_000, "KRW", "₩1,000"],
    [0, "KRW", "₩0"],
    [1_234_567, "KRW", "₩1,234,567"],
    [-1_000, "KRW", "-₩1,000"],
    [150, "USD", "$1.50"],
    [5, "USD", "$0.05"],
    [0, "USD", "$0.00"],
    [100_000, "USD", "$1,000.00"],
    [-150, "USD", "-$1.50"],
    [-5, "USD", "-$0.05"],
    [MAX, "KRW", "₩9,007,199,254,740,991"],
    [MAX, "USD", "$90,071,992,547,409.91"],
  ] as const)("%d %s → %s", (amount, currency, expected) => {
    expect(formatMoney(amount, currency)).toBe(expected);
  });
});

describe("assertBalanced", () => {
  const e = (accountId: number, amount: number, currency: "KRW" | "USD" = "KRW"): Entry => ({ accountId, amount, currency });
  const posting = (...entries: Entry[]) => ({ key: "test:1", kind: "tip" as const, entries });

  it("accepts entries that sum to zero per currency", () => {
    expect(() => assertBalanced(posting(e(1, -1_000), e(2, 950), e(3, 50)))).not.toThrow();
    expect(() => assertBalanced(posting(e(1, -1_000), e(2, 1_000), e(3, -150, "USD"), e(4, 150, "USD")))).not.toThrow();
    expect(() => assertBalanced(posting(e(1, MAX), e(2, MAX), e(3, -MAX), e(4, -MAX)))).not.toThrow();
  });

  it("refuses an unbalanced posting", () => {
    expect(() => assertBalanced(posting(e(1, -1_000), e(2, 999)))).toThrow(/unbalanced: -1 KRW/);
  });

  it("refuses a posting balanced across currencies but not within each", () => {
    expect(() => assertBalanced(posting(e(1, 500), e(2, -500, "USD")))).toThrow(/unbalanced/);
  });

  it("refuses an imbalance of 1 that a floating-point sum would miss", () => {
    const entries = [e(1, MAX), e(2, MAX), e(3, 2), e(4, -MAX), e(5, -MAX), e(6, -1)];
    expect(entries.reduce((sum, x) => sum + x.amount, 0)).toBe(0); // floats lose the 1
    expect(() => assertBalanced(posting(...entries))).toThrow(/unbalanced: 1 KRW/);
  });

  it.each([
    ["a single entry", [e(1, 0 + 1)]],
    ["no entries", []],
    ["a zero amount", [e(1, 0), e(2, 0)]],
    ["a fractional amount", [e(1, 0.5), e(2, -0.5)]],
    ["an unsafe amount", [e(1, 2 ** 53), e(2, -(2 ** 53))]],
    ["NaN", [e(1, Number.NaN), e(2, 1)]],
  ])("refuses %s", (_name, entries) => {
    expect(() => assertBalanced(posting(...entries))).toThrow();
  });
});
