// A CSV file as a download named sodam-<name>-<date in Korea>.csv. The byte order mark makes Excel read it as
// UTF-8, so Korean names and messages show.
import { seoulDate } from "./seoul-time";

export function csvDownload(csv: string, name: string, now = new Date()) {
  const date = seoulDate(now);
  return new Response(`\uFEFF${csv}`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="sodam-${name.replace(/[^\w-]/g, "_")}-${date}.csv"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
