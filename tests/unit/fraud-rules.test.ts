// Each fraud rule fires on its case and stays quiet on an ordinary payment; decide() keeps the strictest outcome
// and every reason; unknown signals (Redis away) keep the rules that need them quiet.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_AMOUNTS,
  RULES,
  blockedForCardTesting,
  cardTesting,
  cardVelocity,
  decide,
  fanVelocity,
  ipVelocity,
  largeAmount,
  newAccountAmount,
  selfTip,
  type RiskContext,
  type RiskCounters,
  type RiskLimits,
  type Rule,
} from "../../app/risk/fraud-rules";

const limits: RiskLimits = {
  fanTipsPerHour: 20,
  ipTipsPerHour: 50,
  cardPaymentsPerHour: 5,
  declinesBeforeBlock: 5,
  newAccountSeconds: 86_400,
  amounts: DEFAULT_AMOUNTS,
};

/** A fan of a month tipping ₩3,000 from their wallet, the first tip this hour: nothing to see. */
const normal = ({ counters, ...over }: Partial<Omit<RiskContext, "counters">> & { counters?: Partial<RiskCounters> } = {}): RiskContext => ({
  action: "wallet_tip",
  amount: 3_000,
  currency: "KRW",
  accountAgeSeconds: 30 * 86_400,
  fanUserId: 7,
  creatorOwnerId: 8,
  blocked: false,
  ...over,
  counters: { fanTips: 1, ipTips: 1, cardPayments: 0, fanDeclines: 0, ipDeclines: 0, cardDeclines: 0, ...counters },
});

const cases: { name: string; rule: Rule; fires: RiskContext; outcome: "hold" | "block" }[] = [
  { name: "self-tipping", rule: selfTip, fires: normal({ creatorOwnerId: 7 }), outcome: "block" },
  { name: "a card-testing block in force", rule: blockedForCardTesting, fires: normal({ blocked: true }), outcome: "block" },
  { name: "card testing (small declines by fan)", rule: cardTesting, fires: normal({ action: "topup", counters: { fanDeclines: 5 } }), outcome: "block" },
  { name: "card testing (small declines from one address)", rule: cardTesting, fires: normal({ counters: { ipDeclines: 6 } }), outcome: "block" },
  { name: "fan velocity", rule: fanVelocity, fires: normal({ counters: { fanTips: 21 } }), outcome: "hold" },
  { name: "address velocity", rule: ipVelocity, fires: normal({ counters: { ipTips: 51 } }), outcome: "hold" },
  { name: "card velocity on a card tip", rule: cardVelocity, fires: normal({ action: "card_tip", counters: { cardPayments: 6 } }), outcome: "hold" },
  { name: "card velocity on a top-up", rule: cardVelocity, fires: normal({ action: "topup", counters: { cardPayments: 6 } }), outcome: "block" },
  { name: "a new account tipping a large amount", rule: newAccountAmount, fires: normal({ accountAgeSeconds: 3_600, amount: 100_000 }), outcome: "hold" },
  { name: "a guest tipping a large amount by card", rule: newAccountAmount, fires: normal({ action: "card_tip", fanUserId: null, accountAgeSeconds: null, amount: 150_000 }), outcome: "hold" },
  { name: "a very large tip", rule: largeAmount, fires: normal({ amount: 500_000 }), outcome: "hold" },
];

describe("each fraud rule", () => {
  for (const c of cases) {
    it(`fires on ${c.name} and stays quiet on an ordinary tip`, () => {
      expect(c.rule(c.fires, limits)).toMatchObject({ outcome: c.outcome });
      expect(c.rule(normal(), limits)).toBeNull();
    });
  }

  it("every rule is covered above and quiet on an ordinary tip, card tip and top-up", () => {
    expect(new Set(cases.map((c) => c.rule))).toEqual(new Set(RULES));
    for (const action of ["wallet_tip", "card_tip", "topup"] as const) {
      expect(decide(normal({ action, counters: { cardPayments: action === "wallet_tip" ? 0 : 1 } }), limits)).toEqual({ outcome: "allow", reasons: [] });
    }
  });

  it("stays quiet right at the limits (the count includes this attempt)", () => {
    expect(fanVelocity(normal({ counters: { fanTips: 20 } }), limits)).toBeNull();
    expect(cardTesting(normal({ counters: { fanDeclines: 4 } }), limits)).toBeNull();
    expect(newAccountAmount(normal({ accountAgeSeconds: 3_600, amount: 99_999 }), limits)).toBeNull();
    expect(newAccountAmount(normal({ accountAgeSeconds: 86_400, amount: 100_000 }), limits)).toBeNull();
  });

  it("uses each currency's own amounts", () => {
    expect(largeAmount(normal({ currency: "USD", amount: 50_000 }), limits)).toMatchObject({ reason: "large_amount" });
    expect(largeAmount(normal({ currency: "USD", amount: 49_999 }), limits)).toBeNull();
  });

  it("does not apply tip rules to top-ups", () => {
    const topup = normal({ action: "topup", creatorOwnerId: null, amount: 1_000_000, accountAgeSeconds: 10, counters: { fanTips: 999, ipTips: 999 } });
    expect(decide(topup, limits)).toEqual({ outcome: "allow", reasons: [] });
  });
});

describe("decide", () => {
  it("keeps the strictest outcome and every reason", () => {
    const ctx = normal({ creatorOwnerId: 7, amount: 600_000, accountAgeSeconds: 60 });
    expect(decide(ctx, limits)).toEqual({ outcome: "block", reasons: ["self_tip", "new_account_amount", "large_amount"] });
    expect(decide(normal({ amount: 600_000 }), limits)).toEqual({ outcome: "hold", reasons: ["large_amount"] });
  });

  it("lets unknown counters and blocks (Redis away) pass, while amount, age and self-tipping still apply", () => {
    const unknown = { fanTips: null, ipTips: null, cardPayments: null, fanDeclines: null, ipDeclines: null, cardDeclines: null };
    expect(decide({ ...normal(), blocked: null, counters: unknown }, limits)).toEqual({ outcome: "allow", reasons: [] });
    expect(decide({ ...normal({ creatorOwnerId: 7 }), blocked: null, counters: unknown }, limits).outcome).toBe("block");
    expect(decide({ ...normal({ amount: 500_000 }), blocked: null, counters: unknown }, limits).outcome).toBe("hold");
  });
});
