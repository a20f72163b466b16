// The authorization matrix: every route file in app/routes (read from the file system, so a new route without an
// entry here fails this test), probed as anonymous, a fan, another creator, the owning creator and an admin
// against the real web process and database, each cell asserting allowed or denied. "Owner" is the creator whose
// page, post and tips the probes use; "another creator" is a creator too, but not theirs.
//
// Denied: 401, 403, 404 (hidden), or a redirect to sign-in or to creator onboarding. Allowed: the request got past
// authorization — 2xx, any other redirect, or a 4xx about the input (400, 409, 422). A 5xx fails every cell.
import { readdirSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sealBlocks } from "../../app/money/transparency.server";
import { savePost } from "../../app/models/posts.server";
import { getCreatorByHandle } from "../../app/models/creators.server";
import { getOverlaySettings } from "../../app/models/overlays.server";
import { apiClient } from "../support/api-client";
import { useTestDatabase } from "../support/database";
import { startWeb } from "../support/processes";
import { webSession, type PageAnswer } from "../support/web-session";

const t = await useTestDatabase();
let web: Awaited<ReturnType<typeof startWeb>>;

const ROLES = ["anonymous", "fan", "otherCreator", "owner", "admin"] as const;
type Role = (typeof ROLES)[number];
type Expect = "allow" | "deny" | number;

interface Actor {
  token: string | null;
  page: ReturnType<typeof webSession>;
  email: string;
  recoveryCodes: string[];
}

interface Context {
  owner: { handle: string };
  slug: string;
  tipId: string;
  refundTipId: string;
  heldTipId: string;
  proofId: string;
  secret: string;
  /** The owner's stream overlay address secret (a capability: whoever holds it sees the alerts). */
  overlaySecret: string;
  actors: Record<Role, Actor>;
}

interface Probe {
  method: "GET" | "POST" | "DELETE";
  path: (ctx: Context) => string;
  /** JSON body (API) or form fields (pages), per role. */
  json?: (ctx: Context, role: Role) => unknown;
  form?: (ctx: Context, role: Role) => Record<string, string>;
  expect: Record<Role, Expect> | Expect;
  /** Roles whose answer must not contain the owner's private tip message. */
  noLeakTo?: Role[];
}

const all = (e: Expect) => e;
const signedIn: Record<Role, Expect> = { anonymous: "deny", fan: "allow", otherCreator: "allow", owner: "allow", admin: "allow" };
const creatorsOnly: Record<Role, Expect> = { anonymous: "deny", fan: "deny", otherCreator: "allow", owner: "allow", admin: "deny" };
const ownerOnly: Record<Role, Expect> = { anonymous: "deny", fan: "deny", otherCreator: "deny", owner: "allow", admin: "deny" };
const adminOnly: Record<Role, Expect> = { anonymous: "deny", fan: "deny", otherCreator: "deny", owner: "deny", admin: "allow" };
/** Tipping the owner: anyone signed in, except the owner (self-tipping is blocked). */
const tippers: Record<Role, Expect> = { anonymous: "deny", fan: "allow", otherCreator: "allow", owner: "deny", admin: "allow" };
const notOwner: Role[] = ["anonymous", "fan", "otherCreator", "admin"];

const dashboard = (p: string, extra: Partial<Probe> = {}): Probe[] => [{ method: "GET", path: () => p, expect: creatorsOnly, noLeakTo: notOwner, ...extra }];

/** Every route file and what each role may do with it. */
const MATRIX: Record<string, Probe[]> = {
  "$.tsx": [{ method: "GET", path: () => "/no/such/page", expect: all(404) }],
  "$handle._index.tsx": [
    { method: "GET", path: (c) => `/@${c.owner.handle}`, expect: all("allow") },
    {
      method: "POST",
      path: (c) => `/@${c.owner.handle}`,
      form: () => ({ intent: "tip", method: "wallet", amount: "1000", idempotencyKey: randomUUID() }),
      expect: tippers,
    },
  ],
  "$handle.qr[.svg].ts": [{ method: "GET", path: (c) => `/@${c.owner.handle}/qr.svg`, expect: all("allow") }],
  "$handle.qr[.png].ts": [{ method: "GET", path: (c) => `/@${c.owner.handle}/qr.png`, expect: all("allow") }],
  // The tip widget is for everyone, guests included; a form without a card number is refused for its input (422).
  "embed.$handle._index.tsx": [
    { method: "GET", path: (c) => `/embed/${c.owner.handle}`, expect: all("allow"), noLeakTo: notOwner },
    {
      method: "POST",
      path: (c) => `/embed/${c.owner.handle}`,
      form: () => ({ intent: "tip", method: "card", amount: "3000", idempotencyKey: randomUUID() }),
      expect: all(422),
    },
  ],
  "embed.$handle.goal.tsx": [{ method: "GET", path: (c) => `/embed/${c.owner.handle}/goal`, expect: all("allow"), noLeakTo: notOwner }],
  // The overlay address is the credential: anyone holding it sees the page, nobody without it does. (Its event
  // stream with the right secret never ends, so the stream is probed here without it; tests/integration/
  // overlay.test.ts reads it.)
  "overlay.$secret.ts": [
    { method: "GET", path: (c) => `/overlay/${c.overlaySecret}`, expect: all("allow") },
    { method: "GET", path: () => `/overlay/${"x".repeat(32)}`, expect: all(404) },
  ],
  "overlay.$secret.events.ts": [{ method: "GET", path: () => `/overlay/${"x".repeat(32)}/events`, expect: all(404) }],
  "$handle.p.$slug.tsx": [
    { method: "GET", path: (c) => `/@${c.owner.handle}/p/${c.slug}`, expect: all("allow") },
    { method: "POST", path: (c) => `/@${c.owner.handle}/p/${c.slug}`, form: () => ({}), expect: signedIn },
  ],
  "[.well-known].sodam-ledger-key.ts": [{ method: "GET", path: () => "/.well-known/sodam-ledger-key", expect: all("allow") }],
  "_index.tsx": [{ method: "GET", path: () => "/", expect: all("allow") }],
  "account.security.tsx": [
    { method: "GET", path: () => "/account/security", expect: signedIn },
    { method: "POST", path: () => "/account/security", form: () => ({ intent: "confirm", code: "000000" }), expect: signedIn },
  ],
  "admin.audit.tsx": [{ method: "GET", path: () => "/admin/audit", expect: adminOnly }],
  "admin.queues.tsx": [
    { method: "GET", path: () => "/admin/queues", expect: adminOnly },
    { method: "POST", path: () => "/admin/queues", form: () => ({ intent: "retry-all", queue: "settlement" }), expect: adminOnly },
    { method: "POST", path: () => "/admin/queues", form: () => ({ intent: "retry", queue: "webhooks", jobId: "no-such-job" }), expect: adminOnly },
  ],
  "admin.review.tsx": [
    { method: "GET", path: () => "/admin/review", expect: adminOnly },
    { method: "POST", path: () => "/admin/review", form: (c) => ({ intent: "approve", tipId: c.heldTipId }), expect: adminOnly },
  ],
  "api.v1.$.ts": [{ method: "GET", path: () => "/api/v1/no-such-endpoint", expect: all(404) }],
  "api.v1.admin.tips.$tipId.refund.ts": [{ method: "POST", path: (c) => `/api/v1/admin/tips/${c.refundTipId}/refund`, expect: adminOnly }],
  "api.v1.auth.token.ts": [
    {
      method: "POST",
      path: () => "/api/v1/auth/token",
      // Anonymous has no account: wrong credentials. Everyone else signs in (creators with a recovery code).
      json: (c, role) =>
        role === "anonymous"
          ? { email: "nobody@example.test", password: "not a password" }
          : { email: c.actors[role].email, password: PASSWORD, ...(c.actors[role].recoveryCodes.length ? { otp: c.actors[role].recoveryCodes.pop() } : {}) },
      expect: signedIn,
    },
  ],
  "api.v1.creators.$handle.ts": [{ method: "GET", path: (c) => `/api/v1/creators/${c.owner.handle}`, expect: all("allow") }],
  "api.v1.me.connect.onboarding.ts": [{ method: "POST", path: () => "/api/v1/me/connect/onboarding", expect: creatorsOnly }],
  "api.v1.me.connect.ts": [{ method: "GET", path: () => "/api/v1/me/connect", expect: creatorsOnly }],
  "api.v1.me.creator.ts": [
    { method: "GET", path: () => "/api/v1/me/creator", expect: creatorsOnly },
    { method: "POST", path: () => "/api/v1/me/creator", json: () => ({}), expect: signedIn },
  ],
  "api.v1.me.earnings.ts": [{ method: "GET", path: () => "/api/v1/me/earnings", expect: creatorsOnly }],
  "api.v1.me.payouts.ts": [
    { method: "GET", path: () => "/api/v1/me/payouts", expect: creatorsOnly },
    { method: "POST", path: () => "/api/v1/me/payouts", expect: creatorsOnly },
  ],
  "api.v1.me.tips.ts": [{ method: "GET", path: () => "/api/v1/me/tips", expect: signedIn, noLeakTo: ["otherCreator", "owner", "admin"] }],
  "api.v1.me.two-factor.confirm.ts": [{ method: "POST", path: () => "/api/v1/me/two-factor/confirm", json: () => ({ code: "000000" }), expect: signedIn }],
  "api.v1.me.two-factor.ts": [{ method: "GET", path: () => "/api/v1/me/two-factor", expect: signedIn }],
  "api.v1.me.wallet.topups.ts": [{ method: "POST", path: () => "/api/v1/me/wallet/topups", json: () => ({ amount: 1, currency: "KRW", card: "4242424242424242" }), expect: signedIn }],
  "api.v1.me.wallet.ts": [{ method: "GET", path: () => "/api/v1/me/wallet", expect: signedIn }],
  "api.v1.tips.ts": [{ method: "POST", path: () => "/api/v1/tips", json: (c) => ({ creator: c.owner.handle, amount: 1_000, currency: "KRW" }), expect: tippers }],
  "api.v1.transparency.blocks.ts": [{ method: "GET", path: () => "/api/v1/transparency/blocks", expect: all("allow") }],
  "api.v1.transparency.proof.$transactionId.ts": [{ method: "GET", path: (c) => `/api/v1/transparency/proof/${c.proofId}`, expect: all("allow") }],
  "api.v1.users.ts": [{ method: "POST", path: () => "/api/v1/users", json: () => ({ email: "not an email" }), expect: all("allow") }],
  "creator.start.tsx": [
    { method: "GET", path: () => "/creator/start", expect: signedIn },
    { method: "POST", path: () => "/creator/start", form: () => ({}), expect: signedIn },
  ],
  "dashboard._index.tsx": dashboard("/dashboard"),
  // The layout of every /dashboard page: its guard is the one every dashboard page relies on.
  "dashboard.tsx": dashboard("/dashboard/tips"),
  "dashboard.payouts.tsx": [
    ...dashboard("/dashboard/payouts"),
    { method: "POST", path: () => "/dashboard/payouts", form: () => ({ intent: "payNow" }), expect: creatorsOnly },
  ],
  "dashboard.payouts[.csv].ts": dashboard("/dashboard/payouts.csv"),
  // A payout statement exists only for its creator: another creator's (or an unknown) id is a 404 for everyone.
  // The owner opening their own statement is checked in tests/e2e/creator.spec.ts.
  "dashboard.payouts_.$id.tsx": [{ method: "GET", path: () => `/dashboard/payouts/${randomUUID()}`, expect: all("deny") }],
  "dashboard.tax-statement[.csv].ts": dashboard("/dashboard/tax-statement.csv?year=2026"),
  "dashboard.developers.tsx": [
    ...dashboard("/dashboard/developers"),
    { method: "POST", path: () => "/dashboard/developers", form: () => ({ intent: "createToken", name: "", scopes: "read" }), expect: creatorsOnly },
  ],
  "dashboard.posts.$slug.tsx": [
    { method: "GET", path: (c) => `/dashboard/posts/${c.slug}`, expect: ownerOnly, noLeakTo: notOwner },
    {
      method: "POST",
      path: (c) => `/dashboard/posts/${c.slug}`,
      form: (c) => ({ title: "Private letter", slug: c.slug, kind: "article", price: "1000", preview: "", body: "Only for supporters." }),
      expect: ownerOnly,
    },
  ],
  "dashboard.posts._index.tsx": dashboard("/dashboard/posts"),
  "api.v1.me.wallet.caps.ts": [{ method: "GET", path: () => "/api/v1/me/wallet/caps", expect: signedIn }],
  "dashboard.share.tsx": [
    ...dashboard("/dashboard/share"),
    { method: "POST", path: () => "/dashboard/share", form: () => ({ intent: "preferences", minAmount: "1000", blockedWords: "" }), expect: creatorsOnly },
  ],
  "dashboard.share_.card.tsx": dashboard("/dashboard/share/card"),
  "dashboard.settings.tsx": [
    ...dashboard("/dashboard/settings"),
    { method: "POST", path: () => "/dashboard/settings", form: () => ({ intent: "nothing" }), expect: creatorsOnly },
  ],
  "dashboard.tips.tsx": dashboard("/dashboard/tips"),
  "dashboard.tips[.csv].ts": dashboard("/dashboard/tips.csv"),
  "dev.outbox.tsx": [{ method: "GET", path: () => "/dev/outbox", expect: all("allow") }],
  "forgot-password.tsx": [
    { method: "GET", path: () => "/forgot-password", expect: all("allow") },
    { method: "POST", path: () => "/forgot-password", form: () => ({ email: "nobody@example.test" }), expect: all("allow") },
  ],
  "healthz.ts": [{ method: "GET", path: () => "/healthz", expect: all("allow") }],
  "login.tsx": [
    { method: "GET", path: () => "/login", expect: all("allow") },
    // Wrong credentials are refused; someone already signed in is sent on home.
    { method: "POST", path: () => "/login", form: () => ({ email: "nobody@example.test", password: "not the password" }), expect: signedIn },
  ],
  // Without a password step first there is nothing to answer: back to sign-in, for everyone.
  "login_.two-factor.tsx": [{ method: "GET", path: () => "/login/two-factor", expect: all("deny") }],
  "logout.tsx": [{ method: "GET", path: () => "/logout", expect: all("allow") }],
  // A card payment waiting for the fan: a top-up's page is its fan's own, a card tip's is for whoever holds the link.
  "payments.$id.tsx": [{ method: "GET", path: () => "/payments/00000000-0000-4000-8000-000000000000", expect: all(404) }],
  "receipts.$tipId.tsx": [{ method: "GET", path: (c) => `/receipts/${c.tipId}`, expect: all("allow") }],
  "reset-password.tsx": [
    { method: "GET", path: () => "/reset-password?token=not-a-real-token-at-all", expect: all("allow") },
    { method: "POST", path: () => "/reset-password", form: () => ({ token: "not-a-real-token-at-all", password: "long enough password" }), expect: all(400) },
  ],
  "signup.tsx": [{ method: "GET", path: () => "/signup", expect: all("allow") }],
  "tips.$id.tsx": [{ method: "GET", path: (c) => `/tips/${c.tipId}`, expect: all("allow") }],
  "transparency.tsx": [{ method: "GET", path: () => "/transparency", expect: all("allow") }],
  "wallet.tsx": [
    { method: "GET", path: () => "/wallet", expect: signedIn },
    { method: "POST", path: () => "/wallet", form: () => ({ intent: "topup", amount: "abc", currency: "KRW", card: "4242424242424242", idempotencyKey: randomUUID() }), expect: signedIn },
  ],
  // Stripe signs its webhooks; without a signing secret configured (test mode) the endpoint answers everyone
  // 503 webhooks_not_configured, so a forged event never gets in.
  "webhooks.stripe.ts": [{ method: "POST", path: () => "/webhooks/stripe", json: () => ({ id: "evt_forged", type: "payment_intent.succeeded" }), expect: all(503) }],
};

const PASSWORD = "correct horse battery";

function classify(answer: PageAnswer): "allow" | "deny" | "error" {
  if (answer.status >= 500) return "error";
  if ([401, 403, 404].includes(answer.status)) return "deny";
  const location = answer.location ?? "";
  if (answer.status >= 300 && answer.status < 400 && (location.startsWith("/login") || location.startsWith("/creator/start"))) return "deny";
  return "allow";
}

async function send(ctx: Context, role: Role, probe: Probe): Promise<PageAnswer> {
  const actor = ctx.actors[role];
  const url = probe.path(ctx);
  const isApi = url.startsWith("/api/") || url.startsWith("/webhooks/");
  if (isApi) {
    const answer = await apiClient(web.url).request(probe.method, url, {
      token: actor.token ?? undefined,
      body: probe.json ? probe.json(ctx, role) : probe.method === "POST" ? {} : undefined,
      headers: probe.method === "POST" ? { "Idempotency-Key": randomUUID() } : {},
    });
    return { status: answer.status, location: answer.headers.get("Location"), text: typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body), headers: answer.headers };
  }
  return actor.page.request(probe.method, url, probe.form ? { form: probe.form(ctx, role) } : {});
}

let ctx: Context;

beforeAll(async () => {
  web = await startWeb(t.env);
  const api = apiClient(web.url);
  async function actor(kind: "fan" | "creator" | "admin"): Promise<Actor & { id: number; handle: string }> {
    const made: { id: number; email: string; token: string; handle?: string; recoveryCodes?: string[] } =
      kind === "creator" ? await api.newCreator("KRW", { twoFactor: true }) : await api.signUp(kind === "admin" ? "Admin" : "Fan");
    if (kind === "admin") await t.db.updateTable("users").set({ role: "admin" }).where("id", "=", made.id).execute();
    // An established account, so the new-account rule does not hold the matrix's tips.
    await t.db.updateTable("users").set({ created_at: new Date(Date.now() - 90 * 86_400_000) }).where("id", "=", made.id).execute();
    await api.topUp(made.token, 50_000);
    const page = webSession(web.url);
    const signedIn = await page.signIn(made.email, PASSWORD);
    const recoveryCodes = [...(made.recoveryCodes ?? [])];
    if (signedIn.location === "/login/two-factor") await page.post("/login/two-factor", { code: recoveryCodes.pop()! });
    expect(page.hasSession(), `${kind} signed in on the web`).toBe(true);
    return { ...made, handle: made.handle ?? "", page, recoveryCodes };
  }
  const [fan, otherCreator, owner, admin] = [await actor("fan"), await actor("creator"), await actor("creator"), await actor("admin")];
  const ownerCreator = (await getCreatorByHandle(t.db, owner.handle))!;
  const slug = "private-letter";
  await savePost(t.db, ownerCreator, { title: "Private letter", slug, kind: "article", price: 1_000, preview: "", body: "Only for supporters." });

  const secret = `secret-${randomUUID()}`;
  const tip = await api.tip(fan.token!, { creator: owner.handle, amount: 2_000, currency: "KRW", message: secret });
  const refundTip = await api.tip(fan.token!, { creator: owner.handle, amount: 1_000, currency: "KRW" });
  const newcomer = await api.signUp("Newcomer");
  await api.topUp(newcomer.token, 200_000);
  const held = await api.tip(newcomer.token, { creator: owner.handle, amount: 150_000, currency: "KRW" });
  expect([tip.status, refundTip.status, held.body.status]).toEqual([201, 201, "held"]);
  await sealBlocks(t.db);
  const proof = await t.db.selectFrom("ledger_block_transactions").select("public_id").limit(1).executeTakeFirstOrThrow();

  ctx = {
    owner: { handle: owner.handle },
    slug,
    tipId: tip.body.id,
    refundTipId: refundTip.body.id,
    heldTipId: held.body.id,
    proofId: proof.public_id,
    secret,
    overlaySecret: (await getOverlaySettings(t.db, ownerCreator.id)).secret,
    actors: {
      anonymous: { token: null, page: webSession(web.url), email: "", recoveryCodes: [] },
      fan,
      otherCreator,
      owner,
      admin,
    },
  };
});
afterAll(async () => {
  await web?.stop();
});

const routeFiles = readdirSync(path.resolve(__dirname, "../../app/routes")).filter((f) => /\.(tsx?|jsx?)$/.test(f)).sort();

describe("authorization matrix", () => {
  it("has an entry for every route file, and none for a file that is gone", () => {
    expect(routeFiles.filter((f) => !(f in MATRIX)), "routes without a matrix entry").toEqual([]);
    expect(Object.keys(MATRIX).filter((f) => !routeFiles.includes(f)), "matrix entries without a route").toEqual([]);
  });

  for (const file of Object.keys(MATRIX).sort()) {
    it(`${file}: each role is allowed or denied as it should be`, async () => {
      const cells: string[] = [];
      for (const probe of MATRIX[file]) {
        for (const role of ROLES) {
          const expected = typeof probe.expect === "object" ? probe.expect[role] : probe.expect;
          const answer = await send(ctx, role, probe);
          const outcome = typeof expected === "number" ? answer.status : classify(answer);
          const label = `${probe.method} ${probe.path(ctx)} as ${role}: ${answer.status}${answer.location ? ` → ${answer.location}` : ""}`;
          if (outcome !== expected) cells.push(`${label} (expected ${expected}, got ${outcome})`);
          if (probe.noLeakTo?.includes(role) && answer.text.includes(ctx.secret)) cells.push(`${label} shows the owner's private tip message`);
        }
      }
      expect(cells).toEqual([]);
    });
  }

  it("covers every route file for all five roles", () => {
    const probes = Object.values(MATRIX).reduce((n, list) => n + list.length, 0);
    // Printed for the record: routes × roles, and the requests made.
    process.stdout.write(`authorization matrix: ${routeFiles.length} route files × ${ROLES.length} roles = ${routeFiles.length * ROLES.length} cells; ${probes} probes → ${probes * ROLES.length} requests\n`);
    expect(routeFiles.length).toBeGreaterThan(0);
  });
});
