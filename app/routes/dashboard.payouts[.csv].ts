// /dashboard/payouts.csv: every payout of the creator as a spreadsheet download.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { creatorPayoutsCsv } from "~/money/dashboard.server";
import { csvDownload } from "~/utils/csv.server";
import { getDb } from "~/utils/db.server";
import { requireCreator } from "~/utils/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { creator } = await requireCreator(request);
  const csv = await creatorPayoutsCsv(getDb(), creator.id);
  return csvDownload(csv, `payouts-${creator.handle}`);
}
