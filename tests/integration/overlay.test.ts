// The stream alert overlay end to end: real web processes, Postgres, Redis pub/sub, and Chromium for the page.
// Alerts arrive live; after a dropped connection (the server killed and started again) the overlay shows what it
// missed, once each and in order; settings and secret rotation reach open overlays; supporter text stays text.
import { randomUUID } from "node:crypto";
import { chromium, type Browser } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCreatorByHandle } from "../../app/models/creators.server";
import { getOverlaySettings, rotateOverlaySecret, updateOverlayPreferences } from "../../app/models/overlays.server";
import { apiClient } from "../support/api-client";
import { useTestDatabase } from "../support/database";
import { startWeb, waitFor, type RunningProcess } from "../support/processes";

const testDb = await useTestDatabase();
let web: RunningProcess & { url: string };
let browser: Browser;

beforeAll(async () => {
  web = await startWeb(testDb.env);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
});

interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

/** Reads a Server-Sent Events stream until `done` says so (or the timeout); returns the events seen. */
async function readEvents(url: string, headers: Record<string, string>, done: (events: SseEvent[]) => boolean, timeoutMs = 10_000) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const events: SseEvent[] = [];
  const response = await fetch(url, { headers, signal: controller.signal });
  try {
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    while (!done(events)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      buffer += value;
      let cut: number;
      while ((cut = buffer.indexOf("\n\n")) !== -1) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const fields = Object.fromEntries(
          block
            .split("\n")
            .filter((line) => line && !line.startsWith(":"))
            .map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trimStart()]),
        );
        if (fields.event || fields.data) events.push({ id: fields.id ?? null, event: fields.event ?? "message", data: fields.data ?? "" });
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

async function creatorWithFan(baseUrl: string) {
  const api = apiClient(baseUrl);
  const creator = await api.newCreator("KRW");
  const fan = await api.signUp("Overlay Fan");
  await api.topUp(fan.token, 100_000);
  const row = await getCreatorByHandle(testDb.db, creator.handle);
  const overlay = await getOverlaySettings(testDb.db, row!.id);
  const tip = async (amount: number, message: string) => {
    const answer = await api.tip(fan.token, { creator: creator.handle, amount, currency: "KRW", message });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body as { id: string };
  };
  return { api, creator, creatorId: row!.id, overlay, tip };
}

const alerts = (events: SseEvent[]) => events.filter((e) => e.event === "alert").map((e) => JSON.parse(e.data) as { id: number; message: string | null; display: string });

describe("overlay event stream", () => {
  it("replays the tips a disconnected overlay missed, in order and once, from Last-Event-ID", async () => {
    const { overlay, tip } = await creatorWithFan(web.url);
    const streamUrl = `${web.url}/overlay/${overlay.secret}/events`;

    // A first connection learns its resume point and sees one live tip.
    const first = readEvents(streamUrl, {}, (events) => alerts(events).length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    await tip(1_000, "live one");
    const seen = await first;
    expect(seen[0]).toMatchObject({ event: "ready" });
    const live = alerts(seen);
    expect(live.map((a) => a.message)).toEqual(["live one"]);
    const lastId = seen.filter((e) => e.id !== null).at(-1)!.id!;

    // Three tips while nobody listens, then a reconnect naming the last id seen.
    for (const message of ["missed 1", "missed 2", "missed 3"]) await tip(1_000, message);
    const replay = await readEvents(streamUrl, { "Last-Event-ID": lastId }, (events) => events.some((e) => e.event === "ready"));
    expect(alerts(replay).map((a) => a.message)).toEqual(["missed 1", "missed 2", "missed 3"]);
    expect(alerts(replay).map((a) => a.display)).toEqual(["₩1,000", "₩1,000", "₩1,000"]);
    // Ids only go up, so the browser's next Last-Event-ID covers all three.
    const ids = replay.filter((e) => e.event === "alert").map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it("applies the minimum amount and blocked words, and stops an overlay whose secret was rotated", async () => {
    const { creatorId, overlay, tip } = await creatorWithFan(web.url);
    await updateOverlayPreferences(testDb.db, creatorId, { minAmount: 2_000, blockedWords: ["스팸", "badword"] });
    const streamUrl = `${web.url}/overlay/${overlay.secret}/events`;
    const reading = readEvents(streamUrl, {}, (events) => alerts(events).length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    await tip(1_000, "below the minimum");
    await tip(2_000, "이건 스팸이에요");
    await tip(5_000, "BadWord in capitals");
    const shown = alerts(await reading);
    expect(shown.map((a) => [a.display, a.message])).toEqual([
      ["₩2,000", null],
      ["₩5,000", null],
    ]);

    const revoked = readEvents(streamUrl, {}, (events) => events.some((e) => e.event === "revoked"));
    await new Promise((r) => setTimeout(r, 300));
    const rotated = await rotateOverlaySecret(testDb.db, creatorId);
    expect((await revoked).some((e) => e.event === "revoked")).toBe(true);
    expect((await fetch(`${web.url}/overlay/${overlay.secret}`)).status).toBe(404);
    expect((await fetch(`${web.url}/overlay/${overlay.secret}/events`)).status).toBe(404);
    expect((await fetch(`${web.url}/overlay/${rotated.secret}`)).status).toBe(200);
  });

  it("shows the missed tips in Chromium after the server is killed and started again, and never runs a message as script", async () => {
    const { overlay, tip } = await creatorWithFan(web.url);
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    // Short alerts so the replayed ones follow each other quickly.
    await page.goto(`${web.url}/overlay/${overlay.secret}?seconds=1`);
    await page.waitForSelector('body[data-state="live"]');
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgba(0, 0, 0, 0)");

    const payload = `<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script>`;
    await tip(3_000, payload);
    const first = page.locator(".alert__message").first();
    await expect.poll(() => first.textContent(), { timeout: 5_000 }).toBe(payload);

    // The connection is cut: the web process dies. Tips go on through a second web process meanwhile.
    const port = new URL(web.url).port;
    await web.stop("SIGKILL");
    await page.waitForSelector('body[data-state="reconnecting"]');
    const other = await startWeb(testDb.env);
    const api = apiClient(other.url);
    const fan = await api.signUp("Second Fan");
    await api.topUp(fan.token, 10_000);
    const creatorHandle = (await testDb.db.selectFrom("creators").select("handle").where("id", "=", overlay.creatorId).executeTakeFirstOrThrow()).handle;
    for (const message of ["while down 1", "while down 2"]) {
      const answer = await api.tip(fan.token, { creator: creatorHandle, amount: 1_000, currency: "KRW", message }, randomUUID());
      expect(answer.status).toBe(201);
    }
    await other.stop();

    web = await startWeb({ ...testDb.env, PORT: port });
    const shown: string[] = [];
    await waitFor(
      async () => {
        const texts = await page.locator(".alert__message").allTextContents();
        for (const text of texts) if (!shown.includes(text)) shown.push(text);
        return shown.includes("while down 2");
      },
      20_000,
      "the missed alerts",
    );
    expect(shown.filter((m) => m.startsWith("while down"))).toEqual(["while down 1", "while down 2"]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await page.close();
  }, 90_000);
});
