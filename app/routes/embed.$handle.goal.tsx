// The goal widget, `/embed/:handle/goal`: a creator's goal progress for an iframe on their site or a stream scene.
// It refreshes itself every 30 seconds while open.
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";

import { GoalProgress } from "~/components/goal";
import { findCreatorByHandleParam } from "~/models/creator-page.server";
import { getGoalProgress } from "~/models/creators.server";
import { parseEmbedOptions } from "~/models/embeds";
import type { BareHandle } from "~/root";
import { getDb } from "~/utils/db.server";
import { useT } from "~/utils/i18n";
import type { FrameableHandle } from "~/utils/security-headers.server";

export const handle: FrameableHandle & BareHandle = { frameable: true, bare: true };

export const links: LinksFunction = () => [{ rel: "stylesheet", href: "/embed-frame.css" }];

const REFRESH_MS = 30_000;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const creator = await findCreatorByHandleParam(getDb(), params.handle);
  if (!creator) throw new Response("Not Found", { status: 404 });
  const raised = creator.goalAmount ? await getGoalProgress(getDb(), creator.id) : 0;
  return {
    creator: { handle: creator.handle, displayName: creator.displayName, currency: creator.currency },
    goal: creator.goalAmount ? { title: creator.goalTitle, amount: creator.goalAmount, raised } : null,
    theme: parseEmbedOptions(new URL(request.url).searchParams).theme,
  };
}

export const meta: MetaFunction<typeof loader> = ({ data: page }) => [
  { title: page ? `${page.creator.displayName} · Sodam` : "Sodam" },
  { name: "robots", content: "noindex" },
];

export default function GoalWidget() {
  const { creator, goal, theme } = useLoaderData<typeof loader>();
  const t = useT();
  const revalidator = useRevalidator();
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && revalidator.state === "idle") revalidator.revalidate();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [revalidator]);

  return (
    <div className={`embed embed--${theme} embed-goal`}>
      <p className="embed-goal__title">
        <strong>{creator.displayName}</strong>
        {goal?.title ? <span> · {goal.title}</span> : null}
      </p>
      {goal ? <GoalProgress raised={goal.raised} amount={goal.amount} currency={creator.currency} /> : <p>{t("embed.goalNone")}</p>}
      <p className="embed__foot">
        <a href={`/@${creator.handle}`} target="_blank" rel="noopener noreferrer">
          {t("embed.goalSupport")} · 소담 Sodam
        </a>
      </p>
    </div>
  );
}
