// Creators' outgoing webhooks with a real workers process and a real HTTP receiver (a node:http server in this
// test): deliveries are signed, retried with backoff until the receiver accepts, every attempt is logged with its
// status and response, and a delivery can be replayed. Addresses on private networks are refused when not allowed.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { checkWebhookUrl, createWebhookEndpoint, isPrivateAddress, postWebhook, replayWebhookDelivery, rotateWebhookSecret } from "../../app/models/webhooks.server";
import { processPayout, requestPayoutNow } from "../../app/money/payouts.server";
import { TestmodePaymentProvider } from "../../app/money/testmode-provider.server";
import { enqueueWebhookDelivery } from "../../app/jobs/queues.server";
import { resetEnvForTests } from "../../app/utils/env.server";
import { verifyWebhookSignature } from "../../app/utils/webhook-signature";
import { useTestDatabase } from "../support/database";
import { makeCreatorWithAvailable, makeFan, tip } from "../support/fixtures";
import { startWorkers, waitFor, type RunningProcess } from "../support/processes";

const t = await useTestDatabase();
const provider = new TestmodePaymentProvider(t.db);

interface Received {
  at: number;
  headers: IncomingMessage["headers"];
  body: string;
  event: { id: string; type: string; data: Record<string, unknown> };
}
const received: Received[] = [];
/** How many more times the receiver answers 500 to a payout.paid event. */
let failPayoutPaid = 0;
let server: Server;
let receiverUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const event = JSON.parse(body);
      received.push({ at: Date.now(), headers: req.headers, body, event });
      if (event.type === "payout.paid" && failPayoutPaid > 0) {
        failPayoutPaid--;
        res.writeHead(500, { "Content-Type": "text/plain" }).end("receiver is down for maintenance");
        return;
      }
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ received: event.id }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/sodam`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
const running: RunningProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop("SIGKILL")));
});

const deliveryOf = (eventId: string) => t.db.selectFrom("webhook_deliveries").selectAll().where("event_id", "=", eventId).executeTakeFirst();
const attemptsOf = (deliveryId: string) =>
  t.db.selectFrom("webhook_attempts").selectAll().where("delivery_id", "=", deliveryId).orderBy("attempted_at").orderBy("id").execute();

describe("webhook deliveries", () => {
  it("retries a delivery the receiver refuses twice, with growing pauses, logs every attempt, and can replay it", async () => {
    const { creator } = await makeCreatorWithAvailable(t.db, 30_000);
    const fan = await makeFan(t.db, { balance: 5_000 });
    const { endpoint, secret } = await createWebhookEndpoint(t.db, { creatorId: creator.id, url: receiverUrl, events: ["payout.paid", "tip.created"] });
    // Stored encrypted, never as the secret itself.
    const stored = await t.db.selectFrom("webhook_endpoints").select("secret_ciphertext").where("id", "=", endpoint.id).executeTakeFirstOrThrow();
    expect(stored.secret_ciphertext).not.toContain(secret.slice(6));

    failPayoutPaid = 2;
    const workers = startWorkers({ ...t.env, WEBHOOK_BACKOFF_MS: "300", WEBHOOK_SWEEP_MS: "200", WEBHOOK_MAX_ATTEMPTS: "5" });
    running.push(workers);

    const payout = await requestPayoutNow(t.db, creator.id);
    await processPayout(t.db, provider, payout.id);
    const eventId = `payout.paid:${payout.id}`;
    const delivered = await waitFor(async () => {
      const d = await deliveryOf(eventId);
      return d?.status === "succeeded" ? d : null;
    }, 30_000, "the payout.paid delivery");
    expect(delivered).toMatchObject({ attempts: 3, endpoint_id: endpoint.id });

    const attempts = await attemptsOf(delivered.id);
    expect(attempts.map((a) => [a.status_code, a.response_snippet])).toEqual([
      [500, "receiver is down for maintenance"],
      [500, "receiver is down for maintenance"],
      [200, JSON.stringify({ received: eventId })],
    ]);
    // Exponential backoff: 300 ms, then 600 ms.
    const gaps = attempts.slice(1).map((a, i) => a.attempted_at.getTime() - attempts[i].attempted_at.getTime());
    expect(gaps[0]).toBeGreaterThanOrEqual(250);
    expect(gaps[1]).toBeGreaterThanOrEqual(550);

    const calls = received.filter((r) => r.event.id === eventId);
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      expect(call.body).toBe(delivered.body);
      expect(call.headers["sodam-event-id"]).toBe(eventId);
      expect(verifyWebhookSignature({ secret, header: call.headers["sodam-signature"] as string, body: call.body })).toBe(true);
    }
    expect(calls[0].event).toMatchObject({ type: "payout.paid", data: { payoutId: payout.id, amount: 30_000, net: 29_010, withholding: { total: 990 } } });

    // The tip.created event of a new tip reaches the endpoint too (through the outbox relay).
    const sent = await tip(t.db, fan, creator, 1_000, "for the webhook");
    await waitFor(async () => (await deliveryOf(`tip.created:${sent.id}`))?.status === "succeeded", 30_000, "the tip.created delivery");
    expect(received.find((r) => r.event.id === `tip.created:${sent.id}`)!.event.data).toMatchObject({ tipId: sent.id, amount: 1_000, message: "for the webhook" });

    // Replay after rotating the secret: one more attempt, signed with the new secret.
    const rotated = await rotateWebhookSecret(t.db, { creatorId: creator.id, endpointId: endpoint.id });
    const replay = await replayWebhookDelivery(t.db, { creatorId: creator.id, deliveryId: delivered.id });
    expect(replay.generation).toBe(1);
    await enqueueWebhookDelivery(replay.deliveryId, replay.generation);
    await waitFor(async () => (await attemptsOf(delivered.id)).length === 4 && (await deliveryOf(eventId))?.status === "succeeded", 30_000, "the replay");
    const last = received.filter((r) => r.event.id === eventId).at(-1)!;
    expect(verifyWebhookSignature({ secret: rotated.secret, header: last.headers["sodam-signature"] as string, body: last.body })).toBe(true);
    expect(verifyWebhookSignature({ secret, header: last.headers["sodam-signature"] as string, body: last.body })).toBe(false);
    expect(await replayWebhookDelivery(t.db, { creatorId: creator.id + 1_000, deliveryId: delivered.id }).catch((e) => e.code)).toBe("webhook_delivery_not_found");
  });

  it("marks a delivery failed when its attempts run out", async () => {
    const { creator } = await makeCreatorWithAvailable(t.db, 20_000);
    await createWebhookEndpoint(t.db, { creatorId: creator.id, url: receiverUrl, events: ["payout.paid"] });
    failPayoutPaid = 10;
    const workers = startWorkers({ ...t.env, WEBHOOK_BACKOFF_MS: "100", WEBHOOK_SWEEP_MS: "200", WEBHOOK_MAX_ATTEMPTS: "3" });
    running.push(workers);
    const payout = await requestPayoutNow(t.db, creator.id);
    await processPayout(t.db, provider, payout.id);
    const failed = await waitFor(async () => {
      const d = await deliveryOf(`payout.paid:${payout.id}`);
      return d?.status === "failed" ? d : null;
    }, 30_000, "the delivery to fail");
    expect(failed.attempts).toBe(3);
    expect((await attemptsOf(failed.id)).map((a) => a.status_code)).toEqual([500, 500, 500]);
    failPayoutPaid = 0;
  });
});

describe("webhook addresses", () => {
  it("refuses private and loopback addresses unless they are allowed, and malformed ones always", async () => {
    expect(await checkWebhookUrl(receiverUrl)).toBeInstanceOf(URL); // tests allow a local receiver
    process.env.WEBHOOK_ALLOW_PRIVATE_URLS = "false";
    resetEnvForTests();
    try {
      for (const url of [receiverUrl, "https://127.0.0.1/", "https://10.1.2.3/x", "https://[::1]/", "https://169.254.169.254/latest", "https://192.168.0.10/", "https://[::ffff:127.0.0.1]/", "http://93.184.216.34/"]) {
        await expect(checkWebhookUrl(url), url).rejects.toMatchObject({ status: 422, code: "webhook_url_invalid" });
      }
      expect(await checkWebhookUrl("https://93.184.216.34/hooks")).toBeInstanceOf(URL);
    } finally {
      delete process.env.WEBHOOK_ALLOW_PRIVATE_URLS;
      resetEnvForTests();
    }
    for (const url of ["ftp://example.com/", "https://user:pw@example.com/", "not a url"]) {
      await expect(checkWebhookUrl(url), url).rejects.toMatchObject({ status: 422, code: "webhook_url_invalid" });
    }
    expect([isPrivateAddress("::ffff:10.0.0.1"), isPrivateAddress("fd12::1"), isPrivateAddress("100.64.0.1"), isPrivateAddress("8.8.8.8")]).toEqual([true, true, true, false]);
  });

  it("checks the address a delivery connects to, not only the one checked before (DNS rebinding)", async () => {
    process.env.WEBHOOK_ALLOW_PRIVATE_URLS = "false";
    resetEnvForTests();
    try {
      // "localhost" stands for a public name that resolves to a private address by the time of the delivery.
      await expect(postWebhook("https://localhost:9/hook", {}, "{}", 2_000)).rejects.toMatchObject({ code: "EPRIVATEADDRESS" });
    } finally {
      delete process.env.WEBHOOK_ALLOW_PRIVATE_URLS;
      resetEnvForTests();
    }
  });

  it("refuses unknown events and more than five endpoints", async () => {
    const { creator } = await makeCreatorWithAvailable(t.db, 1_000);
    await expect(createWebhookEndpoint(t.db, { creatorId: creator.id, url: receiverUrl, events: ["tip.deleted"] })).rejects.toMatchObject({ code: "webhook_event_unknown" });
    await expect(createWebhookEndpoint(t.db, { creatorId: creator.id, url: receiverUrl, events: [] })).rejects.toMatchObject({ code: "webhook_events_required" });
    for (let i = 0; i < 5; i++) await createWebhookEndpoint(t.db, { creatorId: creator.id, url: `${receiverUrl}?n=${i}`, events: ["tip.created"] });
    await expect(createWebhookEndpoint(t.db, { creatorId: creator.id, url: receiverUrl, events: ["tip.created"] })).rejects.toMatchObject({ code: "webhook_limit" });
  });
});
