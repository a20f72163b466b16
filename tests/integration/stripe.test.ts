// Real money through Stripe, end to end against a Stripe-compatible fake (tests/support/fake-stripe.ts): the real
// web server and workers with a Stripe secret key, the SDK pointed at the fake, webhooks signed with the SDK's own
// helper and posted to /webhooks/stripe. Every webhook effect happens once, whatever the order or number of
// deliveries; refunds and chargebacks reverse a tip wherever it is; payouts go to Connect accounts, once.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { chromium } from "@playwright/test";
import { afterAll, describe, expect, it } from "vitest";
import { closeQueues, getQueue, QUEUES } from "../../app/jobs/queues.server";
import { findTipIdByPayment } from "../../app/money/receipts.server";
import { getCreatorByHandle } from "../../app/models/creators.server";
import { tipByCard } from "../../app/money/payments.server";
import { reservePayout } from "../../app/money/payouts.server";
import { PermanentProviderError } from "../../app/money/provider.server";
import { processProviderEvent, replayProviderEvents } from "../../app/money/provider-events.server";
import { StripePaymentProvider, createStripeClient, type StripeSettings } from "../../app/money/stripe-provider.server";
import { apiClient } from "../support/api-client";
import { useTestDatabase } from "../support/database";
import { FakeStripe, STRIPE_API_VERSION, type StripeEvent } from "../support/fake-stripe";
import { creatorBalances, makeFan, postingOf, tip, tipsInFlight, walletBalance } from "../support/fixtures";
import { startWeb, startWorkers, waitFor, type RunningProcess } from "../support/processes";
import { webSession } from "../support/web-session";
import { recordBrowserErrors } from "../support/browser-errors";

const SECRET_KEY = "sk_test_sodamFake0000000000000000";
const WEBHOOK_SECRET = "whsec_sodamFakeWebhookSecret000000";

const t = await useTestDatabase();
const fake = await FakeStripe.start({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET });
const env = {
  ...t.env,
  STRIPE_SECRET_KEY: SECRET_KEY,
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_PUBLISHABLE_KEY: "pk_test_sodamFake",
  STRIPE_API_HOST: "127.0.0.1",
  STRIPE_API_PORT: String(fake.port),
  STRIPE_API_PROTOCOL: "http",
  STRIPE_EVENTS_SWEEP_MS: "500",
  SETTLEMENT_INTERVAL_MS: "500",
};
const web = await startWeb(env);
fake.webhookUrl = `${web.url}/webhooks/stripe`;
let workers: RunningProcess = startWorkers(env);
const api = apiClient(web.url);

// The same adapter in this process, for card tips at any stage of their life and provider-level checks.
const settings: StripeSettings = {
  secretKey: SECRET_KEY,
  paymentMethodTypes: ["card", "kr_card", "kakao_pay", "naver_pay", "payco", "samsung_pay"],
  connectCountry: "KR",
  api: { host: "127.0.0.1", port: fake.port, protocol: "http" },
};
const stripe = new StripePaymentProvider(t.db, createStripeClient(settings), settings);
const FEE_BPS = 500;

afterAll(async () => {
  await workers.stop();
  await web.stop();
  await fake.stop();
  await closeQueues();
});

const eventRow = (id: string) => t.db.selectFrom("provider_events").selectAll().where("id", "=", id).executeTakeFirst();
/** Waits for the workers to process a stored event; a timeout names the event's last error, if any. */
const processed = async (event: StripeEvent | string, timeoutMs = 30_000) => {
  const id = typeof event === "string" ? event : event.id;
  try {
    return await waitFor(async () => {
      const row = await eventRow(id);
      return row?.processed_at ? row : null;
    }, timeoutMs, `event ${id} processed`);
  } catch (error) {
    const row = await eventRow(id);
    throw new Error(`${(error as Error).message} (${row ? `attempts ${row.attempts}, error ${row.error}` : "not stored"})`);
  }
};
const paymentOf = (intentId: string) =>
  t.db.selectFrom("payments").selectAll().where("provider", "=", "stripe").where("provider_payment_id", "=", intentId).executeTakeFirstOrThrow();
const tipOfPayment = (paymentId: string) => t.db.selectFrom("tips").selectAll().where("payment_id", "=", paymentId).execute();
const postings = async (key: string) => (await t.db.selectFrom("ledger_transactions").select("id").where("key", "=", key).execute()).length;
const intentsOf = (purpose: "topup" | "tip", id: string) =>
  fake.requestsTo("POST", "/v1/payment_intents").filter((r) => r.status === 200 || r.status === 402).filter((r) =>
    purpose === "topup" ? r.params.metadata?.sodam_user_id === id : r.params.metadata?.sodam_creator_id === id,
  );
const lastEvent = (type: string, objectId: string) => {
  const found = [...fake.events].reverse().find((e) => e.type === type && e.data.object.id === objectId);
  if (!found) throw new Error(`no ${type} event for ${objectId}`);
  return found;
};

function topUp(token: string, body: Record<string, unknown>, key: string = randomUUID()) {
  return api.request("POST", "/api/v1/me/wallet/topups", { token, body, headers: { "Idempotency-Key": key } });
}

/** A guest's card tip through the Stripe adapter; returns the outcome and the PaymentIntent id. */
async function cardTip(handle: string, amount: number, card = "pm_card_visa") {
  const creator = (await getCreatorByHandle(t.db, handle))!;
  const outcome = await t.db.transaction().execute((trx) =>
    tipByCard(trx, stripe, { fan: null, supporterName: "손님", creator, input: { amount, currency: "KRW", message: "응원해요!" }, card, providerKey: `tip:${randomUUID()}` }),
  );
  const payment = await t.db.selectFrom("payments").select("provider_payment_id").where("id", "=", outcome.payment.id).executeTakeFirstOrThrow();
  return { outcome, intentId: payment.provider_payment_id!, creator };
}

/**
 * The tip a successful card payment made. Stripe's payment_intent.succeeded webhook may reach the workers and record
 * the tip before the synchronous call does (then that call finds it, with no new result): either way, one tip.
 */
async function tipIdOf(result: { id: string } | null, paymentId: string) {
  return result?.id ?? (await findTipIdByPayment(t.db, paymentId)) ?? "";
}

describe("payments", () => {
  it("charges a top-up once, in KRW minor units with Sodam's idempotency key, and credits the wallet once", async () => {
    const fan = await api.signUp("Stripe fan");
    const key = randomUUID();
    const first = await topUp(fan.token, { amount: 10_000, currency: "KRW", card: "pm_card_visa" }, key);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: "succeeded", amount: 10_000, currency: "KRW", balance: 10_000, testMode: false });

    const intents = intentsOf("topup", String(fan.id));
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({
      idempotencyKey: `topup:${fan.id}:${key}`,
      stripeVersion: STRIPE_API_VERSION,
      params: {
        amount: "10000",
        currency: "krw",
        payment_method: "pm_card_visa",
        confirm: "true",
        automatic_payment_methods: { enabled: "true", allow_redirects: "never" },
        metadata: { sodam_purpose: "topup", sodam_user_id: String(fan.id) },
      },
    });

    // Stripe's own success event arrives as well and changes nothing.
    const intentId = (await t.db.selectFrom("payments").select("provider_payment_id").where("id", "=", first.body.paymentId).executeTakeFirstOrThrow()).provider_payment_id!;
    await fake.settled();
    // (The first event also waits for the workers process to start.)
    expect((await processed(lastEvent("payment_intent.succeeded", intentId), 90_000)).outcome).toMatch(/already succeeded/);

    // The client retries: Sodam answers from its idempotency store; Stripe is not asked again.
    const again = await topUp(fan.token, { amount: 10_000, currency: "KRW", card: "pm_card_visa" }, key);
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(intentsOf("topup", String(fan.id))).toHaveLength(1);
    expect(await walletBalance(t.db, fan.id)).toBe(10_000);
    expect(await postings(`topup:${first.body.paymentId}`)).toBe(1);
  });

  it("at the provider, the same key replays the first PaymentIntent and the key with other parameters is refused", async () => {
    const request = { amount: 5_000, currency: "KRW" as const, card: "pm_card_visa", idempotencyKey: `probe:${randomUUID()}`, description: "probe" };
    const first = await stripe.charge(request);
    const second = await stripe.charge(request);
    expect(second).toEqual(first);
    expect(fake.requests.filter((r) => r.idempotencyKey === request.idempotencyKey).map((r) => r.replayed)).toEqual([false, true]);
    await expect(stripe.charge({ ...request, amount: 6_000 })).rejects.toBeInstanceOf(PermanentProviderError);
    await expect(stripe.charge({ ...request, idempotencyKey: randomUUID(), card: "4242424242424242" })).rejects.toThrow(/PaymentMethod id/);

    // A 5xx is retried by the SDK with the same key; an outage that outlasts the retries is a retryable error.
    const refundKey = `refund:probe-${randomUUID()}`;
    fake.failNext("/v1/refunds", 500, 1);
    expect(await stripe.refund({ providerPaymentId: first.providerPaymentId, amount: 1_000, idempotencyKey: refundKey })).toMatchObject({ refundId: expect.stringMatching(/^re_/) });
    expect(fake.requests.filter((r) => r.idempotencyKey === refundKey).map((r) => r.status)).toEqual([500, 200]);
    fake.failNext("/v1/refunds", 503, 3);
    const outage = stripe.refund({ providerPaymentId: first.providerPaymentId, amount: 1_000, idempotencyKey: `refund:probe-${randomUUID()}` });
    await expect(outage).rejects.toThrow();
    await expect(outage).rejects.not.toBeInstanceOf(PermanentProviderError);
  });

  it("answers a declined card with 402, records the payment failed and credits nothing", async () => {
    const fan = await api.signUp("Declined fan");
    const answer = await topUp(fan.token, { amount: 10_000, currency: "KRW", card: "pm_card_chargeDeclined" });
    expect(answer.status).toBe(402);
    expect(answer.headers.get("Content-Type")).toMatch(/problem\+json/);
    expect(answer.body).toMatchObject({ code: "card_declined" });
    const [intent] = intentsOf("topup", String(fan.id));
    expect(intent.status).toBe(402);
    const payment = await t.db.selectFrom("payments").selectAll().where("user_id", "=", fan.id).executeTakeFirstOrThrow();
    expect(payment).toMatchObject({ status: "failed", failure_code: "card_declined", provider: "stripe" });
    await fake.settled();
    expect((await processed(lastEvent("payment_intent.payment_failed", payment.provider_payment_id!))).outcome).toMatch(/stays failed/);
    expect(await walletBalance(t.db, fan.id)).toBe(0);
  });

  it("keeps a 3-D Secure payment pending and credits it only when a signed payment_intent.succeeded arrives — once", async () => {
    const fan = await api.signUp("3DS fan");
    const answer = await topUp(fan.token, { amount: 10_000, currency: "KRW", card: "pm_card_authenticationRequired" });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ status: "pending", balance: 0 });
    expect(answer.body.clientSecret).toMatch(/^pi_\w+_secret_\w+$/);
    const intentId = answer.body.clientSecret.split("_secret_")[0];
    expect(await paymentOf(intentId)).toMatchObject({ status: "pending" });
    expect(await postings(`topup:${answer.body.paymentId}`)).toBe(0);

    const [succeeded] = fake.completeAuthentication(intentId);
    await fake.settled();
    expect((await processed(succeeded)).outcome).toMatch(/credited/);
    expect(await walletBalance(t.db, fan.id)).toBe(10_000);

    // Stripe delivers it again (at least once), freshly signed: stored once, credited once.
    const duplicate = await fake.deliver(succeeded);
    expect(duplicate).toMatchObject({ status: 200, body: { received: true, duplicate: true } });
    expect(await t.db.selectFrom("provider_events").select("id").where("id", "=", succeeded.id).execute()).toHaveLength(1);
    expect(await walletBalance(t.db, fan.id)).toBe(10_000);
    expect(await postings(`topup:${answer.body.paymentId}`)).toBe(1);
  });

  it("starts a Payment Element top-up without a card: a client secret for the browser, Korean wallets allowed", async () => {
    const fan = await api.signUp("Wallet fan");
    const answer = await topUp(fan.token, { amount: 30_000, currency: "KRW" });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ status: "pending", publishableKey: "pk_test_sodamFake", testMode: false });
    const [intent] = intentsOf("topup", String(fan.id));
    expect(intent.params).toMatchObject({ amount: "30000", currency: "krw", allowed_payment_method_types: settings.paymentMethodTypes });
    expect(intent.params.payment_method_types).toBeUndefined();
    expect(intent.params.confirm).toBeUndefined();
    expect(await walletBalance(t.db, fan.id)).toBe(0);
  });
});

describe("webhook signatures", () => {
  const unsentEvent = () => fake.event("payment_intent.succeeded", { id: `pi_${randomUUID().replace(/-/g, "")}`, object: "payment_intent", amount: 1_000, currency: "krw", metadata: {} });

  it("refuses a wrong, missing, tampered or old signature with 400 and stores nothing", async () => {
    const event = unsentEvent();
    const attempts = [
      await fake.deliver(event, { secret: "whsec_someoneElse" }),
      await fake.deliver(event, { unsigned: true }),
      await fake.deliver(event, { tamper: (body) => body.replace('"amount": 1000', '"amount": 1') }),
      await fake.deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 600 }),
    ];
    for (const attempt of attempts) {
      expect(attempt.status).toBe(400);
      expect(attempt.body).toMatchObject({ status: 400, code: "invalid_signature" });
    }
    expect(await eventRow(event.id)).toBeUndefined();
    expect((await api.request("GET", "/webhooks/stripe")).status).toBe(405);
  });
});

describe("refunds and chargebacks reverse a card tip wherever it is", () => {
  it("ends right when charge.refunded arrives before payment_intent.succeeded", async () => {
    const creator = await api.newCreator();
    const inFlight = await tipsInFlight(t.db);
    const { outcome, intentId } = await cardTip(creator.handle, 5_000, "pm_card_authenticationRequired");
    expect(outcome).toMatchObject({ ok: true, payment: { status: "pending" }, result: null });

    fake.autoDeliver = false;
    const [succeeded] = fake.completeAuthentication(intentId);
    const [refunded] = fake.refundFromDashboard(intentId);
    fake.autoDeliver = true;
    await fake.deliverHeld((e) => e.id === refunded.id);
    expect((await processed(refunded)).outcome).toMatch(/reversed/);
    const payment = await paymentOf(intentId);
    expect(payment.status).toBe("refunded");
    expect(await tipOfPayment(payment.id)).toMatchObject([{ status: "refunded", amount: 5_000, source: "card" }]);

    await fake.deliverHeld((e) => e.id === succeeded.id);
    expect((await processed(succeeded)).outcome).toMatch(/already refunded/);
    expect(await tipOfPayment(payment.id)).toHaveLength(1);
    expect(await tipsInFlight(t.db)).toBe(inFlight);
    // Sodam never asked Stripe for a refund it had already made.
    expect(fake.requestsTo("POST", "/v1/refunds").filter((r) => r.params.payment_intent === intentId)).toHaveLength(0);
  });

  it("a dispute on a pending tip reverses it; events whose jobs Redis lost are processed by the sweep", async () => {
    await workers.stop(); // nothing settles the tip meanwhile
    const creator = await api.newCreator();
    const { outcome, intentId } = await cardTip(creator.handle, 3_000);
    expect(outcome).toMatchObject({ ok: true, payment: { status: "succeeded" }, result: { status: "pending" } });
    const tipId = outcome.ok ? await tipIdOf(outcome.result, outcome.payment.id) : "";
    const { events: [disputed] } = fake.openDispute(intentId);
    await fake.settled();
    const succeeded = lastEvent("payment_intent.succeeded", intentId);
    expect(await eventRow(succeeded.id)).toMatchObject({ processed_at: null });
    expect(await eventRow(disputed.id)).toMatchObject({ processed_at: null });

    await getQueue(QUEUES.stripeEvents).obliterate({ force: true }); // the jobs are gone
    // The dispute is applied here, with the tip still pending, by the function the worker runs.
    expect(await processProviderEvent(t.db, stripe, disputed.id, { feeBps: FEE_BPS })).toMatchObject({ status: "processed", outcome: expect.stringMatching(/reversed/) });
    expect(await t.db.selectFrom("tips").select(["status", "settlement_id"]).where("id", "=", tipId).executeTakeFirstOrThrow()).toEqual({ status: "refunded", settlement_id: null });
    expect(await t.db.selectFrom("disputes").select(["status", "amount", "currency"]).where("id", "=", disputed.data.object.id).executeTakeFirstOrThrow()).toEqual({
      status: "needs_response",
      amount: 3_000,
      currency: "KRW",
    });

    workers = startWorkers(env);
    // A process start is slow on a busy machine; the sweep then finds the event within a second.
    expect((await processed(succeeded, 90_000)).outcome).toMatch(/already refunded/);
    expect(await creatorBalances(t.db, (await getCreatorByHandle(t.db, creator.handle))!)).toEqual({ pending: 0, available: 0, inTransit: 0 });
  });

  it("a dispute on a settled tip takes the creator's share back; winning it gives back exactly that, once", async () => {
    const creator = await api.newCreator();
    const { outcome, intentId } = await cardTip(creator.handle, 10_000);
    const tipId = outcome.ok ? await tipIdOf(outcome.result, outcome.payment.id) : "";
    await waitFor(async () => (await t.db.selectFrom("tips").select("status").where("id", "=", tipId).executeTakeFirstOrThrow()).status === "settled", 20_000, "tip settled");
    const c = (await getCreatorByHandle(t.db, creator.handle))!;
    const before = await creatorBalances(t.db, c);
    expect(before.pending + before.available).toBe(9_500);

    const { dispute, events: [created] } = fake.openDispute(intentId);
    expect((await processed(created)).outcome).toMatch(/reversed/);
    const balances = await creatorBalances(t.db, c);
    expect(balances.pending + balances.available).toBe(0);
    expect(await tipOfPayment((await paymentOf(intentId)).id)).toMatchObject([{ status: "refunded" }]);
    expect(await t.db.selectFrom("disputes").select("reversal_key").where("id", "=", dispute.id).executeTakeFirstOrThrow()).toEqual({ reversal_key: `refund:${tipId}` });

    const [closed] = fake.closeDispute(dispute.id, "won");
    expect((await processed(closed)).outcome).toMatch(/won: tip .* 10000 given back/);
    expect(await t.db.selectFrom("disputes").select("status").where("id", "=", dispute.id).executeTakeFirstOrThrow()).toEqual({ status: "won" });
    expect(await tipOfPayment((await paymentOf(intentId)).id)).toMatchObject([{ status: "settled", refunded_amount: 0 }]);
    expect(await paymentOf(intentId)).toMatchObject({ status: "succeeded" });
    const after = await creatorBalances(t.db, c);
    expect(after.pending + after.available).toBe(9_500);
    expect(await postingOf(t.db, `dispute_won:${dispute.id}`)).toEqual(
      Object.fromEntries(Object.entries((await postingOf(t.db, `refund:${tipId}`))!).map(([account, amount]) => [account, -amount])),
    );

    // Delivered again, and replayed: given back once.
    expect(await fake.deliver(closed)).toMatchObject({ status: 200, body: { duplicate: true } });
    expect(await processProviderEvent(t.db, stripe, closed.id, { feeBps: FEE_BPS, force: true })).toMatchObject({ outcome: expect.stringMatching(/given back already/) });
    expect(await postings(`dispute_won:${dispute.id}`)).toBe(1);
    expect(await creatorBalances(t.db, c)).toEqual(after);
  });

  it("a won dispute on a tip refunded before it gives nothing back; an event from the other mode is stored, not applied", async () => {
    const admin = await api.signUp("Dispute admin");
    await t.db.updateTable("users").set({ role: "admin" }).where("id", "=", admin.id).execute();
    const creator = await api.newCreator();
    const { outcome, intentId } = await cardTip(creator.handle, 2_000);
    const tipId = outcome.ok ? await tipIdOf(outcome.result, outcome.payment.id) : "";
    expect((await api.request("POST", `/api/v1/admin/tips/${tipId}/refund`, { token: admin.token })).status).toBe(200);
    // Stripe refuses to refund a disputed charge but may open a dispute on a refunded one: it took nothing here.
    const { dispute, events: [created] } = fake.openDispute(intentId);
    expect((await processed(created)).outcome).toMatch(/already reversed/);
    const [won] = fake.closeDispute(dispute.id, "won");
    expect((await processed(won)).outcome).toMatch(/nothing to give back/);
    expect(await postings(`dispute_won:${dispute.id}`)).toBe(0);
    expect(await tipOfPayment((await paymentOf(intentId)).id)).toMatchObject([{ status: "refunded" }]);

    // A live-mode event reaching a test-mode setup: stored, marked, and nothing happens.
    const pending = await cardTip(creator.handle, 3_000, "pm_card_authenticationRequired");
    const live = fake.event("payment_intent.succeeded", { ...fake.objects.get(pending.intentId)!, status: "succeeded" });
    (live as { livemode: boolean }).livemode = true;
    expect((await fake.deliver(live)).status).toBe(200);
    expect((await processed(live)).outcome).toMatch(/not applied: a live-mode event, but the configured key is test/);
    expect(await eventRow(live.id)).toMatchObject({ livemode: true });
    expect(await paymentOf(pending.intentId)).toMatchObject({ status: "pending" });
    expect(await tipOfPayment(pending.outcome.payment.id)).toHaveLength(0);
  });

  it("a refund made in Stripe's dashboard reverses a settled tip without a second refund at Stripe", async () => {
    const creator = await api.newCreator();
    const { outcome, intentId } = await cardTip(creator.handle, 4_000);
    const tipId = outcome.ok ? await tipIdOf(outcome.result, outcome.payment.id) : "";
    await waitFor(async () => (await t.db.selectFrom("tips").select("status").where("id", "=", tipId).executeTakeFirstOrThrow()).status === "settled", 20_000, "tip settled");
    const [refunded] = fake.refundFromDashboard(intentId);
    expect((await processed(refunded)).outcome).toMatch(/reversed/);
    expect(await t.db.selectFrom("tips").select("status").where("id", "=", tipId).executeTakeFirstOrThrow()).toEqual({ status: "refunded" });
    expect(fake.requestsTo("POST", "/v1/refunds").filter((r) => r.params.payment_intent === intentId)).toHaveLength(0);
  });

  it("a chargeback on a top-up takes back what the wallet holds; what was already tipped is the platform's loss", async () => {
    const fan = await api.signUp("Chargeback fan");
    const creator = await api.newCreator();
    const paid = await topUp(fan.token, { amount: 10_000, currency: "KRW", card: "pm_card_visa" });
    expect(paid.status).toBe(201);
    expect((await api.tip(fan.token, { creator: creator.handle, amount: 4_000, currency: "KRW" })).status).toBe(201);
    const intentId = (await t.db.selectFrom("payments").select("provider_payment_id").where("id", "=", paid.body.paymentId).executeTakeFirstOrThrow()).provider_payment_id!;

    const { events: [disputed] } = fake.openDispute(intentId);
    expect((await processed(disputed)).outcome).toMatch(/6000 from the wallet, 4000 loss/);
    expect(await walletBalance(t.db, fan.id)).toBe(0);
    expect(await paymentOf(intentId)).toMatchObject({ status: "refunded" });
    expect(await postings(`topup_refund:${paid.body.paymentId}`)).toBe(1);
    // The creator keeps the tip: they did nothing wrong.
    expect(await t.db.selectFrom("tips").select("status").where("fan_id", "=", fan.id).executeTakeFirstOrThrow()).not.toEqual({ status: "refunded" });
  });

  it("an admin refund asks Stripe once (keyed refund:<tip>) and the charge.refunded that follows changes nothing", async () => {
    const admin = await api.signUp("Admin");
    await t.db.updateTable("users").set({ role: "admin" }).where("id", "=", admin.id).execute();
    const creator = await api.newCreator();
    const { outcome, intentId } = await cardTip(creator.handle, 2_000);
    const tipId = outcome.ok ? await tipIdOf(outcome.result, outcome.payment.id) : "";

    expect((await api.request("POST", `/api/v1/admin/tips/${tipId}/refund`, { token: creator.token })).status).toBe(403);
    const refund = await api.request("POST", `/api/v1/admin/tips/${tipId}/refund`, { token: admin.token });
    expect(refund).toMatchObject({ status: 200, body: { tipId, status: "refunded", alreadyRefunded: false } });
    const refunds = fake.requestsTo("POST", "/v1/refunds").filter((r) => r.params.payment_intent === intentId);
    expect(refunds).toMatchObject([{ idempotencyKey: `refund:${tipId}`, params: { amount: "2000" }, status: 200 }]);

    await fake.settled();
    expect((await processed(lastEvent("charge.refunded", fake.objects.get(intentId)!.latest_charge))).outcome).toMatch(/already reversed/);
    const again = await api.request("POST", `/api/v1/admin/tips/${tipId}/refund`, { token: admin.token });
    expect(again.body).toMatchObject({ alreadyRefunded: true });
    expect(fake.requestsTo("POST", "/v1/refunds").filter((r) => r.params.payment_intent === intentId)).toHaveLength(1);
    expect(await postings(`refund:${tipId}`)).toBe(1);
  });
});

describe("Connect payouts", () => {
  it("onboards an Express account, pays only once it can receive transfers, exactly once, and reverses a reversed transfer", async () => {
    const creatorUser = await api.newCreator("KRW", { twoFactor: true });
    const creator = (await getCreatorByHandle(t.db, creatorUser.handle))!;

    const onboarding = await api.request("POST", "/api/v1/me/connect/onboarding", { token: creatorUser.token });
    expect(onboarding.status).toBe(201);
    expect(onboarding.body.url).toMatch(/^https:\/\/connect\.stripe\.com\//);
    const accountId: string = onboarding.body.account.accountId;
    expect(onboarding.body.account).toMatchObject({ country: "KR", ready: false, transfersActive: false });
    const created = fake.requestsTo("POST", "/v1/accounts").filter((r) => r.params.metadata?.sodam_creator_id === String(creator.id));
    expect(created).toMatchObject([
      {
        idempotencyKey: `connect-account:${creator.id}`,
        params: { type: "express", country: "KR", capabilities: { transfers: { requested: "true" } }, tos_acceptance: { service_agreement: "recipient" } },
      },
    ]);
    expect(fake.requestsTo("POST", "/v1/account_links").at(-1)!.params).toEqual({
      account: accountId,
      type: "account_onboarding",
      refresh_url: `${web.url}/dashboard/payouts?connect=refresh`,
      return_url: `${web.url}/dashboard/payouts?connect=return`,
    });
    const second = await api.request("POST", "/api/v1/me/connect/onboarding", { token: creatorUser.token });
    expect(second.body.account.accountId).toBe(accountId);
    expect(fake.requestsTo("POST", "/v1/accounts").filter((r) => r.params.metadata?.sodam_creator_id === String(creator.id))).toHaveLength(1);

    // Earnings: ₩20,000 of tips, settled and released (fee 5 %) → ₩19,000 available.
    const fan = await makeFan(t.db, { balance: 20_000 });
    await tip(t.db, fan, creator, 20_000);
    await waitFor(async () => (await creatorBalances(t.db, creator)).available === 19_000, 20_000, "earnings released");

    // Not ready yet: the payout is refused, not reserved.
    const refused = await api.request("POST", "/api/v1/me/payouts", { token: creatorUser.token });
    expect(refused).toMatchObject({ status: 422, body: { code: "payout_account_required" } });
    expect(await reservePayout(t.db, { creatorId: creator.id, period: "2030-W01", requirePayoutAccount: true })).toEqual({ skipped: "no_payout_account" });
    expect(await t.db.selectFrom("payouts").select("id").where("creator_id", "=", creator.id).execute()).toHaveLength(0);

    const [ready] = fake.updateAccount(accountId, { transfers: "active", payoutsEnabled: true, detailsSubmitted: true });
    expect((await processed(ready)).outcome).toMatch(/updated/);
    // An older snapshot delivered late does not undo it.
    const stale = fake.event("account.updated", { ...ready.data.object, capabilities: { transfers: "inactive" }, payouts_enabled: false }, { account: accountId, created: ready.created - 60 });
    expect((await fake.deliver(stale)).status).toBe(200);
    expect((await processed(stale)).outcome).toMatch(/stale/);
    const status = await api.request("GET", "/api/v1/me/connect", { token: creatorUser.token });
    expect(status.body).toMatchObject({ required: true, account: { accountId, ready: true, transfersActive: true, payoutsEnabled: true } });

    const requested = await api.request("POST", "/api/v1/me/payouts", { token: creatorUser.token });
    expect(requested).toMatchObject({ status: 202, body: { amount: 19_000, status: "processing" } });
    const payoutId: string = requested.body.id;
    await waitFor(async () => (await t.db.selectFrom("payouts").select("status").where("id", "=", payoutId).executeTakeFirstOrThrow()).status === "paid", 20_000, "payout paid");
    const transfers = fake.requestsTo("POST", "/v1/transfers").filter((r) => r.params.metadata?.sodam_payout_id === payoutId);
    expect(transfers).toHaveLength(1);
    // The creator is an individual paid in KRW: ₩570 income tax and ₩50 local income tax are withheld.
    expect(transfers[0]).toMatchObject({ idempotencyKey: `payout:${payoutId}`, status: 200, params: { amount: "18380", currency: "krw", destination: accountId } });
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 0, inTransit: 0 });

    const transferId = (await t.db.selectFrom("payouts").select("provider_transfer_id").where("id", "=", payoutId).executeTakeFirstOrThrow()).provider_transfer_id!;
    const [reversed] = fake.reverseTransfer(transferId);
    expect((await processed(reversed)).outcome).toMatch(/reversed/);
    expect(await t.db.selectFrom("payouts").select("status").where("id", "=", payoutId).executeTakeFirstOrThrow()).toEqual({ status: "reversed" });
    expect(await creatorBalances(t.db, creator)).toEqual({ pending: 0, available: 19_000, inTransit: 0 });
    expect(await postings(`payout_reversal:${payoutId}`)).toBe(1);

    const [bankFailed] = fake.failBankPayout(accountId, 19_000);
    await processed(bankFailed);
    const notices = (await api.request("GET", "/api/v1/me/connect", { token: creatorUser.token })).body.notices.map((n: { kind: string }) => n.kind);
    expect(notices.sort()).toEqual(["bank_payout_failed", "payout_reversed"]);
  });
});

describe("pages: a card payment that waits for the fan is shown pending, never as paid", () => {
  const paymentIdFrom = (location: string | null) => {
    const match = /^\/payments\/([0-9a-f-]{36})(\?.*)?$/.exec(location ?? "");
    if (!match) throw new Error(`expected a redirect to a payment page, got ${location}`);
    return match[1];
  };
  const providerIdOf = async (paymentId: string) =>
    (await t.db.selectFrom("payments").select("provider_payment_id").where("id", "=", paymentId).executeTakeFirstOrThrow()).provider_payment_id!;

  it("a 3-D Secure card tip from the creator page goes to the payment page; the tip exists only once the signed webhook arrives", async () => {
    const creator = await api.newCreator();
    const guest = webSession(web.url);
    const form = await guest.get(`/@${creator.handle}`);
    // With a publishable key the card is taken by Stripe's Payment Element on the next page, not by Sodam.
    expect(form.text).toContain('data-testid="pay-next-step"');
    expect(form.text).not.toContain('name="card"');

    const posted = await guest.post(`/@${creator.handle}`, {
      intent: "tip",
      method: "card",
      amount: "5000",
      message: "힘내세요",
      supporterName: "손님",
      card: "pm_card_authenticationRequired",
      idempotencyKey: randomUUID(),
    });
    expect(posted.status).toBe(302);
    const paymentId = paymentIdFrom(posted.location);
    const intentId = await providerIdOf(paymentId);
    expect(fake.objects.get(intentId)).toMatchObject({ status: "requires_action" });

    const pending = await guest.get(`/payments/${paymentId}`);
    expect(pending.status).toBe(200);
    expect(pending.text).toContain('data-status="pending"');
    expect(pending.text).toContain('id="payment-element"');
    expect(pending.text).toMatch(/<script src="https:\/\/js\.stripe\.com\/v3" nonce="[^"]+"/);
    expect(pending.text).toContain(fake.objects.get(intentId)!.client_secret);
    expect(pending.text).toContain(`${web.url}/payments/${paymentId}`); // the return_url
    const csp = pending.headers.get("Content-Security-Policy")!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' https:\/\/js\.stripe\.com;/);
    expect(csp).toContain("connect-src 'self' https://api.stripe.com;");
    expect(csp).toContain("frame-src 'self' https://js.stripe.com https://hooks.stripe.com;");
    expect(await tipOfPayment(paymentId)).toHaveLength(0);

    // Stripe brings the fan back after 3-D Secure before its webhook got here: still pending, still no tip.
    fake.autoDeliver = false;
    const [succeeded] = fake.completeAuthentication(intentId);
    fake.autoDeliver = true;
    const back = await guest.get(`/payments/${paymentId}?payment_intent=${intentId}&payment_intent_client_secret=x&redirect_status=succeeded`);
    expect(back.status).toBe(200);
    expect(back.text).toContain('data-testid="payment-waiting"');
    expect(back.text).not.toContain('id="payment-element"');
    expect(await tipOfPayment(paymentId)).toHaveLength(0);

    expect((await fake.deliverHeld((e) => e.id === succeeded.id))[0].status).toBe(200);
    expect((await processed(succeeded)).outcome).toMatch(/card tip .* recorded/);
    const [recorded] = await tipOfPayment(paymentId);
    expect(recorded).toMatchObject({ amount: 5_000, source: "card", message: "힘내세요" });
    const done = await guest.get(`/payments/${paymentId}`);
    expect(done).toMatchObject({ status: 302, location: `/tips/${recorded.id}` });
  });

  it("in a browser, the payment page Stripe returns to follows on to the receipt by itself once the webhook is in", async () => {
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
    try {
      const creator = await api.newCreator();
      const guest = webSession(web.url);
      const posted = await guest.post(`/@${creator.handle}`, { intent: "tip", method: "card", amount: "2000", card: "pm_card_authenticationRequired", idempotencyKey: randomUUID() });
      const paymentId = paymentIdFrom(posted.location);
      const intentId = await providerIdOf(paymentId);
      const page = await browser.newPage();
      // No internet here: nothing may reach Stripe (this page does not load Stripe.js once the fan is back).
      const toStripe: string[] = [];
      await page.route(/stripe\.com/, (route) => {
        toStripe.push(route.request().url());
        return route.abort();
      });
      const errors = recordBrowserErrors(page);
      await page.goto(`${web.url}/payments/${paymentId}?payment_intent=${intentId}&redirect_status=succeeded`);
      await page.getByTestId("payment-waiting").waitFor();
      expect(await page.getByTestId("payment-page").getAttribute("data-status")).toBe("pending");

      fake.completeAuthentication(intentId);
      await page.waitForURL(/\/tips\/[0-9a-f-]{36}$/, { timeout: 30_000 });
      const [recorded] = await tipOfPayment(paymentId);
      expect(page.url()).toBe(`${web.url}/tips/${recorded.id}`);
      expect(errors).toEqual([]);
      expect(toStripe).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it("a card tip from the widget waits inside the widget's frame and ends on the widget's thank-you", async () => {
    const creator = await api.newCreator();
    const guest = webSession(web.url);
    const posted = await guest.post(`/embed/${creator.handle}?theme=dark`, { intent: "tip", method: "card", amount: "3000", card: "pm_card_authenticationRequired", idempotencyKey: randomUUID() });
    expect(posted.status).toBe(302);
    expect(posted.location).toMatch(new RegExp(`^/payments/[0-9a-f-]{36}\\?theme=dark&embed=${creator.handle}$`));
    const paymentId = paymentIdFrom(posted.location);
    const page = await guest.get(posted.location!);
    expect(page.status).toBe(200);
    expect(page.headers.get("X-Frame-Options")).toBeNull();
    expect(page.headers.get("Content-Security-Policy")).toContain("frame-ancestors *");
    // The return_url, in the page's data (where "&" is written \u0026).
    expect(page.text).toContain(`${web.url}/payments/${paymentId}?theme=dark\\u0026embed=${creator.handle}`);

    const [succeeded] = fake.completeAuthentication(await providerIdOf(paymentId));
    await processed(succeeded);
    const [recorded] = await tipOfPayment(paymentId);
    expect(await guest.get(posted.location!)).toMatchObject({ status: 302, location: `/embed/${creator.handle}?theme=dark&tipped=${recorded.id}` });
    // Another creator's handle in the address is not followed.
    expect((await guest.get(`/payments/${paymentId}?embed=someone-else`)).location).toBe(`/tips/${recorded.id}`);
  });

  it("without a card the Payment Element pays: an unconfirmed PaymentIntent, confirmed in the browser, recorded from the webhook", async () => {
    const creator = await api.newCreator();
    const guest = webSession(web.url);
    const posted = await guest.post(`/@${creator.handle}`, { intent: "tip", method: "card", amount: "3000", supporterName: "Element fan", idempotencyKey: randomUUID() });
    expect(posted.status).toBe(302);
    const paymentId = paymentIdFrom(posted.location);
    const intentId = await providerIdOf(paymentId);
    const [intent] = fake.requestsTo("POST", "/v1/payment_intents").filter((r) => r.status === 200 && r.params.metadata?.sodam_creator_id && r.idempotencyKey?.startsWith("card-tip:") && !r.params.confirm).slice(-1);
    expect(intent.params).toMatchObject({ amount: "3000", currency: "krw", allowed_payment_method_types: settings.paymentMethodTypes, metadata: { sodam_purpose: "tip", sodam_supporter_name: "Element fan" } });
    const page = await guest.get(`/payments/${paymentId}`);
    expect(page.text).toContain('id="payment-element"');
    expect(page.text).toContain(fake.objects.get(intentId)!.client_secret);
    expect(await tipOfPayment(paymentId)).toHaveLength(0);

    const [succeeded] = fake.confirmInBrowser(intentId);
    expect((await processed(succeeded)).outcome).toMatch(/recorded/);
    const [recorded] = await tipOfPayment(paymentId);
    expect(recorded).toMatchObject({ amount: 3_000, source: "card" });
    expect(await guest.get(`/payments/${paymentId}`)).toMatchObject({ status: 302, location: `/tips/${recorded.id}` });
  });

  it("a wallet top-up that needs 3-D Secure is shown pending, not credited, until its webhook; the page is the fan's own", async () => {
    const fan = await api.signUp("Pending wallet fan");
    const browser = webSession(web.url);
    expect((await browser.signIn(fan.email, "correct horse battery")).status).toBe(302);
    const posted = await browser.post("/wallet", { intent: "topup", amount: "20000", currency: "KRW", card: "pm_card_authenticationRequired", idempotencyKey: randomUUID() });
    expect(posted.status).toBe(302);
    const paymentId = paymentIdFrom(posted.location);

    const wallet = await browser.get("/wallet");
    expect(wallet.text).not.toContain("지갑을 충전했어요");
    expect(wallet.text).toContain(`href="/payments/${paymentId}"`);
    expect(wallet.text).toContain("activity__amount is-pending");
    expect(wallet.text).not.toContain("activity__amount is-credit");
    expect(await walletBalance(t.db, fan.id)).toBe(0);

    const stranger = webSession(web.url);
    expect((await stranger.get(`/payments/${paymentId}`)).status).toBe(404);
    expect((await browser.get(`/payments/${paymentId}`)).text).toContain('id="payment-element"');
    // Stripe out of reach (every retry fails): the page still says where the payment stands, no 500.
    fake.failNext(`/v1/payment_intents/${await providerIdOf(paymentId)}`, 500, 3);
    const outage = await browser.get(`/payments/${paymentId}`);
    expect(outage.status).toBe(200);
    expect(outage.text).toContain('data-testid="payment-waiting"');

    const [succeeded] = fake.completeAuthentication(await providerIdOf(paymentId));
    expect((await processed(succeeded)).outcome).toMatch(/credited/);
    expect(await browser.get(`/payments/${paymentId}`)).toMatchObject({ status: 302, location: "/wallet?notice=topup" });
    expect(await walletBalance(t.db, fan.id)).toBe(20_000);
    expect((await browser.get("/wallet")).text).toContain("activity__amount is-credit");
  });

  it("without a publishable key: the card field stays, no Stripe.js in the CSP, and a 3-D Secure tip waits for its webhook", async () => {
    const { STRIPE_PUBLISHABLE_KEY: _key, ...noKey } = env;
    const plain = await startWeb(noKey);
    try {
      const creator = await api.newCreator();
      const guest = webSession(plain.url);
      const form = await guest.get(`/@${creator.handle}`);
      expect(form.text).toContain('name="card"');
      expect(form.text).not.toContain("js.stripe.com");
      const csp = form.headers.get("Content-Security-Policy")!;
      expect(csp).not.toContain("stripe.com");
      expect(csp).toContain("connect-src 'self';");

      const posted = await guest.post(`/@${creator.handle}`, { intent: "tip", method: "card", amount: "4000", card: "pm_card_authenticationRequired", idempotencyKey: randomUUID() });
      expect(posted.status).toBe(302);
      const paymentId = paymentIdFrom(posted.location);
      const page = await guest.get(`/payments/${paymentId}`);
      expect(page.text).toContain('data-testid="payment-waiting"');
      expect(page.text).not.toContain("js.stripe.com");
      expect(await tipOfPayment(paymentId)).toHaveLength(0);

      // A card field is still required here: no Payment Element to pay with.
      const noCard = await guest.post(`/@${creator.handle}`, { intent: "tip", method: "card", amount: "4000", idempotencyKey: randomUUID() });
      expect(noCard.status).toBe(422);

      const [succeeded] = fake.completeAuthentication(await providerIdOf(paymentId));
      await processed(succeeded);
      const [recorded] = await tipOfPayment(paymentId);
      expect(await guest.get(`/payments/${paymentId}`)).toMatchObject({ status: 302, location: `/tips/${recorded.id}` });
    } finally {
      await plain.stop();
    }
  });
});

describe("API: card tips", () => {
  const cardTipRequest = (token: string, body: Record<string, unknown>, key: string | null = randomUUID()) =>
    api.request("POST", "/api/v1/tips", { token, body, headers: key ? { "Idempotency-Key": key } : {} });

  it("POST /api/v1/tips with a paymentMethod: 201 with the tip, once per Idempotency-Key; 402 card_declined; a key is required", async () => {
    const fan = await api.signUp("API card fan");
    const creator = await api.newCreator();
    const key = randomUUID();
    const body = { creator: creator.handle, amount: 6_000, currency: "KRW", message: "API 응원", paymentMethod: "pm_card_visa" };
    const first = await cardTipRequest(fan.token, body, key);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: "pending", creator: creator.handle, amount: 6_000, currency: "KRW", source: "card", message: "API 응원" });
    const again = await cardTipRequest(fan.token, body, key);
    expect(again).toMatchObject({ status: 201, body: { id: first.body.id } });
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    const charged = fake.requestsTo("POST", "/v1/payment_intents").filter((r) => r.idempotencyKey === `api-card-tip:${fan.id}:${key}`);
    expect(charged).toHaveLength(1);
    expect(charged[0].params).toMatchObject({ amount: "6000", currency: "krw", payment_method: "pm_card_visa", confirm: "true", metadata: { sodam_purpose: "tip", sodam_user_id: String(fan.id) } });
    expect(await t.db.selectFrom("tips").select("id").where("fan_id", "=", fan.id).execute()).toHaveLength(1);

    const declined = await cardTipRequest(fan.token, { ...body, paymentMethod: "pm_card_chargeDeclined" });
    expect(declined.status).toBe(402);
    expect(declined.headers.get("Content-Type")).toMatch(/problem\+json/);
    expect(declined.body).toMatchObject({ status: 402, code: "card_declined" });
    expect(await t.db.selectFrom("tips").select("id").where("fan_id", "=", fan.id).execute()).toHaveLength(1);

    expect((await cardTipRequest(fan.token, body, null)).body).toMatchObject({ status: 400, code: "idempotency_key_required" });
    expect((await cardTipRequest(fan.token, { ...body, paymentMethod: "4242424242424242" })).body).toMatchObject({ status: 422, code: "invalid_card" });
  });

  it("answers 202 requires_action with the client secret when 3-D Secure is needed; the tip is recorded from the webhook", async () => {
    const fan = await api.signUp("API 3DS fan");
    const creator = await api.newCreator();
    const answer = await cardTipRequest(fan.token, { creator: creator.handle, amount: 7_000, currency: "KRW", paymentMethod: "pm_card_authenticationRequired" });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ status: "requires_action", amount: 7_000, currency: "KRW", paymentId: expect.any(String) });
    expect(answer.body.clientSecret).toMatch(/^pi_\w+_secret_\w+$/);
    expect(await tipOfPayment(answer.body.paymentId)).toHaveLength(0);

    const [succeeded] = fake.completeAuthentication(answer.body.clientSecret.split("_secret_")[0]);
    expect((await processed(succeeded)).outcome).toMatch(/recorded/);
    expect(await tipOfPayment(answer.body.paymentId)).toMatchObject([{ amount: 7_000, source: "card", fan_id: fan.id }]);
  });
});

describe("partial refunds", () => {
  const settled = (tipId: string) =>
    waitFor(async () => (await t.db.selectFrom("tips").select("status").where("id", "=", tipId).executeTakeFirstOrThrow()).status === "settled", 20_000, "tip settled");
  const tipRow = (tipId: string) => t.db.selectFrom("tips").select(["status", "refunded_amount"]).where("id", "=", tipId).executeTakeFirstOrThrow();

  it("charge.refunded with a partial amount_refunded applies the difference once, whatever the order and number of deliveries", async () => {
    const creator = await api.newCreator();
    const { outcome, intentId } = await cardTip(creator.handle, 10_000);
    const tipId = outcome.ok ? await tipIdOf(outcome.result, outcome.payment.id) : "";
    await settled(tipId);
    const c = (await getCreatorByHandle(t.db, creator.handle))!;
    const before = await creatorBalances(t.db, c);

    const [first] = fake.refundFromDashboard(intentId, 1_500);
    expect((await processed(first)).outcome).toMatch(/1500 refunded, 1500 in all/);
    expect(await fake.deliver(first)).toMatchObject({ status: 200, body: { duplicate: true } });
    expect(await tipRow(tipId)).toEqual({ status: "settled", refunded_amount: 1_500 });

    // Two more refunds whose events arrive newest first: the newest total covers both; the older then adds nothing.
    fake.autoDeliver = false;
    const [second] = fake.refundFromDashboard(intentId, 1_000);
    const [third] = fake.refundFromDashboard(intentId, 500);
    fake.autoDeliver = true;
    await fake.deliverHeld((e) => e.id === third.id);
    expect((await processed(third)).outcome).toMatch(/1500 refunded, 3000 in all/);
    await fake.deliverHeld((e) => e.id === second.id);
    expect((await processed(second)).outcome).toMatch(/already applied/);
    expect(await tipRow(tipId)).toEqual({ status: "settled", refunded_amount: 3_000 });
    // 5 % of 10,000 is 500; 3,000 of it carries 150 of fee, so the creator gives back 2,850.
    const after = await creatorBalances(t.db, c);
    expect(before.pending + before.available - (after.pending + after.available)).toBe(2_850);
    expect(await postings(`refund:${tipId}:1500`)).toBe(1);
    expect(await postings(`refund:${tipId}:3000`)).toBe(1);
    expect(await postings(`refund:${tipId}:2500`)).toBe(0);

    // The rest refunded at Stripe: the tip is refunded in full and the creator has given back its whole net.
    const [rest] = fake.refundFromDashboard(intentId);
    expect((await processed(rest)).outcome).toMatch(/reversed/);
    expect(await tipRow(tipId)).toEqual({ status: "refunded", refunded_amount: 10_000 });
    const end = await creatorBalances(t.db, c);
    expect(before.pending + before.available - (end.pending + end.available)).toBe(9_500);
    expect(fake.requestsTo("POST", "/v1/refunds").filter((r) => r.params.payment_intent === intentId)).toHaveLength(0);
  });

  it("an admin refunds part of a settled card tip: amount in the body, an Idempotency-Key, at most what is left", async () => {
    const admin = await api.signUp("Partial admin");
    await t.db.updateTable("users").set({ role: "admin" }).where("id", "=", admin.id).execute();
    const creator = await api.newCreator();
    const { outcome, intentId } = await cardTip(creator.handle, 5_000);
    const tipId = outcome.ok ? await tipIdOf(outcome.result, outcome.payment.id) : "";
    const path = `/api/v1/admin/tips/${tipId}/refund`;

    // Not settled yet: only a whole refund.
    const early = await api.request("POST", path, { token: admin.token, body: { amount: 1_000 }, headers: { "Idempotency-Key": randomUUID() } });
    if (early.status !== 200) expect(early.body).toMatchObject({ status: 409, code: "tip_not_settled" });
    await settled(tipId);

    expect((await api.request("POST", path, { token: admin.token, body: { amount: 1_000 } })).body).toMatchObject({ status: 400, code: "idempotency_key_required" });
    const key = randomUUID();
    const part = await api.request("POST", path, { token: admin.token, body: { amount: 1_000 }, headers: { "Idempotency-Key": key } });
    const refundedBefore = early.status === 200 ? 1_000 : 0;
    expect(part).toMatchObject({ status: 200, body: { tipId, status: "partially_refunded", amount: 1_000, refundedTotal: refundedBefore + 1_000 } });
    const again = await api.request("POST", path, { token: admin.token, body: { amount: 1_000 }, headers: { "Idempotency-Key": key } });
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    const refunds = fake.requestsTo("POST", "/v1/refunds").filter((r) => r.params.payment_intent === intentId && r.status === 200);
    expect(refunds.at(-1)).toMatchObject({ idempotencyKey: `refund:${tipId}:${refundedBefore + 1_000}`, params: { amount: "1000" } });
    expect(refunds).toHaveLength(refundedBefore ? 2 : 1);

    const tooMuch = await api.request("POST", path, { token: admin.token, body: { amount: 5_000 }, headers: { "Idempotency-Key": randomUUID() } });
    expect(tooMuch.body).toMatchObject({ status: 422, code: "refund_amount_invalid" });

    // Stripe's charge.refunded for the refund Sodam made finds it applied.
    await fake.settled();
    expect((await processed(lastEvent("charge.refunded", fake.objects.get(intentId)!.latest_charge))).outcome).toMatch(/already applied/);
    expect(await tipRow(tipId)).toEqual({ status: "settled", refunded_amount: refundedBefore + 1_000 });

    // No body (a Content-Type alone): whatever is left.
    const rest = await api.request("POST", path, { token: admin.token, headers: { "Content-Type": "application/json" } });
    expect(rest).toMatchObject({ status: 200, body: { status: "refunded", amount: 5_000 - refundedBefore - 1_000, refundedTotal: 5_000 } });
    expect(await tipRow(tipId)).toEqual({ status: "refunded", refunded_amount: 5_000 });
  });
});

describe("npm run stripe:replay", () => {
  const run = promisify(execFile);
  const replay = (...args: string[]) =>
    run(path.resolve("node_modules/.bin/tsx"), ["app/cli/stripe-replay.ts", ...args], { env: { ...process.env, ...env, LOG_LEVEL: "silent" } });

  async function effects() {
    const count = async (sqlLike: string) =>
      (await t.db.selectFrom("ledger_transactions").select("key").where("key", "like", sqlLike).execute()).map((r) => r.key).sort();
    return {
      postings: [...(await count("topup%")), ...(await count("refund:%")), ...(await count("payout%")), ...(await count("tip:%"))],
      payments: (await t.db.selectFrom("payments").select(["id", "status"]).orderBy("id").execute()).map((p) => `${p.id}=${p.status}`),
      tips: (await t.db.selectFrom("tips").select(["id", "status"]).where("source", "=", "card").orderBy("id").execute()).map((r) => `${r.id}=${r.status}`),
      payouts: (await t.db.selectFrom("payouts").select(["id", "status"]).orderBy("id").execute()).map((p) => `${p.id}=${p.status}`),
      notices: (await t.db.selectFrom("creator_notices").select("key").orderBy("key").execute()).map((n) => n.key),
      disputes: (await t.db.selectFrom("disputes").select(["id", "status"]).orderBy("id").execute()).map((d) => `${d.id}=${d.status}`),
      accounts: await t.db.selectFrom("connect_accounts").select(["stripe_account_id", "transfers_active", "payouts_enabled"]).orderBy("stripe_account_id").execute(),
    };
  }

  it("re-applies every stored event without a second effect", async () => {
    await fake.settled();
    const unprocessed = () => t.db.selectFrom("provider_events").select(["id", "type", "attempts", "error"]).where("processed_at", "is", null).execute();
    await waitFor(async () => (await unprocessed()).length === 0, 20_000, "all events processed").catch(async (error) => {
      throw new Error(`${(error as Error).message}: ${JSON.stringify(await unprocessed())}`);
    });
    // The settlement worker keeps running: compare once the card tips recorded last have settled.
    await waitFor(async () => !(await t.db.selectFrom("tips").select("id").where("status", "=", "pending").executeTakeFirst()), 20_000, "all tips settled");
    const before = await effects();
    const stored = (await t.db.selectFrom("provider_events").select("id").execute()).length;

    // The command itself, once (a process start is slow); then the same function in this process.
    const cli = await replay("--since", new Date(Date.now() - 3_600_000).toISOString());
    expect(cli.stdout).toContain(`${stored} event(s) replayed, 0 failed`);
    expect(await effects()).toEqual(before);
    const all = await replayProviderEvents(t.db, stripe, {}, { feeBps: FEE_BPS });
    expect(all.map((r) => r.result.status)).toEqual(Array(stored).fill("processed"));
    const firstSuccess = (await t.db.selectFrom("provider_events").select("id").where("type", "=", "payment_intent.succeeded").orderBy("received_at").executeTakeFirstOrThrow()).id;
    expect(await replayProviderEvents(t.db, stripe, { eventId: firstSuccess }, { feeBps: FEE_BPS })).toMatchObject([
      { id: firstSuccess, result: { status: "processed", outcome: expect.stringMatching(/already/) } },
    ]);
    expect(await effects()).toEqual(before);
  });
});
