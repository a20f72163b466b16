// The creator's paid posts (articles, webtoon chapters, episodes), with links to edit and to the public page.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";

import { creatorPageMeta } from "~/components/dashboard";
import { Notice } from "~/components/fan";
import { DateTime, Money } from "~/components/money";
import { listCreatorPosts } from "~/models/posts.server";
import { getDb } from "~/utils/db.server";
import { useT } from "~/utils/i18n";
import { requireCreator } from "~/utils/session.server";

export const meta = creatorPageMeta("dash.posts.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const { creator } = await requireCreator(request);
  return { handle: creator.handle, posts: await listCreatorPosts(getDb(), creator.id) };
}

export default function DashboardPosts() {
  const { handle, posts } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const translate = useT();
  const saved = posts.find((p) => p.slug === params.get("saved"));

  return (
    <>
      <div className="dash-section__head">
        <h1 className="dash__title">{translate("dash.posts.title")}</h1>
        <Link to="/dashboard/posts/new" className="button button--small">
          {translate("dash.posts.new")}
        </Link>
      </div>
      {saved ? <Notice>{translate("dash.posts.saved", { title: saved.title })}</Notice> : null}
      {posts.length ? (
        <ul className="post-list">
          {posts.map((post) => (
            <li key={post.id} className="post-item">
              <h2 className="post-item__title">{post.title}</h2>
              <p className="post-item__meta">
                <span className="post-item__kind">{translate(`dash.postKind.${post.kind}`)}</span>
                <Money amount={post.price} currency={post.currency} />
                <DateTime iso={post.publishedAt} dateOnly />
              </p>
              {post.preview ? <p className="post-item__preview">{post.preview}</p> : null}
              <p className="post-item__links">
                <Link to={`/dashboard/posts/${post.slug}`} aria-label={translate("dash.posts.editNamed", { title: post.title })}>
                  {translate("dash.posts.edit")}
                </Link>
                <Link to={`/@${handle}/p/${post.slug}`} aria-label={translate("dash.posts.viewNamed", { title: post.title })}>
                  {translate("dash.posts.view")}
                </Link>
              </p>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{translate("dash.posts.none")}</p>
      )}
    </>
  );
}
