// /dashboard/tax-statement.csv?year=2026: the creator's payouts paid that year (Seoul time) with fees and withheld
// taxes, and a total line — what an income-tax return asks for.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getCreatorTaxStatus } from "~/models/creator-tax.server";
import { taxYearCsv } from "~/money/payout-statements.server";
import { csvDownload } from "~/utils/csv.server";
import { getDb } from "~/utils/db.server";
import { seoulDate } from "~/utils/seoul-time";
import { requireCreator } from "~/utils/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { creator } = await requireCreator(request);
  const thisYear = Number(seoulDate(new Date()).slice(0, 4));
  const raw = new URL(request.url).searchParams.get("year");
  const year = raw === null ? thisYear : Number(raw);
  if (!Number.isInteger(year) || year < 2000 || year > thisYear + 1) {
    throw new Response("year must be a calendar year such as 2026", { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const db = getDb();
  const csv = await taxYearCsv(db, { creatorId: creator.id, year, taxStatus: await getCreatorTaxStatus(db, creator.id) });
  return csvDownload(csv, `tax-${year}-${creator.handle}`);
}
