// Leap seconds. A server announces one with the leap indicator (RFC 5905 s7.3: LI 1, the
// last minute of the day has 61 seconds; LI 2, it has 59). The device clock counts Unix
// time, which has no 23:59:60: at the end of that day Unix time repeats a second (LI 1) or
// skips one (LI 2), and the clock must be stepped with it.
import { civil } from "./calendar";

/** The step at the end of a leap day: LI 1 inserts a second (the clock goes back), LI 2 deletes one. */
export const LEAP_STEP = [0, -1, 1];

/**
 * Unix seconds of the midnight that ends the leap second's day, or 0 when there is none:
 * `li` is not 1 or 2, or the day of `t` is not 30 June or 31 December. Leap seconds have only
 * ever been put there, and some servers announce one for a whole month; chrony keeps the
 * same rule (reference.c, is_leap_second_day).
 */
export function leapAt(t: number, li: number): number {
  const c = civil(t);
  const end = Math.floor(t / 86400) * 86400 + 86400;
  return LEAP_STEP[li] && ((c[1] == 6 && c[2] == 30) || (c[1] == 12 && c[2] == 31)) ? end : 0;
}
