// Postgres out of reach: the API answers 503 problem+json with Retry-After (a page: 503 too), writes nothing half,
// and the same web process recovers by itself when Postgres is back. The shared Postgres server is never stopped:
// the web process reaches it through a small TCP proxy in this file, which can cut every connection and refuse new
// ones.
import { randomUUID } from "node:crypto";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type ApiAnswer } from "../support/api-client";
import { useTestDatabase } from "../support/database";
import { fundWallet } from "../support/fixtures";
import { startWeb, waitFor, type RunningProcess } from "../support/processes";

const t = await useTestDatabase();

/** A TCP proxy to the Postgres server; `cut()` destroys every connection and stops listening (new ones are
 * refused), `restore()` listens again on the same port. */
function postgresProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  let server: net.Server;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on("close", () => sockets.delete(s));
          s.on("error", () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  return {
    listen,
    get port() {
      return port;
    },
    connections: () => sockets.size,
    async cut() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    restore: listen,
  };
}

const target = new URL(t.env.DATABASE_URL);
const proxy = postgresProxy({ host: target.hostname, port: Number(target.port || 5432) });
let web: RunningProcess & { url: string };
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  await proxy.listen();
  const viaProxy = new URL(t.env.DATABASE_URL);
  viaProxy.port = String(proxy.port);
  web = await startWeb({ ...t.env, DATABASE_URL: viaProxy.toString(), RATE_LIMIT_TIPS_PER_MINUTE: "1000000" });
  api = apiClient(web.url);
});
afterAll(async () => {
  await web?.stop();
  await proxy.cut().catch(() => {});
});

describe("Postgres out of reach", () => {
  it("answers 503 + Retry-After while Postgres is cut, writes nothing half, and recovers without a restart", async () => {
    const fan = await api.signUp("Steady");
    const creator = await api.newCreator();
    await fundWallet(t.db, fan.id, 10_000_000);
    const body = (i: number) => ({ creator: creator.handle, amount: 1_000 + (i % 5) * 100, currency: "KRW" });
    expect((await api.tip(fan.token, body(0))).status).toBe(201);
    expect(proxy.connections()).toBeGreaterThan(0);

    // Load, cut in the middle of it, load on during the cut.
    const answers: { key: string; i: number; answer: ApiAnswer }[] = [];
    let stop = false;
    let n = 1;
    const loops = Array.from({ length: 6 }, async () => {
      while (!stop) {
        const i = n++;
        const key = randomUUID();
        answers.push({ key, i, answer: await api.tip(fan.token, body(i), key) });
      }
    });
    await waitFor(async () => answers.length >= 30, 30_000, "tips before the cut");
    await proxy.cut();
    const cutAt = answers.length;
    await waitFor(async () => answers.slice(cutAt).filter((a) => a.answer.status === 503).length >= 20, 30_000, "503s during the cut");

    // Health names Postgres; a read answers 503 too.
    const health = await api.request("GET", "/healthz");
    expect(health.status).toBe(503);
    expect(health.body.down).toEqual(["postgres"]);
    expect(health.body.services.redis.status).toBe("up");
    const read = await api.request("GET", "/api/v1/me/wallet", { token: fan.token });
    expect(read.status).toBe(503);
    expect(read.body.code).toBe("service_unavailable");
    // A page says so too: 503 with Retry-After, not a 500.
    const page = await fetch(`${web.url}/@${creator.handle}`);
    await page.text();
    expect(page.status).toBe(503);
    expect(page.headers.get("Retry-After")).toBe("5");

    stop = true;
    await Promise.all(loops);
    const during = answers.slice(cutAt);
    const statuses = new Map<number, number>();
    for (const a of answers) statuses.set(a.answer.status, (statuses.get(a.answer.status) ?? 0) + 1);
    console.log(`Postgres cut under load: ${answers.length} tips sent, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    for (const a of answers) expect([201, 503], JSON.stringify(a.answer.body)).toContain(a.answer.status);
    for (const a of answers.filter((a) => a.answer.status === 503)) {
      expect(a.answer.headers.get("Content-Type")).toContain("application/problem+json");
      expect(a.answer.body.code).toBe("service_unavailable");
      expect(Number(a.answer.headers.get("Retry-After"))).toBeGreaterThan(0);
    }
    expect(during.filter((a) => a.answer.status === 503).length).toBeGreaterThanOrEqual(20);

    // Back: the same process answers again within a few seconds.
    await proxy.restore();
    const restoredAt = Date.now();
    await waitFor(async () => (await api.tip(fan.token, body(0))).status === 201, 30_000, `a tip after Postgres returned\n${web.output()}`);
    console.log(`first tip accepted ${Date.now() - restoredAt} ms after Postgres returned`);
    expect((await api.request("GET", "/healthz")).status).toBe(200);
    expect(web.child.exitCode).toBeNull();

    // Nothing half: no idempotency key claimed without its answer, every 201 is one tip, and every 503 retried
    // with its key makes exactly one tip (or replays the one that committed just before the cut).
    const unanswered = await t.db.selectFrom("idempotency_keys").select("key").where("status_code", "is", null).execute();
    expect(unanswered).toEqual([]);
    const ids = new Set(answers.filter((a) => a.answer.status === 201).map((a) => a.answer.body.id as string));
    for (const a of answers.filter((a) => a.answer.status === 503)) {
      const again = await api.tip(fan.token, body(a.i), a.key);
      expect(again.status, JSON.stringify(again.body)).toBe(201);
      expect(ids.has(again.body.id)).toBe(false);
      ids.add(again.body.id);
    }
    const tips = await t.db.selectFrom("tips").select("id").where("fan_id", "=", fan.id).execute();
    // The first tip and the one after the restore are not in `answers`.
    expect(tips.length).toBe(ids.size + 2);
    for (const id of ids) expect(tips.some((tip) => tip.id === id)).toBe(true);
  }, 120_000);
});
