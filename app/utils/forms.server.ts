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
