// A paid post, `/@handle/p/:slug`: the preview for everyone, the full body once unlocked (or for its creator),
// and an unlock button paid from the wallet — once; afterwards the post stays open. Guests are sent to sign in.
import { data, redirect } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";

import { useFocusOnError } from "~/components/fan";
import { FormError, SubmitButton } from "~/components/forms";
import { DateTime, Money } from "~/components/money";
import { relayTipEventsSoon } from "~/jobs/relay.server";
import { findPostPage, getPostPage } from "~/models/post-page.server";
import { unlockPost } from "~/money/unlocks.server";
import { getDb } from "~/utils/db.server";
import { describeProblem, type FormFailure } from "~/utils/form-problems.server";
import { getLocale, isLocale, t, toIntlLocale, useLocale, useT } from "~/utils/i18n";
import type { Locale, MessageKey } from "~/utils/i18n";
import { formatMoney } from "~/money/currency";
import { Problem } from "~/utils/problem.server";
import { getSessionUser, requireUser } from "~/utils/session.server";

const notFound = () => new Response("Not Found", { status: 404 });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const found = await findPostPage(getDb(), params.handle, params.slug);
  if (!found) throw notFound();
  const user = await getSessionUser(request);
  return getPostPage(getDb(), { ...found, viewerId: user?.id ?? null });
}

export const meta: MetaFunction<typeof loader> = ({ data: page, matches }) => {
  const rootData = matches.find((match) => match.id === "root")?.data as { locale?: unknown } | undefined;
  const locale: Locale = isLocale(rootData?.locale) ? rootData.locale : "ko";
  if (!page) return [{ title: `${t(locale, "error.notFoundTitle")} · 소담 Sodam` }];
  return [
    { title: t(locale, "post.title", { title: page.post.title, name: page.creator.displayName }) },
    { name: "description", content: page.post.preview },
  ];
};

export async function action({ request, params }: ActionFunctionArgs) {
  const fan = await requireUser(request);
  const found = await findPostPage(getDb(), params.handle, params.slug);
  if (!found) throw notFound();
  try {
    const { tip } = await unlockPost(getDb(), { fan, creator: found.creator, post: found.post });
    if (tip) relayTipEventsSoon();
    return redirect(`/@${found.creator.handle}/p/${encodeURIComponent(found.post.slug)}`);
  } catch (error) {
    if (!(error instanceof Problem) || error.status >= 500) throw error;
    const failed = describeProblem(getLocale(request), error, { currency: found.post.currency, source: "wallet" });
    return data<FormFailure>(failed, { status: failed.status });
  }
}

export default function PostPage() {
  const { creator, post, body, viewer } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const unlockFormRef = useFocusOnError(failed);
  const t = useT();
  const locale = useLocale();
  const price = formatMoney(post.price, post.currency, toIntlLocale(locale));
  const creatorHref = `/@${creator.handle}`;
  const loginHref = `/login?redirectTo=${encodeURIComponent(`/@${creator.handle}/p/${post.slug}`)}`;

  return (
    <article className="container post-page">
      <p className="post-page__back">
        <Link to={creatorHref}>← {t("post.back", { name: creator.displayName })}</Link>
      </p>
      <header className="post-page__header">
        <h1 className="post-page__title">{post.title}</h1>
        <p className="post-page__meta">
          <span>{t("post.by", { name: creator.displayName, kind: t(`fan.posts.kind.${post.kind}` as MessageKey) })}</span>
          <span aria-hidden="true">·</span>
          <DateTime iso={post.publishedAt} dateOnly />
          <span aria-hidden="true">·</span>
          <Money amount={post.price} currency={post.currency} />
        </p>
      </header>

      <section className="panel post-preview" aria-label={t("post.previewLabel")}>
        <p>{post.preview}</p>
      </section>

      {body !== null ? (
        <section className="post-body" aria-labelledby="post-body-note">
          <p id="post-body-note" className="post-body__note">
            {viewer?.isOwner ? t("post.owner") : t("post.unlocked")}
          </p>
          <div className="post-body__text">{body}</div>
        </section>
      ) : (
        <section className="panel post-locked">
          <p>{t("post.locked", { price })}</p>
          {viewer ? (
            <Form method="post" className="unlock-form" ref={unlockFormRef}>
              <FormError message={failed?.formError ?? failed?.fieldErrors.amount?.[0]} />
              {failed?.code === "insufficient_funds" ? (
                <p className="form-error__action">
                  <Link to="/wallet">{t("tip.topUpLink")}</Link>
                </p>
              ) : null}
              <p className="unlock-form__balance">
                {t("post.walletBalance", { balance: formatMoney(viewer.walletBalance, post.currency, toIntlLocale(locale)) })}
              </p>
              <SubmitButton pendingLabel={t("post.unlocking")} className="button button--primary button--wide">
                {t("post.unlock", { price })}
              </SubmitButton>
            </Form>
          ) : (
            <p>
              <Link to={loginHref} className="button button--primary button--wide">
                {t("post.signInToUnlock")}
              </Link>
            </p>
          )}
        </section>
      )}
    </article>
  );
}
