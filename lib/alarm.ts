// Alarms on local wall time (ntptime.at): what `when` may say, and the Unix time it next
// names in a zone. Pure: the zone is a function from Unix time to minutes east of UTC
// (lib/tz.ts offsetAt), so a DST change, a settime(hours) or a stepped clock only changes
// the answer the next time it is asked. Parsed with split: Espruino's RegExp engine fails
// optional and quantified groups.
import { civil, daysFromCivil } from "./calendar";

/** Parsed `when`. @internal */
export interface When {
  /** weekdays it rings on, bit 0 Monday to bit 6 Sunday (civil()'s weekday); 0 for a one-off */
  days: number;
  /** a one-off: its local date as days since 1970-01-01; -1 for a repeating alarm */
  date: number;
  /** seconds after local midnight */
  secs: number;
}

export const EVERY_DAY = 127;
const DAY_NAMES = "MonTueWedThuFriSatSun";
const DIGITS = /^[0-9]+$/;

const number = (s: string, below: number) => (DIGITS.test(s) && +s < below ? +s : -1);

/** "HH:MM" or "HH:MM:SS" as seconds after midnight, or -1. */
function timeOfDay(s: string): number {
  const p = s.split(":");
  if (p.length < 2 || p.length > 3) return -1;
  const h = number(p[0], 24);
  const m = number(p[1], 60);
  const sec = p.length > 2 ? number(p[2], 60) : 0;
  return h < 0 || m < 0 || sec < 0 ? -1 : h * 3600 + m * 60 + sec;
}

/** "Mon", "Mon-Fri", "Sat,Sun", "Mon-Wed,Fri" as a weekday mask, or 0. A range may wrap ("Fri-Mon"). */
function weekdays(s: string): number {
  let mask = 0;
  const parts = s.split(",");
  for (let i = 0; i < parts.length; i++) {
    const r = parts[i].split("-");
    const a = DAY_NAMES.indexOf(r[0]) / 3;
    const b = r.length == 2 ? DAY_NAMES.indexOf(r[1]) / 3 : a;
    // (a name is three letters at a multiple of 3: "onT" is not one)
    if (r.length > 2 || r[0].length != 3 || r[r.length - 1].length != 3 || !(a >= 0 && a % 1 == 0 && b >= 0 && b % 1 == 0)) return 0;
    for (let d = a; ; d = (d + 1) % 7) {
      mask |= 1 << d;
      if (d == b) break;
    }
  }
  return mask;
}

/** "YYYY-MM-DD" as days since 1970, or -1. */
function dateOf(s: string): number {
  const p = s.split("-");
  if (p.length != 3 || p[0].length != 4) return -1;
  const y = number(p[0], 10000);
  const m = number(p[1], 13);
  const d = number(p[2], 32);
  if (y < 1970 || m < 1 || d < 1) return -1;
  const days = daysFromCivil(y, m, d);
  // (2027-02-30 is not a date: it would read as 2027-03-02)
  return civil(days * 86400)[2] == d ? days : -1;
}

/**
 * `when`: "07:00" (every day), "Mon-Fri 07:00" (weekdays; names Mon..Sun, ranges and
 * commas), "2027-01-01 00:00" (once), each with optional seconds ("07:00:30"). Null when it
 * is none of these.
 */
export function parseWhen(s: unknown): When | null {
  if (typeof s != "string") return null;
  const p = s.split(" ");
  const secs = timeOfDay(p[p.length - 1]);
  if (secs < 0 || p.length > 2) return null;
  if (p.length == 1) return { days: EVERY_DAY, date: -1, secs: secs };
  const date = dateOf(p[0]);
  if (date >= 0) return { days: 0, date: date, secs: secs };
  const days = weekdays(p[0]);
  return days ? { days: days, date: -1, secs: secs } : null;
}

/**
 * The Unix time at which the local wall clock reads `secs` after midnight of local day
 * `day` (days since 1970), as JavaScript's Date reads a local time (ECMA-262 LocalTime and
 * UTC(t)): a time the spring change skips is read with the offset before the change, so
 * 02:30 on the day clocks go from 02:00 to 03:00 is 03:30; a time the autumn change repeats
 * is its first, in summer time.
 */
export function localToUnix(day: number, secs: number, offset: (t: number) => number): number {
  const wall = day * 86400 + secs;
  // The offsets a day either side: a zone changes at most once in a day.
  const before = offset(wall - 86400) * 60;
  const after = offset(wall + 86400) * 60;
  // the earlier reading that maps back to the wall time; neither does in a spring gap
  const early = wall - Math.max(before, after);
  const late = wall - Math.min(before, after);
  if (offset(early) * 60 == wall - early) return early;
  if (offset(late) * 60 == wall - late) return late;
  return wall - before;
}

/** The first Unix time after `after` that `w` names in the zone `offset`; 0 when a one-off's is not after it. */
export function nextAt(w: When, after: number, offset: (t: number) => number): number {
  if (w.date >= 0) {
    const t = localToUnix(w.date, w.secs, offset);
    return t > after ? t : 0;
  }
  // from the local day before `after` (a zone west of UTC), up to 9 days on: every weekday is among them
  const today = Math.floor((after + offset(after) * 60) / 86400);
  for (let day = today - 1; day < today + 9; day++) {
    // 1970-01-01 was a Thursday, weekday 3 counting Monday as 0
    if (w.days & (1 << ((day + 3) % 7))) {
      const t = localToUnix(day, w.secs, offset);
      if (t > after) return t;
    }
  }
  return 0;
}
