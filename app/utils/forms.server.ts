// Reading HTML form posts on the server: zod validation into field errors the page shows next to each field.
import type { ZodType } from "zod";
import type { FieldErrors } from "../components/forms";

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors; values: Record<string, string> };

export async function parseForm<T>(request: Request, schema: ZodType<T>): Promise<FormResult<T>> {
  const form = await request.formData();
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (typeof value === "string") values[key] = value;
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? "form");
    (errors[key] ??= []).push(issue.message);
  }
  return { ok: false, errors, values };
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
