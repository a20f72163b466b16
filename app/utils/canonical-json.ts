// JSON with object keys sorted (by UTF-16 code units), undefined members left out and no whitespace: one byte
// string per value, reproducible anywhere — request fingerprints and the transparency log both hash it.
// Client-safe: the receipt page recomputes it in the browser.

export function canonicalJson(value: unknown, options: { integersOnly?: boolean } = {}): string {
  const encode = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(encode).join(",")}]`;
    if (v !== null && typeof v === "object") {
      const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${encode((v as Record<string, unknown>)[k])}`).join(",")}}`;
    }
    if (options.integersOnly && typeof v === "number" && !Number.isSafeInteger(v)) {
      throw new Error(`canonical form holds integers only, got ${v}`);
    }
    return JSON.stringify(v) ?? "null";
  };
  return encode(value);
}
