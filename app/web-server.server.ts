// The web process: Express hosting the Remix build, static files, one log line per request, request ids, and a
// graceful shutdown that lets in-flight requests finish before closing connections.
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import { getEnv } from "./utils/env.server";
import { getLogger } from "./utils/logger.server";
import { httpDuration, httpRequests, renderMetrics, routeGroup } from "./utils/metrics.server";
import { publicPageCache } from "./utils/page-cache.server";

export async function startWebServer(options: { port?: number; host?: string } = {}) {
  const env = getEnv();
  const log = getLogger();
  const buildPath = path.resolve("build/server/index.js");
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild & {
    entry: { module: { closeConnections?: () => Promise<void>; endLiveStreams?: () => void } };
  };

  // Shutting down (see close()): a request that still arrives on an open keep-alive connection is answered 503 (the
  // client retries elsewhere or later, with the same Idempotency-Key), and every answer closes its connection.
  let draining = false;
  const inFlight = new Set<express.Response>();

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    const id = (req.get("X-Request-Id") ?? "").slice(0, 100) || randomUUID();
    res.setHeader("X-Request-Id", id);
    // Routes read the client address from here; a value sent by the client itself is overwritten.
    req.headers["x-sodam-client-ip"] = req.ip ?? "unknown";
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const route = routeGroup(req.path);
      httpRequests.inc({ method: req.method, route, status: `${Math.floor(res.statusCode / 100)}xx` });
      httpDuration.observe({ method: req.method, route }, ms / 1000);
      if (req.path === "/healthz" && res.statusCode === 200) return;
      log.info({ reqId: id, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, "request");
    });
    next();
  });
  // Draining (see close()): late requests get a 503 that closes the connection.
  app.use((req, res, next) => {
    if (draining) {
      res.status(503).set({ Connection: "close", "Retry-After": "1" }).type("application/problem+json").send(
        JSON.stringify({ status: 503, code: "service_unavailable", title: "Service Unavailable", detail: "This server is restarting. Please try again in a moment." }),
      );
      return;
    }
    inFlight.add(res);
    res.on("close", () => inFlight.delete(res));
    next();
  });
  // Creator pages for anonymous visitors, at most a second old (new tips show within that second). GET only, so
  // before the origin check and the static files: a hit costs no file lookup; and before compression: a hit comes
  // gzipped already. What is rendered for the cache is kept as the route wrote it, inside compression.
  const pageCache = publicPageCache({ ttlMs: 1_000, maxEntries: 2_000, path: /^\/@[A-Za-z0-9_.-]{1,64}$/ });
  app.use(pageCache.serve);
  app.use(compression());
  app.use(pageCache.store);
  // Origin check on every state-changing request: a browser always names the page's origin on a POST, so a
  // cross-site form or fetch is refused before it reaches a route. Clients without Origin (scripts with a bearer
  // token, provider webhooks) carry no ambient cookie authority.
  app.use((req, res, next) => {
    if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return next();
    const origin = req.get("Origin");
    const crossSite = req.get("Sec-Fetch-Site") === "cross-site";
    const expected = `${req.protocol}://${req.get("Host")}`;
    if ((origin && origin !== "null" && origin !== expected) || (!origin && crossSite) || origin === "null") {
      res.status(403).type("application/problem+json").send(
        JSON.stringify({ status: 403, code: "cross_origin_refused", title: "Forbidden", detail: "Requests from other sites are not accepted." }),
      );
      return;
    }
    next();
  });
  // Prometheus: served here, beside the request metrics this process records. With METRICS_TOKEN set, for its
  // bearer only; otherwise for loopback clients only.
  app.get("/metrics", async (req, res) => {
    const token = env.METRICS_TOKEN;
    const allowed = token ? req.get("Authorization") === `Bearer ${token}` : ["127.0.0.1", "::1", "::ffff:127.0.0.1"].includes(req.ip ?? "");
    if (!allowed) return void res.status(403).send("Forbidden");
    const { contentType, body } = await renderMetrics();
    res.set("Content-Type", contentType).set("Cache-Control", "no-store").send(body);
  });
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));
  app.all("*", createRequestHandler({ build, mode: env.NODE_ENV === "production" ? "production" : "development" }));

  const port = options.port ?? env.PORT;
  const host = options.host ?? env.HOST;
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, host, () => resolve(s));
    s.on("error", reject);
  });
  server.keepAliveTimeout = 65_000;
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const url = `http://${host === "0.0.0.0" ? "localhost" : host}:${actualPort}`;

  async function close() {
    // Stop accepting, end live streams (they never finish by themselves), let in-flight requests finish (up to
    // 8 s, inside the usual 10 s a supervisor waits before SIGKILL) on connections that close after their answer,
    // then close pools.
    draining = true;
    for (const res of inFlight) if (!res.headersSent) res.setHeader("Connection", "close");
    build.entry.module.endLiveStreams?.();
    await new Promise<void>((resolve) => {
      // A keep-alive connection is idle (closable without cutting an answer) only once its answer is out.
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      const timer = setTimeout(() => {
        clearInterval(idle);
        server.closeAllConnections();
        resolve();
      }, 8_000).unref();
      server.close(() => {
        clearInterval(idle);
        clearTimeout(timer);
        resolve();
      });
      server.closeIdleConnections();
    });
    await build.entry.module.closeConnections?.();
    // This module's own connections (metrics read Postgres and the queues).
    const [{ closeQueues }, { closeDb }] = await Promise.all([import("./jobs/queues.server"), import("./utils/db.server")]);
    await closeQueues();
    await closeDb();
  }
  return { url, port: actualPort, close };
}
