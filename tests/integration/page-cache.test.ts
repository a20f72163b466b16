// The one-second cache of public creator pages: anonymous visitors share a rendered page, yet each answer has its
// own CSP nonce and tip-form idempotency key; signed-in visitors and query strings always get a fresh render, and
// a new tip shows within the second.
import { request, type IncomingHttpHeaders } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "../support/api-client";
import { useTestDatabase } from "../support/database";
import { startWeb, type RunningProcess } from "../support/processes";

const testDb = await useTestDatabase();
let web: RunningProcess & { url: string };

beforeAll(async () => {
  web = await startWeb(testDb.env);
}, 120_000);
afterAll(async () => {
  await web?.stop();
});

const nonceOf = (csp: string | null) => /'nonce-([^']+)'/.exec(csp ?? "")?.[1];
const keyOf = (html: string) => /name="idempotencyKey" value="([0-9a-f-]{36})"/.exec(html)?.[1];

/** A GET with exactly these headers (fetch would add and undo its own Accept-Encoding). */
function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on("error", reject)
      .end();
  });
}

describe("public page cache", () => {
  it("serves anonymous creator pages from memory with a fresh nonce and idempotency key each time", async () => {
    const api = apiClient(web.url);
    const creator = await api.newCreator("KRW");
    const first = await fetch(`${web.url}/@${creator.handle}`);
    const firstHtml = await first.text();
    const second = await fetch(`${web.url}/@${creator.handle}`);
    const secondHtml = await second.text();
    expect(second.headers.get("x-sodam-cache")).toBe("hit");
    const [n1, n2] = [nonceOf(first.headers.get("content-security-policy")), nonceOf(second.headers.get("content-security-policy"))];
    expect(n1 && n2 && n1 !== n2).toBe(true);
    expect(secondHtml).toContain(`nonce="${n2}"`);
    expect(secondHtml).not.toContain(n1!);
    const [k1, k2] = [keyOf(firstHtml), keyOf(secondHtml)];
    expect(k1 && k2 && k1 !== k2).toBe(true);
    expect(secondHtml).not.toContain(k1!);
    expect(second.headers.get("x-request-id")).not.toBe(first.headers.get("x-request-id"));

    // A query string, a cookie or another language is never answered from this entry.
    expect((await fetch(`${web.url}/@${creator.handle}?lang=en`)).headers.get("x-sodam-cache")).toBeNull();
    expect((await fetch(`${web.url}/@${creator.handle}`, { headers: { Cookie: "lang=en" } })).headers.get("x-sodam-cache")).toBeNull();
    const english = await fetch(`${web.url}/@${creator.handle}`, { headers: { "Accept-Language": "en-US" } });
    expect(english.headers.get("x-sodam-cache")).toBeNull();
    expect(await english.text()).toContain('lang="en"');
  });

  it("serves a hit gzipped to clients that accept gzip, with the fresh nonce and key inside, and plain to the rest", async () => {
    const api = apiClient(web.url);
    const creator = await api.newCreator("KRW");
    const url = `${web.url}/@${creator.handle}`;
    await rawGet(url, {});
    const plain = await rawGet(url, {});
    const gzipped = await rawGet(url, { "Accept-Encoding": "gzip, deflate, br" });
    const refused = await rawGet(url, { "Accept-Encoding": "br;q=1, gzip;q=0" });
    for (const answer of [plain, gzipped, refused]) {
      expect(answer.status).toBe(200);
      expect(answer.headers["x-sodam-cache"]).toBe("hit");
      expect(answer.headers.vary).toContain("Accept-Encoding");
      expect(Number(answer.headers["content-length"])).toBe(answer.body.length);
    }
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(refused.headers["content-encoding"]).toBeUndefined();
    expect(gzipped.headers["content-encoding"]).toBe("gzip");
    expect(gzipped.body.length).toBeLessThan(plain.body.length / 2);

    // gunzip checks the stitched stream's CRC-32 and length; the page is the plain one with its own nonce and key.
    const html = gunzipSync(gzipped.body).toString("utf8");
    const nonce = nonceOf(gzipped.headers["content-security-policy"] as string)!;
    const plainNonce = nonceOf(plain.headers["content-security-policy"] as string)!;
    expect(nonce).not.toBe(plainNonce);
    expect(html).toContain(`nonce="${nonce}"`);
    expect(keyOf(html)).not.toBe(keyOf(plain.body.toString("utf8")));
    const blank = (page: string, n: string) => page.replaceAll(n, "NONCE").replaceAll(keyOf(page)!, "KEY");
    expect(blank(html, nonce)).toBe(blank(plain.body.toString("utf8"), plainNonce));
  });

  it("shows a new tip to anonymous visitors within a second", async () => {
    const api = apiClient(web.url);
    const creator = await api.newCreator("KRW");
    const fan = await api.signUp("Cache Fan");
    await api.topUp(fan.token, 10_000);
    await fetch(`${web.url}/@${creator.handle}`);
    expect((await api.tip(fan.token, { creator: creator.handle, amount: 1_000, currency: "KRW", message: "fresh message" })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await (await fetch(`${web.url}/@${creator.handle}`)).text()).toContain("fresh message");
  });
});
