// Errors meant for people and programs: an HTTP status, a stable `code`, a sentence, and field errors for 422.
// API routes render them as application/problem+json (RFC 9457).
import type { ZodError } from "zod";

export type FieldErrors = Record<string, string[]>;

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly fields?: FieldErrors,
    readonly headers?: Record<string, string>,
    /** Extension members (RFC 9457 §3.2): machine-readable details a client or page can use. */
    readonly extensions?: Record<string, string | number | null>,
  ) {
    super(`${status} ${code}: ${detail}`);
  }

  toJSON() {
    return {
      type: `https://sodam.example/problems/${this.code}`,
      title: TITLES[this.status] ?? "Error",
      status: this.status,
      code: this.code,
      detail: this.detail,
      ...(this.fields ? { errors: this.fields } : {}),
      ...this.extensions,
    };
  }

  static fromZod(error: ZodError, detail = "Some fields are invalid.") {
    const fields: FieldErrors = {};
    for (const issue of error.issues) {
      const path = issue.path.join(".") || "body";
      (fields[path] ??= []).push(issue.message);
    }
    return new Problem(422, "validation_failed", detail, fields);
  }
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export function problemResponse(problem: Problem) {
  return new Response(JSON.stringify(problem.toJSON()), {
    status: problem.status,
    headers: { "Content-Type": "application/problem+json; charset=utf-8", ...problem.headers },
  });
}
