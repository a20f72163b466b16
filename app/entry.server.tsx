// Node streaming document renderer (the Remix v2 template) plus the security headers every page carries.
// Bots and SPA mode get the whole document at once (onAllReady); browsers get the shell as soon as it is ready.

import { PassThrough } from "node:stream";

import type { EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";

const ABORT_DELAY = 5_000;

// Single fetch: pending loader promises are rejected after this long; React is aborted a second later so the
// rejections can still stream to the browser.
export const streamTimeout = ABORT_DELAY;

/**
 * Defaults for page responses. A route that must be framed (the tip widget embed, the OBS overlay) sets its own
 * `Content-Security-Policy` through its `headers` export; then we leave framing to it and add no X-Frame-Options.
 */
function setSecurityHeaders(headers: Headers) {
  if (!headers.has("Content-Security-Policy")) {
    headers.set("Content-Security-Policy", "frame-ancestors 'none'");
    if (!headers.has("X-Frame-Options")) headers.set("X-Frame-Options", "DENY");
  }
  if (!headers.has("X-Content-Type-Options")) headers.set("X-Content-Type-Options", "nosniff");
  if (!headers.has("Referrer-Policy")) headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  const userAgent = request.headers.get("user-agent");
  const waitForAll = (userAgent !== null && isbot(userAgent)) || remixContext.isSpaMode;

  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;

    const finish = () => {
      shellRendered = true;
      const body = new PassThrough();
      const stream = createReadableStreamFromReadable(body);

      responseHeaders.set("Content-Type", "text/html; charset=utf-8");
      setSecurityHeaders(responseHeaders);

      resolve(
        new Response(stream, {
          headers: responseHeaders,
          status: responseStatusCode,
        }),
      );

      pipe(body);
    };

    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
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
    });

    setTimeout(abort, ABORT_DELAY + 1_000);
  });
}

/**
 * Called by the web process on shutdown: this bundle holds its own database pool, Redis connection and queues
 * (module instances of the build), which only code inside the bundle can close.
 */
export async function closeConnections() {
  const [{ closeQueues }, { closeDb }, { closeRedis }] = await Promise.all([
    import("~/jobs/queues.server"),
    import("~/utils/db.server"),
    import("~/utils/redis.server"),
  ]);
  await closeQueues();
  await closeRedis();
  await closeDb();
}
