// Currencies Sodam handles and their limits, in minor units (KRW has none: ₩1 = 1; USD has cents).
// Shared by server and browser code, so it imports nothing server-only.

export const CURRENCIES = ["KRW", "USD"] as const;
export type Currency = (typeof CURRENCIES)[number];

export interface CurrencyRules {
  /** Digits after the decimal point in display; 0 for KRW. */
  exponent: number;
  walletTipMin: number;
  cardTipMin: number;
  tipMax: number;
  topupMin: number;
  topupMax: number;
  presets: number[];
  defaultPayoutMinimum: number;
}

export const CURRENCY_RULES: Record<Currency, CurrencyRules> = {
  KRW: {
    exponent: 0,
    walletTipMin: 100,
    cardTipMin: 1_000,
    tipMax: 1_000_000,
    topupMin: 1_000,
    topupMax: 2_000_000,
    presets: [1_000, 3_000, 5_000, 10_000],
    defaultPayoutMinimum: 10_000,
  },
  USD: {
    exponent: 2,
    walletTipMin: 10,
    cardTipMin: 100,
    tipMax: 100_000,
    topupMin: 100,
    topupMax: 200_000,
    presets: [100, 300, 500, 1_000],
    defaultPayoutMinimum: 1_000,
  },
};

export function isCurrency(value: unknown): value is Currency {
  return typeof value === "string" && (CURRENCIES as readonly string[]).includes(value);
}

/** Formats an amount in minor units for people: ₩3,000 or $1.50. Integer arithmetic only. */
export function formatMoney(amount: number, currency: Currency, locale = "ko-KR") {
  const { exponent } = CURRENCY_RULES[currency];
  const negative = amount < 0;
  const abs = Math.abs(amount);
  const unit = 10 ** exponent;
  const major = Math.trunc(abs / unit);
  const minor = abs % unit;
  const majorText = new Intl.NumberFormat(locale).format(major);
  const symbol = currency === "KRW" ? "₩" : "$";
  const text = exponent ? `${symbol}${majorText}.${String(minor).padStart(exponent, "0")}` : `${symbol}${majorText}`;
  return negative ? `-${text}` : text;
}

/**
 * An amount typed by a person: digits with optional thousands separators ("3,000"), or with a decimal point for
 * currencies that have minor units ("1.50" USD = 150). Returns minor units, or null when it is not a clean number.
 */
export function parseAmountInput(text: string, exponent: number): number | null {
  const cleaned = text.trim().replace(/[,\s₩$]/g, "");
  const pattern = exponent === 0 ? /^\d{1,12}$/ : new RegExp(`^\\d{1,12}(\\.\\d{1,${exponent}})?$`);
  if (!pattern.test(cleaned)) return null;
  const [whole, fraction = ""] = cleaned.split(".");
  const value = Number(whole) * 10 ** exponent + Number(fraction.padEnd(exponent, "0") || 0);
  return Number.isSafeInteger(value) ? value : null;
}
