import type { LoaderFunctionArgs } from "@remix-run/node";
import { handleApi } from "~/utils/api.server";
import { Problem } from "~/utils/problem.server";

const notFound = ({ request }: LoaderFunctionArgs) =>
  handleApi(request, async () => {
    throw new Problem(404, "not_found", `There is no API endpoint ${new URL(request.url).pathname}.`);
  });

export const loader = notFound;
export const action = notFound;
