// The post editor: /dashboard/posts/new writes a new paid post, /dashboard/posts/<slug> edits one. Fans see the
// title and preview on /@handle/p/<slug>; the body after they unlock it for the price.
import { data, redirect } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";

import { creatorPageMeta, RadioGroup, useFocusFirstInvalid } from "~/components/dashboard";
import { Field, FormError, SubmitButton, TextAreaField } from "~/components/forms";
import { amountInputText, creatorLimits, POST_KINDS, postForm, problemMessage } from "~/models/creator-forms.server";
import { getPost, readPostBody, savePost } from "~/models/posts.server";
import { formatMoney } from "~/money/currency";
import { getDb } from "~/utils/db.server";
import { parseForm } from "~/utils/forms.server";
import { getLocale, toIntlLocale, useT } from "~/utils/i18n";
import { requireCreator } from "~/utils/session.server";

export const meta = creatorPageMeta("dash.post.title");

const isNew = (slug: string | undefined) => slug === "new";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { creator } = await requireCreator(request);
  const locale = getLocale(request);
  const priceHint = { amount: formatMoney(creatorLimits(creator.currency).price.min, creator.currency, toIntlLocale(locale)) };
  const shared = { handle: creator.handle, currency: creator.currency, priceHint, kinds: POST_KINDS };
  if (isNew(params.slug)) return { ...shared, post: null };
  const post = await getPost(getDb(), creator.id, params.slug ?? "");
  if (!post) throw new Response("Not found", { status: 404 });
  const body = await readPostBody(getDb(), { post, viewerId: creator.userId, creatorUserId: creator.userId });
  return {
    ...shared,
    post: { slug: post.slug, kind: post.kind, title: post.title, preview: post.preview, body: body ?? "", price: amountInputText(post.price, post.currency) },
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { creator } = await requireCreator(request);
  const locale = getLocale(request);
  // What was typed, to show again if the domain refuses it (parseForm keeps it only for invalid input).
  const typed = Object.fromEntries(await request.clone().formData()) as Record<string, string>;
  const form = await parseForm(request, postForm(locale, creator.currency));
  if (!form.ok) return data({ errors: form.errors, values: form.values, formError: null }, { status: 422 });
  try {
    const post = await savePost(getDb(), creator, form.data, isNew(params.slug) ? undefined : params.slug);
    return redirect(`/dashboard/posts?saved=${post.slug}`);
  } catch (error) {
    const problem = problemMessage(locale, error);
    if (problem.code === "post_not_found") throw new Response("Not found", { status: 404 });
    const errors = problem.code === "slug_taken" ? { slug: [problem.message] } : {};
    return data({ errors, values: typed, formError: problem.code === "slug_taken" ? null : problem.message }, { status: problem.status });
  }
}

export default function PostEditor() {
  const { handle, post, priceHint, kinds } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const translate = useT();
  const errors = actionData?.errors;
  const values: Partial<Record<string, string>> = actionData?.values ?? post ?? {};
  const form = useFocusFirstInvalid(errors);

  return (
    <>
      <p className="dash__back">
        <Link to="/dashboard/posts">{translate("dash.post.back")}</Link>
      </p>
      <h1 className="dash__title">{translate(post ? "dash.post.editTitle" : "dash.post.newTitle")}</h1>
      <Form method="post" className="dash-form" ref={form}>
        <FormError message={actionData?.formError} />
        <Field label={translate("dash.post.field.title")} name="title" defaultValue={values.title} errors={errors} required maxLength={120} />
        <Field
          label={translate("dash.post.field.slug")}
          name="slug"
          defaultValue={values.slug}
          errors={errors}
          required
          maxLength={80}
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          hint={translate("dash.post.field.slugHint", { handle })}
        />
        <RadioGroup
          legend={translate("dash.post.field.kind")}
          name="kind"
          defaultValue={values.kind ?? "article"}
          errors={errors}
          required
          options={kinds.map((kind) => ({ value: kind, label: translate(`dash.postKind.${kind}`) }))}
        />
        <Field
          label={translate("dash.post.field.price")}
          name="price"
          defaultValue={values.price}
          errors={errors}
          required
          inputMode="decimal"
          autoComplete="off"
          hint={translate("dash.post.field.priceHint", priceHint)}
        />
        <TextAreaField
          label={translate("dash.post.field.preview")}
          name="preview"
          defaultValue={values.preview}
          errors={errors}
          rows={3}
          maxLength={500}
          hint={translate("dash.post.field.previewHint")}
        />
        <TextAreaField
          label={translate("dash.post.field.body")}
          name="body"
          defaultValue={values.body}
          errors={errors}
          rows={12}
          required
          hint={translate("dash.post.field.bodyHint")}
        />
        <SubmitButton pendingLabel={translate("dash.post.saving")}>{translate(post ? "dash.post.save" : "dash.post.publish")}</SubmitButton>
      </Form>
    </>
  );
}
