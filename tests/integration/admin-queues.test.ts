// The admin view of the job queues, `/admin/queues`, through the real web process: counts, schedulers with their
// next run, failed jobs with their reasons, and retrying one failed job or all of a queue's — admins only, and a
// post from another site is refused.
import { Worker, type ConnectionOptions } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getQueue, queuePrefix, QUEUES, schedules } from "../../app/jobs/queues.server";
import { redisConnectionOptions } from "../../app/utils/redis.server";
import { apiClient } from "../support/api-client";
import { useTestDatabase } from "../support/database";
import { startWeb, waitFor } from "../support/processes";
import { webSession } from "../support/web-session";

const t = await useTestDatabase();
let web: Awaited<ReturnType<typeof startWeb>>;
let admin: ReturnType<typeof webSession>;
let fan: ReturnType<typeof webSession>;
const failedIds: string[] = [];

/** Makes `count` jobs on the webhooks queue fail once and for all (one attempt, a processor that throws). */
async function failJobs(count: number) {
  const queue = getQueue(QUEUES.webhooks);
  const jobs = await Promise.all(
    Array.from({ length: count }, (_, i) => queue.add("deliver", { kind: "sweep" }, { attempts: 1, jobId: `broken-${Date.now()}-${i}` })),
  );
  const worker = new Worker(
    QUEUES.webhooks,
    async (job) => {
      // Only this test's jobs fail; a scheduled sweep picked up meanwhile just completes.
      if (job.id?.startsWith("broken-")) throw new Error("receiver answered 502 Bad Gateway");
    },
    { connection: redisConnectionOptions() as ConnectionOptions, prefix: queuePrefix() },
  );
  await waitFor(async () => (await queue.getFailedCount()) >= failedIds.length + count, 20_000, "jobs to fail");
  await worker.close();
  failedIds.push(...jobs.map((j) => j.id!));
  return jobs.map((j) => j.id!);
}

beforeAll(async () => {
  web = await startWeb(t.env);
  const api = apiClient(web.url);
  const password = "correct horse battery";
  const signedIn = async (role: "admin" | "fan") => {
    const user = await api.signUp(role === "admin" ? "Operator" : "Curious");
    if (role === "admin") await t.db.updateTable("users").set({ role: "admin" }).where("id", "=", user.id).execute();
    const page = webSession(web.url);
    await page.signIn(user.email, password);
    expect(page.hasSession()).toBe(true);
    return page;
  };
  admin = await signedIn("admin");
  fan = await signedIn("fan");
  // The schedulers, as the workers process registers them at start.
  for (const s of schedules()) {
    const repeat = "pattern" in s ? { pattern: s.pattern, tz: s.tz } : { every: s.every };
    await getQueue(s.queue).upsertJobScheduler(s.id, repeat, { name: s.id, data: s.data });
  }
});
afterAll(async () => {
  await web?.stop();
});

describe("/admin/queues", () => {
  it("shows every queue's counts, its schedulers with the next run, and the failed jobs with their reasons", async () => {
    await failJobs(3);
    const page = await admin.get("/admin/queues?lang=en");
    expect(page.status).toBe(200);
    for (const name of Object.values(QUEUES)) expect(page.text).toContain(`data-queue="${name}"`);
    const webhooksRow = /<tr data-queue="webhooks">([\s\S]*?)<\/tr>/.exec(page.text)![1];
    expect(webhooksRow).toMatch(/data-count="failed">3</);
    for (const id of ["settle", "release", "relay", "payouts-daily", "payouts-resume", "seal", "purge"]) expect(page.text).toContain(`data-scheduler="${id}"`);
    expect(page.text).toContain("0 0 3 * * * (Asia/Seoul)");
    expect(page.text).toContain("Next run");
    for (const id of failedIds) expect(page.text).toContain(`data-failed-job="${id}"`);
    expect(page.text).toContain("receiver answered 502 Bad Gateway");
  });

  it("is for admins only: a fan and a visitor cannot see it or retry, and a post from another site is refused", async () => {
    expect((await fan.get("/admin/queues")).status).toBe(403);
    const visitor = await webSession(web.url).get("/admin/queues");
    expect([302, 303]).toContain(visitor.status);
    expect(visitor.location).toContain("/login");
    expect((await fan.post("/admin/queues", { intent: "retry-all", queue: "webhooks" })).status).toBe(403);
    const crossSite = await admin.post("/admin/queues", { intent: "retry-all", queue: "webhooks" }, { Origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    expect(await getQueue(QUEUES.webhooks).getFailedCount()).toBe(3);
  });

  it("retries one failed job, then all of a queue's", async () => {
    const queue = getQueue(QUEUES.webhooks);
    const one = await admin.post("/admin/queues", { intent: "retry", queue: "webhooks", jobId: failedIds[0] });
    expect(one.status).toBe(302);
    expect(one.location).toBe("/admin/queues?done=retried&count=1#queue-webhooks");
    expect(await (await queue.getJob(failedIds[0]))!.getState()).toBe("waiting");
    expect(await queue.getFailedCount()).toBe(2);
    // The same job again: it is not failed any more.
    const again = await admin.post("/admin/queues", { intent: "retry", queue: "webhooks", jobId: failedIds[0] });
    expect(again.location).toBe("/admin/queues?done=gone#queue-webhooks");

    const all = await admin.post("/admin/queues", { intent: "retry-all", queue: "webhooks" });
    expect(all.location).toBe("/admin/queues?done=retried&count=2#queue-webhooks");
    expect(await queue.getFailedCount()).toBe(0);
    for (const id of failedIds) expect(await (await queue.getJob(id))!.getState()).toBe("waiting");
    const page = await admin.get("/admin/queues?done=retried&count=2&lang=en");
    expect(page.text).toContain("2 job(s) moved back to the queue.");
    expect(page.text).toContain("No failed jobs.");

    // Unknown queues and intents are refused.
    expect((await admin.post("/admin/queues", { intent: "retry-all", queue: "nope" })).status).toBe(400);
    expect((await admin.post("/admin/queues", { intent: "drain", queue: "webhooks" })).status).toBe(400);
  });
});
