// The job queues, `/admin/queues` (admins only): per BullMQ queue the job counts, its job schedulers and their next
// run, the most recent failed jobs with their reasons, and retrying one failed job or all of a queue's. Plain forms,
// so it works without JavaScript; the origin check of the web server guards the posts.
import { redirect } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";

import { creatorPageMeta } from "~/components/dashboard";
import { Notice } from "~/components/fan";
import { SubmitButton } from "~/components/forms";
import { DateTime } from "~/components/money";
import { isQueueName, queueOverviews, retryAllFailed, retryFailedJob } from "~/jobs/queue-overview.server";
import { useT } from "~/utils/i18n";
import { getLogger } from "~/utils/logger.server";
import { Problem } from "~/utils/problem.server";
import { requireAdmin } from "~/utils/session.server";

export const meta = creatorPageMeta("admin.queues.heading");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  return { queues: await queueOverviews() };
}

const QueueField = z.string().refine(isQueueName, "unknown queue");
const Retry = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("retry"), queue: QueueField, jobId: z.string().min(1).max(200) }),
  z.object({ intent: z.literal("retry-all"), queue: QueueField }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireAdmin(request);
  const form = Retry.safeParse(Object.fromEntries(await request.formData()));
  if (!form.success) throw new Response("Bad request", { status: 400 });
  const { queue } = form.data;
  if (!isQueueName(queue)) throw new Response("Bad request", { status: 400 });
  if (form.data.intent === "retry") {
    try {
      await retryFailedJob(queue, form.data.jobId);
    } catch (error) {
      if (error instanceof Problem && error.status === 404) return redirect(`/admin/queues?done=gone#queue-${queue}`);
      throw error;
    }
    getLogger().info({ admin: admin.id, queue, job: form.data.jobId }, "admin retried a failed job");
    return redirect(`/admin/queues?done=retried&count=1#queue-${queue}`);
  }
  const count = await retryAllFailed(queue);
  getLogger().info({ admin: admin.id, queue, count }, "admin retried all failed jobs of a queue");
  return redirect(`/admin/queues?done=retried&count=${count}#queue-${queue}`);
}

function every(ms: number) {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

export default function AdminQueues() {
  const { queues } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const translate = useT();
  const done = params.get("done");
  const counts = ["waiting", "active", "delayed", "failed", "completed"] as const;
  return (
    <div className="container admin-page">
      <h1 className="page-title">{translate("admin.queues.heading")}</h1>
      <p className="muted">{translate("admin.queues.lead")}</p>
      {done === "retried" ? <Notice>{translate("admin.queues.retried", { count: Number(params.get("count") ?? 0) })}</Notice> : null}
      {done === "gone" ? <Notice tone="warning">{translate("admin.queues.gone")}</Notice> : null}

      <table className="payouts-table admin-table" data-queue-counts>
        <caption>{translate("admin.queues.countsCaption")}</caption>
        <thead>
          <tr>
            <th scope="col">{translate("admin.queues.col.queue")}</th>
            {counts.map((c) => (
              <th scope="col" key={c}>
                {translate(`admin.queues.count.${c}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {queues.map((q) => (
            <tr key={q.name} data-queue={q.name}>
              <th scope="row">
                <a href={`#queue-${q.name}`}>{q.name}</a>
              </th>
              {counts.map((c) => (
                <td key={c} data-label={translate(`admin.queues.count.${c}`)} data-count={c}>
                  {q.counts[c].toLocaleString("en-US")}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>

      {queues.map((q) => (
        <section key={q.name} id={`queue-${q.name}`} className="admin-queue" data-queue-section={q.name}>
          <h2>{q.name}</h2>
          {q.schedulers.length ? (
            <table className="payouts-table admin-table">
              <caption>{translate("admin.queues.schedulers")}</caption>
              <thead>
                <tr>
                  <th scope="col">{translate("admin.queues.col.scheduler")}</th>
                  <th scope="col">{translate("admin.queues.col.repeat")}</th>
                  <th scope="col">{translate("admin.queues.col.next")}</th>
                </tr>
              </thead>
              <tbody>
                {q.schedulers.map((s) => (
                  <tr key={s.id} data-scheduler={s.id}>
                    <td data-label={translate("admin.queues.col.scheduler")}>{s.id}</td>
                    <td data-label={translate("admin.queues.col.repeat")}>
                      {s.every !== null ? translate("admin.queues.every", { interval: every(s.every) }) : `${s.pattern ?? ""}${s.tz ? ` (${s.tz})` : ""}`}
                    </td>
                    <td data-label={translate("admin.queues.col.next")}>{s.next ? <DateTime iso={s.next} /> : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">{translate("admin.queues.noSchedulers")}</p>
          )}
          {q.failed.length ? (
            <>
              <table className="payouts-table admin-table">
                <caption>{translate("admin.queues.failedCaption", { shown: q.failed.length, total: q.counts.failed })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{translate("admin.queues.col.job")}</th>
                    <th scope="col">{translate("admin.queues.col.failedAt")}</th>
                    <th scope="col">{translate("admin.queues.col.attempts")}</th>
                    <th scope="col">{translate("admin.queues.col.reason")}</th>
                    <th scope="col">{translate("admin.queues.col.actions")}</th>
                  </tr>
                </thead>
                <tbody>
                  {q.failed.map((job) => (
                    <tr key={job.id} data-failed-job={job.id}>
                      <td data-label={translate("admin.queues.col.job")}>
                        {job.name} <span className="muted">#{job.id}</span>
                      </td>
                      <td data-label={translate("admin.queues.col.failedAt")}>{job.failedAt ? <DateTime iso={job.failedAt} /> : "—"}</td>
                      <td data-label={translate("admin.queues.col.attempts")}>{job.attemptsMade}</td>
                      <td data-label={translate("admin.queues.col.reason")} data-failed-reason>
                        {job.failedReason}
                      </td>
                      <td data-label={translate("admin.queues.col.actions")}>
                        <Form method="post" className="admin-actions">
                          <input type="hidden" name="queue" value={q.name} />
                          <input type="hidden" name="jobId" value={job.id} />
                          <SubmitButton name="intent" value="retry" className="button button--small">
                            {translate("admin.queues.retry")}
                          </SubmitButton>
                        </Form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Form method="post" className="admin-actions">
                <input type="hidden" name="queue" value={q.name} />
                <SubmitButton name="intent" value="retry-all" className="button button--ghost button--small">
                  {translate("admin.queues.retryAll", { count: q.counts.failed })}
                </SubmitButton>
              </Form>
            </>
          ) : (
            <p className="muted">{translate("admin.queues.noFailed")}</p>
          )}
        </section>
      ))}
      <p>
        <Link to="/admin/review">{translate("admin.audit.reviewLink")}</Link> · <Link to="/admin/audit">{translate("admin.review.auditLink")}</Link>
      </p>
    </div>
  );
}
