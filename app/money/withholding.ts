// Korean withholding on creators' payouts (원천징수). An individual creator paid in KRW earns business income from
// personal services (인적용역 사업소득); the payer withholds 3 % income tax and 0.3 % local income tax and remits it
// to the tax office. Sodam withholds from the payout itself: the creator receives the payout minus both taxes,
// and the taxes go to the platform's tax-payable account. Client-safe (no server imports): pages show it too.
//
// The rule implemented, on the payout amount P in whole won (what the creator earned after Sodam's fee):
//   income tax  = floor(P × 3 / 100 / 10) × 10          — 3 %, truncated below ₩10 (10원 미만 절사)
//   local tax   = floor(income tax × 10 / 100 / 10) × 10 — 10 % of the income tax, truncated below ₩10
//   withheld    = income tax + local tax; net paid = P − withheld
// Each tax is truncated on its own (the local tax is 10 % of the income tax as withheld, not 0.3 % of P), as the
// two taxes are reported and paid separately. There is no small-amount exemption (소액부징수, tax under ₩1,000 not
// collected): since July 2024 it no longer applies to personal-service business income earned continuously,
// which is what creators' tips are. Creators who are businesses (사업자) issue their own invoices and pay their own
// taxes: nothing is withheld. Payouts in other currencies are paid abroad and are not withheld here.
import type { Currency } from "./currency";

export type TaxStatus = "individual" | "business";

export interface Withholding {
  incomeTax: number;
  localTax: number;
  total: number;
}

export const NO_WITHHOLDING: Withholding = { incomeTax: 0, localTax: 0, total: 0 };

/** 3 % income tax and 10 % of it as local income tax, each truncated below ₩10 (see the rule above). */
export function koreanWithholding(payout: number): Withholding {
  if (!Number.isSafeInteger(payout) || payout < 0) throw new RangeError(`payout must be a non-negative safe integer, got ${payout}`);
  const incomeTax = (BigInt(payout) * 3n) / 1000n * 10n;
  const localTax = (incomeTax / 100n) * 10n;
  return { incomeTax: Number(incomeTax), localTax: Number(localTax), total: Number(incomeTax + localTax) };
}

/** What a payout withholds: the Korean rule for an individual paid in KRW, nothing otherwise. */
export function payoutWithholding(args: { amount: number; currency: Currency; taxStatus: TaxStatus }): Withholding {
  if (args.currency !== "KRW" || args.taxStatus !== "individual") return NO_WITHHOLDING;
  return koreanWithholding(args.amount);
}
