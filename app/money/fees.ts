// The platform fee, computed on a settlement's aggregate in basis points and rounded down — any fraction of
// a minor unit stays with the creator. BigInt keeps gross × bps exact beyond 2^53.

export function platformFee(gross: number, feeBps: number): number {
  if (!Number.isSafeInteger(gross) || gross < 0) throw new RangeError(`gross must be a non-negative safe integer, got ${gross}`);
  if (!Number.isInteger(feeBps) || feeBps < 0 || feeBps > 10_000) throw new RangeError(`fee must be 0..10000 bps, got ${feeBps}`);
  return Number((BigInt(gross) * BigInt(feeBps)) / 10_000n);
}

export function splitGross(gross: number, feeBps: number) {
  const fee = platformFee(gross, feeBps);
  return { gross, fee, net: gross - fee };
}

/** Basis points as people read a percentage: 500 → "5", 250 → "2.5", 125 → "1.25" (integer arithmetic). */
export function bpsAsPercent(bps: number) {
  const whole = Math.trunc(bps / 100);
  const rest = String(bps % 100).padStart(2, "0").replace(/0+$/, "");
  return rest ? `${whole}.${rest}` : String(whole);
}
