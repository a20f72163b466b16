// Web sign-in: a server-side session row per sign-in; the cookie (httpOnly, SameSite=Lax, Secure in production,
// signed) holds a random token whose SHA-256 is the row id. A new session at every sign-in (no fixation). With
// two-factor on, the password step leaves only a short signed challenge cookie; the session starts after the code.
import { createHash, randomBytes } from "node:crypto";
import { createCookie, redirect } from "@remix-run/node";
import { getCreatorByUserId } from "../models/creators.server";
import type { SignedInUser, User } from "../models/users.server";
import { getDb } from "./db.server";
import { getEnv, isProduction } from "./env.server";

const SESSION_DAYS = 30;

let cookie: ReturnType<typeof createCookie> | undefined;
function sessionCookie() {
  cookie ??= createCookie("sodam_session", {
    httpOnly: true,
    sameSite: "lax",
    secure: isProduction(),
    path: "/",
    maxAge: SESSION_DAYS * 86_400,
    secrets: [getEnv().SESSION_SECRET],
  });
  return cookie;
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

async function readToken(request: Request): Promise<string | null> {
  const value = await sessionCookie().parse(request.headers.get("Cookie"));
  return typeof value === "string" && value.length > 20 ? value : null;
}

export async function getSessionUser(request: Request): Promise<SignedInUser | null> {
  const token = await readToken(request);
  if (!token) return null;
  const row = await getDb()
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select(["users.id", "users.email", "users.display_name", "users.role", "users.created_at", "sessions.second_factor"])
    .where("sessions.id", "=", hashToken(token))
    .where("sessions.expires_at", ">", new Date())
    .executeTakeFirst();
  return row
    ? { id: row.id, email: row.email, displayName: row.display_name, role: row.role, secondFactor: row.second_factor, createdAt: row.created_at }
    : null;
}

/** This session proved the second factor (its user just confirmed enrolment with a code). */
export async function markSessionSecondFactor(request: Request) {
  const token = await readToken(request);
  if (token) await getDb().updateTable("sessions").set({ second_factor: true }).where("id", "=", hashToken(token)).execute();
}

/** The signed-in user, or a redirect to sign-in that comes back here afterwards. */
export async function requireUser(request: Request): Promise<SignedInUser> {
  const user = await getSessionUser(request);
  if (user) return user;
  const url = new URL(request.url);
  throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
}

/** Only same-site paths: an open redirect would let a link send a fan elsewhere after sign-in. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/") {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}

export async function createUserSession(request: Request, userId: number, redirectTo: string, options: { secondFactor?: boolean } = {}) {
  const previous = await readToken(request);
  if (previous) await getDb().deleteFrom("sessions").where("id", "=", hashToken(previous)).execute();
  const token = randomBytes(32).toString("base64url");
  await getDb()
    .insertInto("sessions")
    .values({
      id: hashToken(token),
      user_id: userId,
      expires_at: new Date(Date.now() + SESSION_DAYS * 86_400_000),
      second_factor: options.secondFactor ?? false,
    })
    .execute();
  const headers = new Headers();
  headers.append("Set-Cookie", await sessionCookie().serialize(token));
  if (request.headers.get("Cookie")?.includes(`${CHALLENGE_COOKIE}=`)) headers.append("Set-Cookie", await challengeCookie().serialize("", { maxAge: 0 }));
  return redirect(safeRedirect(redirectTo), { headers });
}

// The sign-in challenge between the password and the code: who passed the password step, where to go after,
// and until when (five minutes). Signed, so it cannot be made up; it grants nothing but the code form.
const CHALLENGE_COOKIE = "sodam_2fa";
const CHALLENGE_SECONDS = 300;
let challenge: ReturnType<typeof createCookie> | undefined;
function challengeCookie() {
  challenge ??= createCookie(CHALLENGE_COOKIE, {
    httpOnly: true,
    sameSite: "lax",
    secure: isProduction(),
    path: "/login",
    maxAge: CHALLENGE_SECONDS,
    secrets: [getEnv().SESSION_SECRET],
  });
  return challenge;
}

/** The password was right and two-factor is on: ask for the code at /login/two-factor. */
export async function startSignInChallenge(userId: number, redirectTo: string) {
  const value = { userId, redirectTo: safeRedirect(redirectTo), expiresAt: Date.now() + CHALLENGE_SECONDS * 1000 };
  return redirect("/login/two-factor", { headers: { "Set-Cookie": await challengeCookie().serialize(value) } });
}

export async function readSignInChallenge(request: Request): Promise<{ userId: number; redirectTo: string } | null> {
  const value = (await challengeCookie().parse(request.headers.get("Cookie"))) as { userId?: unknown; redirectTo?: unknown; expiresAt?: unknown } | null;
  if (!value || typeof value.userId !== "number" || typeof value.expiresAt !== "number" || value.expiresAt < Date.now()) return null;
  return { userId: value.userId, redirectTo: safeRedirect(typeof value.redirectTo === "string" ? value.redirectTo : "/") };
}

/** Signs out this session, or (everywhere) every session of its user. */
export async function logout(request: Request, options: { everywhere?: boolean } = {}) {
  const token = await readToken(request);
  if (token) {
    const db = getDb();
    if (options.everywhere) {
      const session = await db.selectFrom("sessions").select("user_id").where("id", "=", hashToken(token)).executeTakeFirst();
      if (session) await db.deleteFrom("sessions").where("user_id", "=", session.user_id).execute();
    } else {
      await db.deleteFrom("sessions").where("id", "=", hashToken(token)).execute();
    }
  }
  return redirect("/", { headers: { "Set-Cookie": await sessionCookie().serialize("", { maxAge: 0 }) } });
}

/** The signed-in admin; anyone else signed in gets a 403 page (sign-in first for visitors). */
export async function requireAdmin(request: Request): Promise<User> {
  const user = await requireUser(request);
  if (user.role !== "admin") throw new Response("Admins only", { status: 403 });
  return user;
}

/** The signed-in user and their creator page; sends a fan without one to creator onboarding. */
export async function requireCreator(request: Request) {
  const user = await requireUser(request);
  const creator = await getCreatorByUserId(getDb(), user.id);
  if (!creator) throw redirect("/creator/start");
  return { user, creator };
}
