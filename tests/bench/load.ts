// Closed-loop load: N clients each send their next request as soon as the previous one answers, for a fixed time.
// Latencies are kept whole (sorted once at the end) so p50 and p99 are exact, not estimated.
import http from "node:http";

export interface LoadResult {
  completed: number;
  failed: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  seconds: number;
  failures: Record<string, number>;
}

export function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Runs `clients` loops of `work(client)` for `seconds`. `work` resolves to true on success; a thrown error or
 * false counts as a failure (by its message), and the loop goes on.
 */
export async function runClosedLoop(clients: number, seconds: number, work: (client: number) => Promise<boolean | string>): Promise<LoadResult> {
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let failed = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        let outcome: boolean | string;
        try {
          outcome = await work(client);
        } catch (error) {
          outcome = (error as Error).message;
        }
        if (outcome === true) latencies.push(performance.now() - t0);
        else {
          failed++;
          const reason = outcome === false ? "failed" : String(outcome).slice(0, 80);
          failures[reason] = (failures[reason] ?? 0) + 1;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    completed: latencies.length,
    failed,
    perSecond: latencies.length / elapsed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    seconds: elapsed,
    failures,
  };
}

/** A keep-alive HTTP client for JSON posts, lighter than fetch for tens of thousands of small requests. */
export function jsonPoster(baseUrl: string, maxSockets: number) {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  return {
    post(path: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: string }> {
      const payload = JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const req = http.request(
          {
            host: url.hostname,
            port: url.port,
            path,
            method: "POST",
            agent,
            headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload), ...headers },
          },
          (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (chunk) => (text += chunk));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}
