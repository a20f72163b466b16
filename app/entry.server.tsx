// Node streaming document renderer (the Remix v2 template) plus the security headers every page carries
// (app/utils/security-headers.server.ts), with a fresh CSP nonce for each document.
// Bots and SPA mode get the whole document at once (onAllReady); browsers get the shell as soon as it is ready.

import { PassThrough } from "node:stream";

import type { EntryContext, HandleErrorFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";

import { isDatabaseUnavailable } from "~/utils/connectivity.server";
import { getLogger } from "~/utils/logger.server";
import { paymentPageConfig } from "~/money/payment-provider.server";
import { NonceContext } from "~/utils/nonce";
import { createNonce, setSecurityHeaders, type FrameableHandle } from "~/utils/security-headers.server";

const ABORT_DELAY = 5_000;

// Single fetch: pending loader promises are rejected after this long; React is aborted a second later so the
// rejections can still stream to the browser.
export const streamTimeout = ABORT_DELAY;

/** Pages whose loader or action failed because Postgres is away: answered 503 with Retry-After, not 500. */
const databaseAway = new WeakSet<Request>();

export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  if (isDatabaseUnavailable(error)) {
    databaseAway.add(request);
    getLogger().warn({ url: request.url, err: (error as Error)?.message }, "page unavailable: database unreachable");
    return;
  }
  // As Remix logs by default: the error inside a route error response, else the error.
  const inner = isRouteErrorResponse(error) ? (error as { error?: unknown }).error : undefined;
  console.error(inner ?? error);
};

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  if (responseStatusCode >= 500 && databaseAway.has(request)) {
    responseStatusCode = 503;
    responseHeaders.set("Retry-After", "5");
  }
  const nonce = createNonce();
  // The widget and overlay routes may be framed by any site; every other page refuses framing.
  const frameable = remixContext.staticHandlerContext.matches.some(
    (match) => (remixContext.routeModules[match.route.id]?.handle as FrameableHandle | undefined)?.frameable === true,
  );
  const userAgent = request.headers.get("user-agent");
  const waitForAll = (userAgent !== null && isbot(userAgent)) || remixContext.isSpaMode;

  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;

    const finish = () => {
      shellRendered = true;
      const body = new PassThrough();
      const stream = createReadableStreamFromReadable(body);

      responseHeaders.set("Content-Type", "text/html; charset=utf-8");
      setSecurityHeaders(responseHeaders, { nonce, frameable, stripeJs: paymentPageConfig().publishableKey !== null });

      resolve(
        new Response(stream, {
          headers: responseHeaders,
          status: responseStatusCode,
        }),
      );

      pipe(body);
    };

    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} nonce={nonce} />
      </NonceContext.Provider>,
      {
        // React's own streaming scripts (Suspense boundaries) need the nonce too.
        nonce,
        onAllReady() {
          if (waitForAll) finish();
        },
        onShellReady() {
          if (!waitForAll) finish();
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors while rendering the shell reject and are logged by handleDocumentRequest; only log those that
          // happen while streaming after it.
          if (shellRendered) {
            console.error(error);
          }
        },
      },
    );

    setTimeout(abort, ABORT_DELAY + 1_000);
  });
}

/**
 * Called by the web process on shutdown: this bundle holds its own database pool, Redis connection and queues
 * (module instances of the build), which only code inside the bundle can close.
 */
export async function closeConnections() {
  const [{ closeQueues }, { closeDb }, { closeRedis }, { closePubSub }] = await Promise.all([
    import("~/jobs/queues.server"),
    import("~/utils/db.server"),
    import("~/utils/redis.server"),
    import("~/utils/pubsub.server"),
  ]);
  await closeQueues();
  await closePubSub();
  await closeRedis();
  await closeDb();
}

/** Called by the web process when shutdown begins: live streams (overlays) end so browsers reconnect elsewhere. */
export { endLiveStreams } from "~/models/overlay-stream.server";
