// /dashboard/tips.csv: the creator's tips (the tips page's filters apply) as a spreadsheet download.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseTipFilters } from "~/models/creator-forms.server";
import { creatorTipsCsv } from "~/money/dashboard.server";
import { csvDownload } from "~/utils/csv.server";
import { getDb } from "~/utils/db.server";
import { requireCreator } from "~/utils/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { creator } = await requireCreator(request);
  const { filters } = parseTipFilters(new URL(request.url).searchParams);
  const csv = await creatorTipsCsv(getDb(), creator.id, filters);
  return csvDownload(csv, `tips-${creator.handle}`);
}
