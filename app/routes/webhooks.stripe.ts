// Stripe webhooks: the raw body is read here, as sent (nothing parses it before — the web server has no body
// parser), its signature checked with the SDK, the event stored once by its id and handed to the workers. The
// answer is fast and says nothing about processing: a duplicate delivery is a 200 that does nothing.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { enqueueStripeEvent } from "~/jobs/queues.server";
import { verifyWebhookDelivery } from "~/money/payment-provider.server";
import { storeProviderEvent } from "~/money/provider-events.server";
import { handleApi, jsonResponse, methodNotAllowed } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";
import { getLogger } from "~/utils/logger.server";
import { Problem } from "~/utils/problem.server";

// Stripe's events are at most a few hundred kilobytes.
const MAX_BODY_BYTES = 1024 * 1024;

export const loader = ({ request }: LoaderFunctionArgs) => handleApi(request, async () => { throw methodNotAllowed(["POST"]); });

export const action = ({ request }: ActionFunctionArgs) =>
  handleApi(request, async () => {
    if (request.method !== "POST") throw methodNotAllowed(["POST"]);
    if (Number(request.headers.get("Content-Length") ?? 0) > MAX_BODY_BYTES) throw new Problem(413, "body_too_large", "The request body is too large.");
    const rawBody = await request.text();
    if (Buffer.byteLength(rawBody) > MAX_BODY_BYTES) throw new Problem(413, "body_too_large", "The request body is too large.");
    const event = verifyWebhookDelivery(rawBody, request.headers.get("Stripe-Signature"));
    const stored = await storeProviderEvent(getDb(), event);
    if (!stored) return jsonResponse(200, { received: true, duplicate: true });
    // Best effort: with Redis away the event is stored all the same and the workers' sweep processes it.
    await enqueueStripeEvent(event.id).catch((err) => getLogger().warn({ err, event: event.id }, "stripe event enqueue deferred to the sweep"));
    return jsonResponse(200, { received: true });
  });
