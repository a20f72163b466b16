// Sodam's calendar is Korea's: payout periods, pledge months and the dates people see are in Seoul time
// (UTC+9, no daylight saving), whatever the server's own time zone.
const SEOUL_OFFSET_MS = 9 * 3600_000;

/** A Date whose UTC fields read as the wall-clock time in Seoul at `at`. */
export function seoulWallClock(at: Date) {
  return new Date(at.getTime() + SEOUL_OFFSET_MS);
}

/** YYYY-MM-DD in Seoul. */
export function seoulDate(at: Date) {
  return seoulWallClock(at).toISOString().slice(0, 10);
}

/** YYYY-MM in Seoul. */
export function seoulMonth(at: Date) {
  return seoulDate(at).slice(0, 7);
}

/** The instant a Seoul day begins (00:00 in Seoul), for the day `at` falls in; `days` moves it by whole days. */
export function seoulDayStart(at: Date, days = 0) {
  const start = Date.parse(`${seoulDate(at)}T00:00:00+09:00`);
  return new Date(start + days * 86_400_000);
}

/** The instant a Seoul month begins (the 1st, 00:00 in Seoul), for the month `at` falls in; `months` moves it. */
export function seoulMonthStart(at: Date, months = 0) {
  const [year, month] = seoulMonth(at).split("-").map(Number);
  const first = new Date(Date.UTC(year, month - 1 + months, 1));
  return new Date(Date.parse(`${first.toISOString().slice(0, 10)}T00:00:00+09:00`));
}
