import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireApiCreator } from "~/models/creators.server";
import { requirePayoutSecondFactor } from "~/models/two-factor.server";
import { startConnectOnboarding } from "~/money/connect.server";
import { connectCountry, getPaymentProvider } from "~/money/payment-provider.server";
import { handleApi, jsonResponse, methodNotAllowed, readJson, requireApiUser } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";
import { Problem } from "~/utils/problem.server";

const Onboarding = z.object({ returnUrl: z.string().url().optional(), refreshUrl: z.string().url().optional() }).strict();

export const loader = ({ request }: ActionFunctionArgs) => handleApi(request, async () => { throw methodNotAllowed(["POST"]); });

/**
 * Creates the creator's Stripe Express account on first use and returns a one-time link to Stripe's onboarding
 * form. The return and refresh URLs must be on this site (the dashboard's payouts page by default).
 */
export const action = ({ request }: ActionFunctionArgs) =>
  handleApi(request, async () => {
    if (request.method !== "POST") throw methodNotAllowed(["POST"]);
    const user = await requireApiUser(request);
    const creator = await requireApiCreator(getDb(), user);
    await requirePayoutSecondFactor(getDb(), user);
    const hasBody = Number(request.headers.get("Content-Length") ?? 0) > 0 || request.headers.has("Content-Type");
    const body = hasBody ? (await readJson(request, Onboarding)).data : {};
    const origin = new URL(request.url).origin;
    const sameSite = (url: string | undefined, fallback: string, field: string) => {
      if (url === undefined) return fallback;
      if (new URL(url).origin !== origin) throw new Problem(422, "validation_failed", "Links must lead back to this site.", { [field]: [`must start with ${origin}`] });
      return url;
    };
    const link = await startConnectOnboarding(getDb(), getPaymentProvider(), {
      creator,
      email: user.email,
      country: connectCountry(),
      returnUrl: sameSite(body.returnUrl, `${origin}/dashboard/payouts?connect=return`, "returnUrl"),
      refreshUrl: sameSite(body.refreshUrl, `${origin}/dashboard/payouts?connect=refresh`, "refreshUrl"),
    });
    return jsonResponse(201, { url: link.url, expiresAt: link.expiresAt, account: link.account });
  });
