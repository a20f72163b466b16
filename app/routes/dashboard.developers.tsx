// Developers: the creator's webhooks (address, events, signing secret shown once and rotatable, recent deliveries
// with their last response, send again) and personal API tokens (scopes read / tips, shown once, revocable).
// Plain forms; the submit button's `intent` says which action was sent.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";

import { creatorPageMeta } from "~/components/dashboard";
import { Notice } from "~/components/fan";
import { Field, FormError, SubmitButton } from "~/components/forms";
import { DateTime } from "~/components/money";
import { enqueueWebhookDelivery } from "~/jobs/queues.server";
import { API_SCOPES, createPersonalToken, listPersonalTokens, revokePersonalToken } from "~/models/users.server";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookEndpoints,
  replayWebhookDelivery,
  rotateWebhookSecret,
  WEBHOOK_EVENTS,
} from "~/models/webhooks.server";
import { getDb } from "~/utils/db.server";
import { getLocale, t, useT, type MessageKey } from "~/utils/i18n";
import { getLogger } from "~/utils/logger.server";
import { Problem } from "~/utils/problem.server";
import { requireCreator } from "~/utils/session.server";

export const meta = creatorPageMeta("dev.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, creator } = await requireCreator(request);
  const db = getDb();
  const [endpoints, tokens] = await Promise.all([listWebhookEndpoints(db, creator.id), listPersonalTokens(db, user.id)]);
  return { endpoints, tokens, events: WEBHOOK_EVENTS, scopes: API_SCOPES };
}

type ActionData =
  | { ok: true; intent: string; shown?: { kind: "secret" | "token"; value: string; for: string } }
  | { ok: false; intent: string; error: string; fields?: Record<string, string[]> };

export async function action({ request }: ActionFunctionArgs) {
  const { user, creator } = await requireCreator(request);
  const locale = getLocale(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const text = (name: string) => String(form.get(name) ?? "");
  const db = getDb();
  try {
    switch (intent) {
      case "createEndpoint": {
        const { endpoint, secret } = await createWebhookEndpoint(db, { creatorId: creator.id, url: text("url"), events: form.getAll("events").map(String) });
        return data<ActionData>({ ok: true, intent, shown: { kind: "secret", value: secret, for: endpoint.url } });
      }
      case "rotateSecret": {
        const { endpoint, secret } = await rotateWebhookSecret(db, { creatorId: creator.id, endpointId: text("endpointId") });
        return data<ActionData>({ ok: true, intent, shown: { kind: "secret", value: secret, for: endpoint.url } });
      }
      case "deleteEndpoint":
        await deleteWebhookEndpoint(db, { creatorId: creator.id, endpointId: text("endpointId") });
        return data<ActionData>({ ok: true, intent });
      case "replay": {
        const replay = await replayWebhookDelivery(db, { creatorId: creator.id, deliveryId: text("deliveryId") });
        // Without Redis the sweeper queues it later.
        await enqueueWebhookDelivery(replay.deliveryId, replay.generation).catch((err) => getLogger().warn({ err }, "webhook replay enqueue deferred"));
        return data<ActionData>({ ok: true, intent });
      }
      case "createToken": {
        const scopes = form.getAll("scopes").map(String).filter((s): s is (typeof API_SCOPES)[number] => (API_SCOPES as string[]).includes(s));
        const { token, personalToken } = await createPersonalToken(db, { userId: user.id, name: text("name"), scopes });
        return data<ActionData>({ ok: true, intent, shown: { kind: "token", value: token, for: personalToken.name } });
      }
      case "revokeToken":
        await revokePersonalToken(db, { userId: user.id, tokenId: Number(text("tokenId")) || 0 });
        return data<ActionData>({ ok: true, intent });
      default:
        throw new Response("Unknown form", { status: 400 });
    }
  } catch (error) {
    if (!(error instanceof Problem) || error.status >= 500) throw error;
    // The domain's sentences are English; Korean readers get a Korean line and the field marks.
    const message = locale === "en" ? error.detail : t(locale, "dev.error.generic");
    return data<ActionData>({ ok: false, intent, error: message, fields: error.fields }, { status: error.status });
  }
}

export default function DashboardDevelopers() {
  const { endpoints, tokens, events, scopes } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const translate = useT();
  const failed = actionData && !actionData.ok ? actionData : null;
  const shown = actionData?.ok ? actionData.shown : undefined;
  const done = actionData?.ok && !actionData.shown ? actionData.intent : null;

  return (
    <>
      <h1 className="dash__title">{translate("dev.title")}</h1>
      <p className="dash__lead">{translate("dev.lead")}</p>
      {done === "replay" ? <Notice>{translate("dev.webhooks.replayed")}</Notice> : null}
      {done === "deleteEndpoint" ? <Notice>{translate("dev.webhooks.deleted")}</Notice> : null}
      {done === "revokeToken" ? <Notice>{translate("dev.tokens.revoked")}</Notice> : null}
      {shown ? (
        <Notice tone="warning">
          <p>{translate(shown.kind === "secret" ? "dev.webhooks.secretShown" : "dev.tokens.shown")}</p>
          <p>
            <span className="muted">{shown.for}</span>
            <br />
            <code className="secret-once" data-testid={`shown-${shown.kind}`}>
              {shown.value}
            </code>
          </p>
        </Notice>
      ) : null}

      <section className="dash-section" aria-labelledby="webhooks-heading">
        <h2 id="webhooks-heading">{translate("dev.webhooks.heading")}</h2>
        <p className="muted">{translate("dev.webhooks.lead")}</p>
        {endpoints.length === 0 ? <p className="muted">{translate("dev.webhooks.none")}</p> : null}
        {endpoints.map((endpoint) => (
          <article key={endpoint.id} className="webhook" data-endpoint-id={endpoint.id}>
            <h3 className="webhook__url">{endpoint.url}</h3>
            <p className="muted">{endpoint.events.join(", ")}</p>
            <div className="dash-form__actions">
              <Form method="post">
                <input type="hidden" name="endpointId" value={endpoint.id} />
                <SubmitButton name="intent" value="rotateSecret" className="button button--ghost button--small">
                  {translate("dev.webhooks.rotate")}
                </SubmitButton>
              </Form>
              <Form method="post">
                <input type="hidden" name="endpointId" value={endpoint.id} />
                <SubmitButton name="intent" value="deleteEndpoint" className="button button--ghost button--small">
                  {translate("dev.webhooks.delete")}
                </SubmitButton>
              </Form>
            </div>
            <h4>{translate("dev.webhooks.deliveries")}</h4>
            {endpoint.deliveries.length === 0 ? (
              <p className="muted">{translate("dev.webhooks.noDeliveries")}</p>
            ) : (
              <ul className="webhook__deliveries">
                {endpoint.deliveries.map((delivery) => (
                  <li key={delivery.id} data-delivery-id={delivery.id} data-status={delivery.status}>
                    <strong>{delivery.eventType}</strong> · <span className={`status status--${delivery.status}`}>{translate(`dev.webhooks.status.${delivery.status}` as MessageKey)}</span> ·{" "}
                    {translate("dev.webhooks.attempts", { count: delivery.attempts })} · <DateTime iso={delivery.createdAt} />
                    {delivery.lastAttempt ? (
                      <span className="webhook__response">
                        {translate("dev.webhooks.lastResponse", { status: delivery.lastAttempt.statusCode ?? delivery.lastAttempt.error ?? "—" })}
                        {delivery.lastAttempt.responseSnippet ? <code>{delivery.lastAttempt.responseSnippet}</code> : null}
                      </span>
                    ) : null}
                    <Form method="post" className="webhook__replay">
                      <input type="hidden" name="deliveryId" value={delivery.id} />
                      <SubmitButton name="intent" value="replay" className="button button--ghost button--small">
                        {translate("dev.webhooks.replay")}
                      </SubmitButton>
                    </Form>
                  </li>
                ))}
              </ul>
            )}
          </article>
        ))}
        <Form method="post" className="dash-form">
          <FormError message={failed?.intent === "createEndpoint" ? failed.error : null} />
          <Field label={translate("dev.webhooks.url")} name="url" type="url" required maxLength={500} errors={failed?.intent === "createEndpoint" ? failed.fields : undefined} />
          <fieldset className="radios">
            <legend>{translate("dev.webhooks.events")}</legend>
            {events.map((event) => (
              <label key={event} className="radios__option">
                <input type="checkbox" name="events" value={event} defaultChecked /> <code>{event}</code>
              </label>
            ))}
          </fieldset>
          <SubmitButton name="intent" value="createEndpoint">
            {translate("dev.webhooks.add")}
          </SubmitButton>
        </Form>
      </section>

      <section className="dash-section" aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">{translate("dev.tokens.heading")}</h2>
        <p className="muted">{translate("dev.tokens.lead")}</p>
        {tokens.length === 0 ? (
          <p className="muted">{translate("dev.tokens.none")}</p>
        ) : (
          <ul className="tokens">
            {tokens.map((token) => (
              <li key={token.id} data-token-id={token.id}>
                <strong>{token.name}</strong> · {token.scopes.join(", ")} · {translate("dev.tokens.created", { date: token.createdAt.slice(0, 10) })}
                <Form method="post" className="tokens__revoke">
                  <input type="hidden" name="tokenId" value={token.id} />
                  <SubmitButton name="intent" value="revokeToken" className="button button--ghost button--small">
                    {translate("dev.tokens.revoke")}
                  </SubmitButton>
                </Form>
              </li>
            ))}
          </ul>
        )}
        <Form method="post" className="dash-form">
          <FormError message={failed?.intent === "createToken" ? failed.error : null} />
          <Field label={translate("dev.tokens.name")} name="name" required maxLength={60} errors={failed?.intent === "createToken" ? failed.fields : undefined} />
          <fieldset className="radios">
            <legend>{translate("dev.tokens.scopes")}</legend>
            {scopes.map((scope) => (
              <label key={scope} className="radios__option">
                <input type="checkbox" name="scopes" value={scope} defaultChecked={scope === "read"} /> {translate(`dev.tokens.scope.${scope}` as MessageKey)}
              </label>
            ))}
          </fieldset>
          <SubmitButton name="intent" value="createToken">
            {translate("dev.tokens.create")}
          </SubmitButton>
        </Form>
      </section>
    </>
  );
}
