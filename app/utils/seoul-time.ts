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
