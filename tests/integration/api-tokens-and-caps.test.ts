// Through the real web server: personal API tokens are held to their scopes (read, tips), revoked tokens stop
// working, and the wallet's spending caps are set over the API and refuse a tip with 422 spending_cap_reached.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPersonalToken, revokePersonalToken } from "../../app/models/users.server";
import { apiClient } from "../support/api-client";
import { useTestDatabase } from "../support/database";
import { startWeb } from "../support/processes";

const t = await useTestDatabase();
let web: Awaited<ReturnType<typeof startWeb>>;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  web = await startWeb(t.env);
  api = apiClient(web.url);
});
afterAll(async () => {
  await web?.stop();
});

const tipCount = async (fanId: number) => (await t.db.selectFrom("tips").select("id").where("fan_id", "=", fanId).execute()).length;

describe("personal API tokens", () => {
  it("let a read token look but not tip, a tips token tip, neither make other writes, and stop once revoked", async () => {
    const fan = await api.signUp("Bot owner");
    const creator = await api.newCreator();
    await api.topUp(fan.token, 10_000);
    const read = await createPersonalToken(t.db, { userId: fan.id, name: "dashboard script", scopes: ["read"] });
    const tips = await createPersonalToken(t.db, { userId: fan.id, name: "tip bot", scopes: ["tips"] });
    expect(read.token).toMatch(/^sodam_pat_/);
    const stored = await t.db.selectFrom("api_tokens").select(["token_hash", "scopes"]).where("id", "=", read.personalToken.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(read.token);
    expect(stored.scopes).toEqual(["read"]);

    expect((await api.request("GET", "/api/v1/me/wallet", { token: read.token })).status).toBe(200);
    const refused = await api.tip(read.token, { creator: creator.handle, amount: 1_000, currency: "KRW" });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("insufficient_scope");
    expect(refused.headers.get("WWW-Authenticate")).toContain('scope="tips"');

    expect((await api.tip(tips.token, { creator: creator.handle, amount: 1_000, currency: "KRW" })).status).toBe(201);
    expect((await api.request("GET", "/api/v1/me/wallet", { token: tips.token })).status).toBe(403);
    const topup = await api.request("POST", "/api/v1/me/wallet/topups", { token: tips.token, body: { amount: 1_000, currency: "KRW", card: "4242424242424242" } });
    expect(topup.status).toBe(403);
    expect(await tipCount(fan.id)).toBe(1);

    await revokePersonalToken(t.db, { userId: fan.id, tokenId: tips.personalToken.id });
    expect((await api.tip(tips.token, { creator: creator.handle, amount: 1_000, currency: "KRW" })).status).toBe(401);
    await expect(revokePersonalToken(t.db, { userId: fan.id + 1, tokenId: read.personalToken.id })).rejects.toMatchObject({ code: "token_not_found" });
  });
});

describe("spending caps over the API", () => {
  it("sets caps with PUT (idempotent), and refuses the tip that crosses one with 422 and nothing written", async () => {
    const fan = await api.signUp("Careful");
    const creator = await api.newCreator();
    await api.topUp(fan.token, 50_000);
    const key = randomUUID();
    const put = () => api.request("PUT", "/api/v1/me/wallet/caps", { token: fan.token, body: { currency: "KRW", daily: 3_000, monthly: null }, headers: { "Idempotency-Key": key } });
    const first = await put();
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ currency: "KRW", day: { amount: 3_000, pending: null, spent: 0 }, month: { amount: null } });
    const again = await put();
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(again.body).toEqual(first.body);

    expect((await api.tip(fan.token, { creator: creator.handle, amount: 2_000, currency: "KRW" })).status).toBe(201);
    const over = await api.tip(fan.token, { creator: creator.handle, amount: 1_500, currency: "KRW" });
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({ code: "spending_cap_reached", period: "day", cap: 3_000, remaining: 1_000 });
    expect(await tipCount(fan.id)).toBe(1);

    // A raise waits; the listing shows it pending.
    const raised = await api.request("PUT", "/api/v1/me/wallet/caps", { token: fan.token, body: { currency: "KRW", daily: 100_000, monthly: null } });
    expect(raised.body.day).toMatchObject({ amount: 3_000, pending: { amount: 100_000 } });
    const listed = await api.request("GET", "/api/v1/me/wallet/caps", { token: fan.token });
    expect(listed.body.caps.find((c: { currency: string }) => c.currency === "KRW").day.pending.amount).toBe(100_000);

    const bad = await api.request("PUT", "/api/v1/me/wallet/caps", { token: fan.token, body: { currency: "KRW", daily: "lots", monthly: null } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.daily).toBeDefined();
  });
});
