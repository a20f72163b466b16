// The development mail outbox, `/dev/outbox`: mail Sodam wrote because no mail server is configured (password
// resets). Outside production only; in production this URL does not exist.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { creatorPageMeta } from "~/components/dashboard";
import { DateTime } from "~/components/money";
import { getDb } from "~/utils/db.server";
import { devOutboxEnabled, listDevMail } from "~/utils/mail.server";
import { useT } from "~/utils/i18n";

export const meta = creatorPageMeta("outbox.heading");

export async function loader(_: LoaderFunctionArgs) {
  if (!devOutboxEnabled()) throw new Response("Not found", { status: 404 });
  return { mail: await listDevMail(getDb()) };
}

export default function DevOutbox() {
  const { mail } = useLoaderData<typeof loader>();
  const translate = useT();
  return (
    <div className="container outbox-page">
      <h1 className="page-title">{translate("outbox.heading")}</h1>
      <p className="muted">{translate("outbox.lead")}</p>
      {mail.length ? (
        <ol className="outbox">
          {mail.map((m) => (
            <li key={m.id} className="panel outbox__mail" data-mail-to={m.to}>
              <p>
                <strong>{m.subject}</strong> · <DateTime iso={m.createdAt} />
              </p>
              <p>
                {translate("outbox.to")}: {m.to}
              </p>
              <pre className="outbox__body">{m.body}</pre>
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">{translate("outbox.none")}</p>
      )}
    </div>
  );
}
