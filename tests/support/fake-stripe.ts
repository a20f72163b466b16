// A small Stripe-compatible HTTP server for tests (the real API is out of reach here). It answers the endpoints
// Sodam calls with objects shaped like Stripe's API reference, parses the SDK's form encoding (bracket notation),
// records every request, and behaves like Stripe where Sodam depends on it:
// - Idempotency-Key: the same key with the same parameters replays the first answer (Idempotent-Replayed: true);
//   with other parameters it is a 400 idempotency_error. Requests that fail validation store nothing.
// - Test payment methods: pm_card_visa / pm_card_mastercard succeed, pm_card_chargeDeclined (and …InsufficientFunds)
//   decline with a 402 that carries the PaymentIntent, pm_card_authenticationRequired needs 3-D Secure.
// - This API version refuses payment_method_types (use allowed_payment_method_types).
// It creates events for what happens and delivers them, signed with the SDK's own test helper, to the webhook URL
// (automatically, or held for a test to deliver in the order it wants).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, any>;
  idempotencyKey: string | null;
  stripeVersion: string | null;
  status: number;
  replayed: boolean;
}

export interface StripeEvent {
  id: string;
  object: "event";
  account?: string;
  api_version: string;
  created: number;
  data: { object: Record<string, any>; previous_attributes?: Record<string, any> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export interface Delivery {
  eventId: string;
  status: number;
  body: any;
}

/** The events a Sodam webhook endpoint is subscribed to. */
const ENABLED_EVENTS = new Set([
  "payment_intent.succeeded",
  "payment_intent.payment_failed",
  "charge.refunded",
  "charge.dispute.created",
  "charge.dispute.closed",
  "account.updated",
  "transfer.reversed",
  "payout.failed",
]);

const SUCCEEDING_CARDS = new Set(["pm_card_visa", "pm_card_mastercard", "pm_card_visa_debit", "pm_card_amex"]);
const DECLINES: Record<string, { code: string; decline_code: string; message: string }> = {
  pm_card_chargeDeclined: { code: "card_declined", decline_code: "generic_decline", message: "Your card was declined." },
  pm_card_chargeDeclinedInsufficientFunds: { code: "card_declined", decline_code: "insufficient_funds", message: "Your card has insufficient funds." },
  pm_card_chargeDeclinedExpiredCard: { code: "expired_card", decline_code: "expired_card", message: "Your card has expired." },
};
const NEEDS_AUTHENTICATION = new Set(["pm_card_authenticationRequired", "pm_card_threeDSecure2Required"]);

class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: Record<string, any>,
  ) {
    super(error.message);
  }
}

const invalid = (message: string, param?: string, code = "parameter_invalid") =>
  new StripeApiError(400, { type: "invalid_request_error", code, message, ...(param ? { param } : {}) });

/** Parses application/x-www-form-urlencoded with Stripe's bracket notation: a[b][0]=x → { a: { b: ["x"] } }. */
export function parseStripeForm(body: string): Record<string, any> {
  const root: Record<string, any> = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    if (!match) throw invalid(`Invalid parameter name ${rawKey}`);
    const path = [match[1], ...[...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1])];
    let node: any = root;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i];
      const nextIsIndex = /^\d+$/.test(path[i + 1]);
      node[key] ??= nextIsIndex ? [] : {};
      node = node[key];
    }
    node[path[path.length - 1]] = value;
  }
  return root;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as any)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

const now = () => Math.floor(Date.now() / 1000);
const id = (prefix: string) => `${prefix}_${randomBytes(12).toString("base64url").replace(/[-_]/g, "x")}`;

function positiveInteger(value: unknown, param: string) {
  if (typeof value !== "string" || !/^\d+$/.test(value)) throw invalid(`Invalid integer: ${String(value)}`, param, "parameter_invalid_integer");
  const n = Number(value);
  if (n <= 0 || n > 99_999_999) throw invalid(`Amount must be between 1 and 99999999.`, param, "amount_too_large");
  return n;
}

function currencyParam(value: unknown) {
  // Stripe documents currencies as lowercase ISO codes; Sodam must lowercase at the boundary.
  if (typeof value !== "string" || !/^[a-z]{3}$/.test(value)) throw invalid(`Invalid currency: ${String(value)}. Use a lowercase ISO code.`, "currency");
  return value;
}

function metadataParam(value: unknown): Record<string, string> {
  if (value === undefined || value === "") return {};
  if (typeof value !== "object" || Array.isArray(value)) throw invalid("Invalid metadata", "metadata");
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.length > 40) throw invalid(`Metadata keys can be at most 40 characters (${k}).`, `metadata[${k}]`);
    if (typeof v !== "string" || [...v].length > 500) throw invalid(`Metadata values must be strings of at most 500 characters.`, `metadata[${k}]`);
  }
  return value as Record<string, string>;
}

const list = (url: string, data: unknown[] = []) => ({ object: "list", data, has_more: false, url });

export class FakeStripe {
  readonly requests: RecordedRequest[] = [];
  readonly events: StripeEvent[] = [];
  readonly deliveries: Delivery[] = [];
  webhookUrl: string | null = null;
  /** Deliver events as they happen (like Stripe); when false they wait in `held` for deliver(). */
  autoDeliver = true;
  readonly held: StripeEvent[] = [];
  readonly objects = new Map<string, Record<string, any>>();
  private readonly idempotency = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  private deliveryChain: Promise<unknown> = Promise.resolve();
  private failures: { pathPrefix: string; status: number; remaining: number }[] = [];

  private constructor(
    private readonly server: Server,
    readonly secretKey: string,
    readonly webhookSecret: string,
  ) {}

  static async start(options: { secretKey: string; webhookSecret: string }): Promise<FakeStripe> {
    let fake: FakeStripe | undefined;
    const server = createServer((req, res) => void fake!.handle(req, res));
    fake = new FakeStripe(server, options.secretKey, options.webhookSecret);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  get port() {
    return (this.server.address() as AddressInfo).port;
  }

  async stop() {
    await this.settled();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Requests to one endpoint, e.g. requestsTo("POST", "/v1/transfers"). */
  requestsTo(method: string, path: string | RegExp) {
    return this.requests.filter((r) => r.method === method && (typeof path === "string" ? r.path === path : path.test(r.path)));
  }

  /** The next `count` requests whose path starts with `pathPrefix` answer `status` (a Stripe outage). */
  failNext(pathPrefix: string, status = 500, count = 1) {
    this.failures.push({ pathPrefix, status, remaining: count });
  }

  /** Waits until every automatic delivery so far has been answered. */
  settled() {
    return this.deliveryChain;
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = req.method ?? "GET";
    const idempotencyKey = (req.headers["idempotency-key"] as string | undefined) ?? null;
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      params: {},
      idempotencyKey,
      stripeVersion: (req.headers["stripe-version"] as string | undefined) ?? null,
      status: 0,
      replayed: false,
    };
    this.requests.push(record);
    const headers: Record<string, string> = { "Content-Type": "application/json", "Request-Id": id("req"), "Stripe-Version": Stripe.API_VERSION };
    if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
    const send = (status: number, payload: unknown, extra: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { ...headers, ...extra });
      res.end(JSON.stringify(payload, null, 2));
    };
    try {
      if (req.headers.authorization !== `Bearer ${this.secretKey}`) {
        throw new StripeApiError(401, { type: "invalid_request_error", message: "Invalid API Key provided." });
      }
      record.params = method === "GET" ? parseStripeForm(url.search.slice(1)) : parseStripeForm(body);
      const failure = this.failures.find((f) => f.remaining > 0 && url.pathname.startsWith(f.pathPrefix));
      if (failure) {
        failure.remaining--;
        throw new StripeApiError(failure.status, { type: "api_error", message: "An unknown error occurred (injected)." });
      }
      if (method === "POST" && idempotencyKey) {
        const fingerprint = `${method} ${url.pathname} ${canonical(record.params)}`;
        const stored = this.idempotency.get(idempotencyKey);
        if (stored) {
          if (stored.fingerprint !== fingerprint) {
            throw new StripeApiError(400, {
              type: "idempotency_error",
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            });
          }
          record.replayed = true;
          return send(stored.status, stored.body, { "Idempotent-Replayed": "true" });
        }
        const events = this.events.length;
        const [status, payload] = this.route(method, url.pathname, record.params);
        // Stripe keeps the first answer once the endpoint started working (a decline included), not a 400.
        this.idempotency.set(idempotencyKey, { fingerprint, status, body: payload });
        send(status, payload);
        this.emitNewEvents(events, idempotencyKey);
        return;
      }
      const events = this.events.length;
      const [status, payload] = this.route(method, url.pathname, record.params);
      send(status, payload);
      this.emitNewEvents(events, idempotencyKey);
    } catch (error) {
      if (error instanceof StripeApiError) return send(error.status, { error: error.error });
      send(500, { error: { type: "api_error", message: (error as Error).message } });
    }
  }

  private route(method: string, path: string, params: Record<string, any>): [number, unknown] {
    const parts = path.split("/").filter(Boolean);
    if (parts[0] !== "v1") throw new StripeApiError(404, { type: "invalid_request_error", message: `Unrecognized request URL (${method}: ${path}).` });
    const [, resource, objectId, sub] = parts;
    if (method === "POST" && resource === "payment_intents" && !objectId) return this.createPaymentIntent(params);
    if (method === "GET" && resource === "payment_intents" && objectId && !sub) return [200, this.get(objectId, "payment_intent")];
    if (method === "POST" && resource === "refunds" && !objectId) return [200, this.createRefund(params)];
    if (method === "POST" && resource === "transfers" && !objectId) return [200, this.createTransfer(params)];
    if (method === "POST" && resource === "accounts" && !objectId) return [200, this.createAccount(params)];
    if (method === "GET" && resource === "accounts" && objectId) return [200, this.get(objectId, "account")];
    if (method === "POST" && resource === "account_links" && !objectId) return [200, this.createAccountLink(params)];
    throw new StripeApiError(404, { type: "invalid_request_error", message: `Unrecognized request URL (${method}: ${path}).` });
  }

  private get(objectId: string, type: string) {
    const object = this.objects.get(objectId);
    if (!object || object.object !== type) {
      throw new StripeApiError(404, { type: "invalid_request_error", code: "resource_missing", message: `No such ${type}: '${objectId}'`, param: "id" });
    }
    return object;
  }

  // ---- PaymentIntents ----

  private createPaymentIntent(params: Record<string, any>): [number, unknown] {
    if (params.payment_method_types !== undefined) {
      throw invalid(
        "payment_method_types is no longer supported on this API version; use allowed_payment_method_types or dynamic payment methods.",
        "payment_method_types",
        "payment_method_types_no_longer_supported",
      );
    }
    const amount = positiveInteger(params.amount, "amount");
    const currency = currencyParam(params.currency);
    const metadata = metadataParam(params.metadata);
    const automatic = params.automatic_payment_methods;
    const allowed: string[] | undefined = params.allowed_payment_method_types;
    if (allowed !== undefined && automatic !== undefined) {
      throw invalid("allowed_payment_method_types cannot be combined with automatic_payment_methods.", "allowed_payment_method_types", "parameters_exclusive");
    }
    const confirm = params.confirm === "true";
    if (confirm && !params.payment_method) throw invalid("A payment method is required to confirm.", "payment_method", "parameter_missing");
    if (confirm && automatic?.enabled === "true" && automatic.allow_redirects !== "never" && !params.return_url) {
      throw invalid(
        "This PaymentIntent is configured to accept payment methods enabled in your Dashboard, some of which require a return_url. Pass return_url or set automatic_payment_methods[allow_redirects] to never.",
        "return_url",
      );
    }
    if (params.payment_method && !SUCCEEDING_CARDS.has(params.payment_method) && !(params.payment_method in DECLINES) && !NEEDS_AUTHENTICATION.has(params.payment_method)) {
      throw new StripeApiError(400, {
        type: "invalid_request_error",
        code: "resource_missing",
        message: `No such PaymentMethod: '${params.payment_method}'`,
        param: "payment_method",
      });
    }
    const piId = id("pi");
    const intent: Record<string, any> = {
      id: piId,
      object: "payment_intent",
      allowed_payment_method_types: allowed ?? null,
      amount,
      amount_capturable: 0,
      amount_received: 0,
      application: null,
      application_fee_amount: null,
      automatic_payment_methods: automatic
        ? { enabled: automatic.enabled === "true", ...(automatic.allow_redirects ? { allow_redirects: automatic.allow_redirects } : {}) }
        : null,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: "automatic_async",
      client_secret: `${piId}_secret_${randomBytes(12).toString("hex")}`,
      confirmation_method: "automatic",
      created: now(),
      currency,
      customer: null,
      description: params.description ?? null,
      excluded_payment_method_types: null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata,
      next_action: null,
      on_behalf_of: null,
      payment_method: params.payment_method ?? null,
      payment_method_configuration_details: null,
      payment_method_options: {},
      payment_method_types: allowed ? allowed.filter((t) => currency === "krw" || !/^(kr_card|kakao_pay|naver_pay|payco|samsung_pay)$/.test(t)) : ["card"],
      processing: null,
      receipt_email: null,
      review: null,
      setup_future_usage: null,
      shipping: null,
      source: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      status: params.payment_method ? "requires_confirmation" : "requires_payment_method",
      transfer_data: null,
      transfer_group: null,
    };
    this.objects.set(piId, intent);
    if (!confirm) return [200, intent];
    const pm = params.payment_method as string;
    if (NEEDS_AUTHENTICATION.has(pm)) {
      intent.status = "requires_action";
      intent.next_action = { type: "use_stripe_sdk", use_stripe_sdk: { type: "three_d_secure_redirect", stripe_js: "https://hooks.stripe.com/3d_secure_2/hosted" } };
      return [200, intent];
    }
    if (pm in DECLINES) {
      const decline = DECLINES[pm];
      const charge = this.createCharge(intent, "failed", decline);
      intent.status = "requires_payment_method";
      intent.latest_charge = charge.id;
      intent.payment_method = null;
      intent.last_payment_error = {
        charge: charge.id,
        code: decline.code,
        decline_code: decline.decline_code,
        doc_url: `https://docs.stripe.com/error-codes/${decline.code.replace(/_/g, "-")}`,
        message: decline.message,
        payment_method: { id: pm, object: "payment_method", type: "card" },
        type: "card_error",
      };
      this.event("payment_intent.payment_failed", intent);
      return [
        402,
        {
          error: {
            charge: charge.id,
            code: decline.code,
            decline_code: decline.decline_code,
            doc_url: intent.last_payment_error.doc_url,
            message: decline.message,
            payment_intent: intent,
            request_log_url: `https://dashboard.stripe.com/test/logs/${id("req")}`,
            type: "card_error",
          },
        },
      ];
    }
    this.succeed(intent);
    return [200, intent];
  }

  private succeed(intent: Record<string, any>) {
    const charge = this.createCharge(intent, "succeeded");
    intent.status = "succeeded";
    intent.amount_received = intent.amount;
    intent.latest_charge = charge.id;
    intent.next_action = null;
    this.event("payment_intent.succeeded", intent);
  }

  private createCharge(intent: Record<string, any>, status: "succeeded" | "failed", decline?: { code: string; message: string }) {
    const charge: Record<string, any> = {
      id: id("ch"),
      object: "charge",
      amount: intent.amount,
      amount_captured: status === "succeeded" ? intent.amount : 0,
      amount_refunded: 0,
      balance_transaction: status === "succeeded" ? id("txn") : null,
      captured: status === "succeeded",
      created: now(),
      currency: intent.currency,
      customer: null,
      description: intent.description,
      disputed: false,
      failure_code: decline?.code ?? null,
      failure_message: decline?.message ?? null,
      livemode: false,
      metadata: { ...intent.metadata },
      outcome: { network_status: status === "succeeded" ? "approved_by_network" : "declined_by_network", type: status === "succeeded" ? "authorized" : "issuer_declined" },
      paid: status === "succeeded",
      payment_intent: intent.id,
      payment_method: intent.payment_method,
      refunded: false,
      refunds: list(`/v1/charges/${intent.id}/refunds`),
      status,
    };
    this.objects.set(charge.id, charge);
    return charge;
  }

  // ---- Refunds ----

  private createRefund(params: Record<string, any>) {
    const intent = params.payment_intent ? this.get(params.payment_intent, "payment_intent") : undefined;
    const charge = intent?.latest_charge ? this.objects.get(intent.latest_charge) : params.charge ? this.get(params.charge, "charge") : undefined;
    if (!charge || charge.status !== "succeeded") throw invalid("This PaymentIntent does not have a successful charge to refund.", "payment_intent");
    if (charge.disputed) throw invalid(`Charge ${charge.id} has been charged back; cannot issue a refund.`, "charge", "charge_disputed");
    const left = charge.amount - charge.amount_refunded;
    const amount = params.amount === undefined ? left : positiveInteger(params.amount, "amount");
    if (left === 0) throw invalid(`Charge ${charge.id} has already been refunded.`, "charge", "charge_already_refunded");
    if (amount > left) throw invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`, "amount", "amount_too_large");
    return this.refundCharge(charge, amount, metadataParam(params.metadata));
  }

  private refundCharge(charge: Record<string, any>, amount: number, metadata: Record<string, string> = {}) {
    const refund = {
      id: id("re"),
      object: "refund",
      amount,
      balance_transaction: id("txn"),
      charge: charge.id,
      created: now(),
      currency: charge.currency,
      metadata,
      payment_intent: charge.payment_intent,
      reason: null,
      receipt_number: null,
      source_transfer_reversal: null,
      status: "succeeded",
      transfer_reversal: null,
    };
    this.objects.set(refund.id, refund);
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    charge.refunds.data.unshift(refund);
    this.event("charge.refunded", charge, { previous_attributes: { amount_refunded: charge.amount_refunded - amount, refunded: false } });
    return refund;
  }

  // ---- Connect ----

  private createAccount(params: Record<string, any>) {
    if (params.type !== undefined && !["express", "standard", "custom"].includes(params.type)) throw invalid(`Invalid type: ${params.type}`, "type");
    if (params.country !== undefined && !/^[A-Z]{2}$/.test(params.country)) throw invalid(`Invalid country: ${params.country}`, "country");
    const transfers = params.capabilities?.transfers?.requested === "true";
    const account = {
      id: id("acct"),
      object: "account",
      business_profile: { mcc: null, name: null, product_description: null, support_email: null, url: null },
      business_type: null,
      capabilities: transfers ? { transfers: "inactive" } : {},
      charges_enabled: false,
      controller: { fees: { payer: "application" }, is_controller: true, losses: { payments: "application" }, requirement_collection: "stripe", stripe_dashboard: { type: "express" }, type: "application" },
      country: params.country ?? "US",
      created: now(),
      default_currency: params.country === "KR" ? "krw" : "usd",
      details_submitted: false,
      email: params.email ?? null,
      external_accounts: list(`/v1/accounts/acct/external_accounts`),
      metadata: metadataParam(params.metadata),
      payouts_enabled: false,
      requirements: {
        currently_due: ["business_type", "external_account", "tos_acceptance.date", "tos_acceptance.ip"],
        disabled_reason: "requirements.past_due",
        eventually_due: ["business_type", "external_account", "tos_acceptance.date", "tos_acceptance.ip"],
        past_due: ["business_type", "external_account"],
      },
      settings: { payouts: { schedule: { interval: "daily", delay_days: 7 } } },
      tos_acceptance: { service_agreement: params.tos_acceptance?.service_agreement ?? "full" },
      type: params.type ?? "standard",
    };
    this.objects.set(account.id, account);
    return account;
  }

  private createAccountLink(params: Record<string, any>) {
    const account = this.get(params.account, "account");
    if (!["account_onboarding", "account_update"].includes(params.type)) throw invalid(`Invalid type: ${params.type}`, "type");
    for (const param of ["refresh_url", "return_url"]) {
      if (params[param] !== undefined && !/^https?:\/\//.test(params[param])) throw invalid(`Not a valid URL`, param, "url_invalid");
    }
    const created = now();
    return { object: "account_link", created, expires_at: created + 300, url: `https://connect.stripe.com/setup/e/${account.id}/${randomBytes(9).toString("base64url")}` };
  }

  private createTransfer(params: Record<string, any>) {
    const amount = positiveInteger(params.amount, "amount");
    const currency = currencyParam(params.currency);
    const account = this.objects.get(params.destination);
    if (!account || account.object !== "account") throw invalid(`No such destination: '${params.destination}'`, "destination", "resource_missing");
    if (account.capabilities?.transfers !== "active") {
      throw invalid(
        "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments",
        "destination",
        "insufficient_capabilities_for_transfer",
      );
    }
    const transfer = {
      id: id("tr"),
      object: "transfer",
      amount,
      amount_reversed: 0,
      balance_transaction: id("txn"),
      created: now(),
      currency,
      description: params.description ?? null,
      destination: account.id,
      destination_payment: id("py"),
      livemode: false,
      metadata: metadataParam(params.metadata),
      reversals: list(`/v1/transfers/tr/reversals`),
      reversed: false,
      source_transaction: null,
      source_type: "card",
      transfer_group: params.transfer_group ?? null,
    };
    this.objects.set(transfer.id, transfer);
    return transfer;
  }

  // ---- What happens outside the API (the customer, the bank, Stripe's dashboard) ----

  /** The customer passes 3-D Secure: the PaymentIntent succeeds and payment_intent.succeeded is sent. */
  completeAuthentication(paymentIntentId: string) {
    const intent = this.get(paymentIntentId, "payment_intent");
    if (intent.status !== "requires_action") throw new Error(`${paymentIntentId} is ${intent.status}, not requires_action`);
    const before = this.events.length;
    this.succeed(intent);
    return this.emitNewEvents(before, null);
  }

  /**
   * The customer pays with the Payment Element: Stripe.js confirms the PaymentIntent with Stripe directly (Sodam's
   * server is not involved), then payment_intent.succeeded is sent.
   */
  confirmInBrowser(paymentIntentId: string, paymentMethod = "pm_card_visa") {
    const intent = this.get(paymentIntentId, "payment_intent");
    if (!["requires_payment_method", "requires_confirmation", "requires_action"].includes(intent.status)) {
      throw new Error(`${paymentIntentId} is ${intent.status}; it cannot be confirmed`);
    }
    intent.payment_method = paymentMethod;
    const before = this.events.length;
    this.succeed(intent);
    return this.emitNewEvents(before, null);
  }

  /** A refund made in Stripe's dashboard (whole charge unless `amount`): charge.refunded. */
  refundFromDashboard(paymentIntentId: string, amount?: number) {
    const intent = this.get(paymentIntentId, "payment_intent");
    const charge = this.get(intent.latest_charge, "charge");
    const before = this.events.length;
    this.refundCharge(charge, amount ?? charge.amount - charge.amount_refunded);
    return this.emitNewEvents(before, null);
  }

  /** The cardholder disputes the payment: the funds are withdrawn, charge.dispute.created. */
  openDispute(paymentIntentId: string, reason = "fraudulent") {
    const intent = this.get(paymentIntentId, "payment_intent");
    const charge = this.get(intent.latest_charge, "charge");
    charge.disputed = true;
    const dispute = {
      id: id("du"),
      object: "dispute",
      amount: charge.amount,
      balance_transactions: [],
      charge: charge.id,
      created: now(),
      currency: charge.currency,
      evidence: {},
      evidence_details: { due_by: now() + 7 * 86400, has_evidence: false, past_due: false, submission_count: 0 },
      is_charge_refundable: false,
      livemode: false,
      metadata: {},
      payment_intent: intent.id,
      reason,
      status: "needs_response",
    };
    this.objects.set(dispute.id, dispute);
    const before = this.events.length;
    this.event("charge.dispute.created", dispute);
    return { dispute, events: this.emitNewEvents(before, null) };
  }

  closeDispute(disputeId: string, status: "won" | "lost") {
    const dispute = this.get(disputeId, "dispute");
    dispute.status = status;
    const before = this.events.length;
    this.event("charge.dispute.closed", dispute, { previous_attributes: { status: "needs_response" } });
    return this.emitNewEvents(before, null);
  }

  /** Onboarding progressed at Stripe: account.updated, sent to the Connect endpoint (event.account is set). */
  updateAccount(accountId: string, patch: { transfers?: "active" | "inactive" | "pending"; payoutsEnabled?: boolean; chargesEnabled?: boolean; detailsSubmitted?: boolean }) {
    const account = this.get(accountId, "account");
    const previous = { capabilities: { ...account.capabilities }, payouts_enabled: account.payouts_enabled };
    if (patch.transfers) account.capabilities = { ...account.capabilities, transfers: patch.transfers };
    if (patch.payoutsEnabled !== undefined) account.payouts_enabled = patch.payoutsEnabled;
    if (patch.chargesEnabled !== undefined) account.charges_enabled = patch.chargesEnabled;
    if (patch.detailsSubmitted !== undefined) account.details_submitted = patch.detailsSubmitted;
    if (account.payouts_enabled) account.requirements = { currently_due: [], disabled_reason: null, eventually_due: [], past_due: [] };
    const before = this.events.length;
    this.event("account.updated", account, { account: accountId, previous_attributes: previous });
    return this.emitNewEvents(before, null);
  }

  /** The platform (or Stripe) takes a transfer back: transfer.reversed. */
  reverseTransfer(transferId: string) {
    const transfer = this.get(transferId, "transfer");
    const reversal = { id: id("trr"), object: "transfer_reversal", amount: transfer.amount - transfer.amount_reversed, created: now(), currency: transfer.currency, transfer: transfer.id };
    transfer.amount_reversed = transfer.amount;
    transfer.reversed = true;
    transfer.reversals.data.unshift(reversal);
    const before = this.events.length;
    this.event("transfer.reversed", transfer, { previous_attributes: { amount_reversed: 0, reversed: false } });
    return this.emitNewEvents(before, null);
  }

  /** The connected account's payout to the creator's bank failed: payout.failed on the Connect endpoint. */
  failBankPayout(accountId: string, amount: number, currency = "krw") {
    const payout = {
      id: id("po"),
      object: "payout",
      amount,
      arrival_date: now() + 86400,
      automatic: true,
      balance_transaction: id("txn"),
      created: now(),
      currency,
      description: "STRIPE PAYOUT",
      destination: id("ba"),
      failure_balance_transaction: id("txn"),
      failure_code: "account_closed",
      failure_message: "The bank account has been closed.",
      livemode: false,
      metadata: {},
      method: "standard",
      reconciliation_status: "not_applicable",
      source_type: "card",
      statement_descriptor: null,
      status: "failed",
      type: "bank_account",
    };
    const before = this.events.length;
    this.event("payout.failed", payout, { account: accountId });
    return this.emitNewEvents(before, null);
  }

  // ---- Events and webhooks ----

  /** Creates (and stores) an event the way Stripe does: a snapshot of the object at that moment. */
  event(type: string, object: Record<string, any>, options: { account?: string; created?: number; previous_attributes?: Record<string, any> } = {}): StripeEvent {
    const event: StripeEvent = {
      id: id("evt"),
      object: "event",
      ...(options.account ? { account: options.account } : {}),
      api_version: Stripe.API_VERSION,
      created: options.created ?? now(),
      data: { object: structuredClone(object), ...(options.previous_attributes ? { previous_attributes: options.previous_attributes } : {}) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    };
    this.events.push(event);
    return event;
  }

  private emitNewEvents(from: number, idempotencyKey: string | null): StripeEvent[] {
    const fresh = this.events.slice(from).filter((e) => ENABLED_EVENTS.has(e.type));
    for (const event of fresh) {
      event.request = { id: id("req"), idempotency_key: idempotencyKey };
      if (this.autoDeliver && this.webhookUrl) this.deliveryChain = this.deliveryChain.then(() => this.deliver(event).catch(() => undefined));
      else this.held.push(event);
    }
    return fresh;
  }

  /**
   * POSTs an event to the webhook URL, signed with stripe.webhooks.generateTestHeaderString. Options forge what a
   * test needs: another secret, an old timestamp, a body changed after signing, no signature at all.
   */
  async deliver(event: StripeEvent, options: { secret?: string; timestamp?: number; tamper?: (body: string) => string; unsigned?: boolean } = {}): Promise<Delivery> {
    if (!this.webhookUrl) throw new Error("no webhookUrl set");
    const payload = JSON.stringify(event, null, 2);
    const signature = Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: options.secret ?? this.webhookSecret,
      timestamp: options.timestamp ?? now(),
    });
    const response = await fetch(this.webhookUrl, {
      method: "POST",
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        ...(options.unsigned ? {} : { "Stripe-Signature": signature }),
      },
      body: options.tamper ? options.tamper(payload) : payload,
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* keep the text */
    }
    const delivery = { eventId: event.id, status: response.status, body };
    this.deliveries.push(delivery);
    return delivery;
  }

  /** Delivers the held events (optionally only those matching), in the order given. */
  async deliverHeld(filter: (event: StripeEvent) => boolean = () => true): Promise<Delivery[]> {
    const chosen = this.held.filter(filter);
    const out: Delivery[] = [];
    for (const event of chosen) {
      this.held.splice(this.held.indexOf(event), 1);
      out.push(await this.deliver(event));
    }
    return out;
  }
}

/** The API version this SDK pins (sent as Stripe-Version on every request). */
export const STRIPE_API_VERSION = Stripe.API_VERSION;
