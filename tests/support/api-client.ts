// A small client for the JSON API v1, as a fan's app or a script would use it.
import { randomBytes, randomUUID } from "node:crypto";
import { totp } from "../../app/utils/totp.server";

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export function apiClient(baseUrl: string) {
  async function request<T = any>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["Content-Type"] ??= "application/json";
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  async function signUp(displayName = "Fan") {
    const email = `${displayName.toLowerCase().replace(/\W/g, "") || "user"}-${randomBytes(4).toString("hex")}@example.test`;
    const password = "correct horse battery";
    const created = await request("POST", "/api/v1/users", { body: { email, password, displayName } });
    if (created.status !== 201) throw new Error(`sign-up failed: ${created.status} ${JSON.stringify(created.body)}`);
    const token = await request("POST", "/api/v1/auth/token", { body: { email, password } });
    if (token.status !== 201) throw new Error(`token failed: ${token.status} ${JSON.stringify(token.body)}`);
    return { id: created.body.id as number, email, token: token.body.token as string };
  }

  async function topUp(token: string, amount: number, currency = "KRW", card = "4242424242424242") {
    const answer = await request("POST", "/api/v1/me/wallet/topups", { token, body: { amount, currency, card }, headers: { "Idempotency-Key": randomUUID() } });
    if (answer.status !== 201) throw new Error(`top-up failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /**
   * Turns on two-factor authentication as an authenticator app would; the token used counts as having proved it
   * (enough for payouts). Returns the secret (to make later codes) and the recovery codes.
   */
  async function enableTwoFactor(token: string) {
    const started = await request("POST", "/api/v1/me/two-factor", { token });
    if (started.status !== 201) throw new Error(`two-factor start failed: ${started.status} ${JSON.stringify(started.body)}`);
    const secret = started.body.secret as string;
    const confirmed = await request("POST", "/api/v1/me/two-factor/confirm", { token, body: { code: totp(secret) } });
    if (confirmed.status !== 200) throw new Error(`two-factor confirm failed: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
    return { secret, recoveryCodes: confirmed.body.recoveryCodes as string[] };
  }

  /** A creator; with `twoFactor`, one whose token may request payouts (two-factor on and proved). */
  async function newCreator(currency: "KRW" | "USD" = "KRW", options: { twoFactor?: boolean } = {}) {
    const user = await signUp("Creator");
    const handle = `c_${randomBytes(5).toString("hex")}`;
    const answer = await request("POST", "/api/v1/me/creator", { token: user.token, body: { handle, displayName: `Creator ${handle}`, currency } });
    if (answer.status !== 201) throw new Error(`creator failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    const twoFactor = options.twoFactor ? await enableTwoFactor(user.token) : null;
    return { ...user, handle, totpSecret: twoFactor?.secret ?? null, recoveryCodes: twoFactor?.recoveryCodes ?? [] };
  }

  function tip(token: string, body: Record<string, unknown>, key: string | null = randomUUID()) {
    return request("POST", "/api/v1/tips", { token, body, headers: key === null ? {} : { "Idempotency-Key": key } });
  }

  return { request, signUp, topUp, newCreator, enableTwoFactor, tip };
}
