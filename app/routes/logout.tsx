// Sign out, `/logout`: POST only (a link or prefetch must never sign anyone out); a GET just goes home.
import { redirect } from "@remix-run/node";
import type { ActionFunctionArgs } from "@remix-run/node";
import { logout } from "~/utils/session.server";

export async function loader() {
  return redirect("/");
}

/** `intent=everywhere` (the account security page) ends every session of the account. */
export async function action({ request }: ActionFunctionArgs) {
  const intent = (await request.formData()).get("intent");
  return logout(request, { everywhere: intent === "everywhere" });
}
