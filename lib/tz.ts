// Local time zones as POSIX TZ strings (IEEE Std 1003.1, 8.3 "TZ"): "CST-8",
// "CET-1CEST,M3.5.0,M10.5.0/3", "EST5EDT,M3.2.0,M11.1.0", "<+0330>-3:30", or plain hours.
// The zone becomes Espruino's E.setTimeZone / E.setDST settings (the RTC stays UTC), and
// offsetAt() evaluates it exactly as Espruino 2v29 does (src/jswrap_date.c), so the console,
// localtime() and the device's own Date agree. Parsed with indexOf and plain classes only.
import { daysFromCivil } from "./calendar";

/** A DST change rule as E.setDST takes it: dowNumber (0-3, 4 = last), dow (0 = Sunday), month (0-11), dayOffset, minutes into the day. */
export type Rule = number[];

export interface Zone {
  /** minutes east of UTC outside DST @internal */
  std: number;
  /** minutes DST adds; 0 for none @internal */
  dst: number;
  start?: Rule;
  end?: Rule;
}

/** "[+-]hh[:mm[:ss]]" as minutes; NaN if malformed. */
function clock(s: string): number {
  const sign = s[0] == "-" ? -1 : 1;
  const q = (s[0] == "-" || s[0] == "+" ? s.substr(1) : s).split(":");
  if (!q[0] || q.length > 3 || q.some((x) => !/^[0-9]+$/.test(x))) return NaN;
  return sign * (+q[0] * 60 + +(q[1] || 0) + +(q[2] || 0) / 60);
}

/** A zone name: three or more letters, or <...> quoted; returns the index after it, or -1. */
function nameEnd(s: string, i: number): number {
  if (s[i] == "<") {
    const j = s.indexOf(">", i);
    return j > i + 1 ? j + 1 : -1;
  }
  let j = i;
  while (j < s.length && /[A-Za-z]/.test(s[j])) j++;
  return j - i >= 3 ? j : -1;
}

/** The offset after a name: up to the next letter, "<" or ",". */
function offsetEnd(s: string, i: number): number {
  let j = i;
  while (j < s.length && !/[A-Za-z<,]/.test(s[j])) j++;
  return j;
}

/** "Mm.w.d[/time]" (the only form E.setDST can express; Jn and n are refused). */
function rule(s: string): Rule | null {
  if (!s || s[0] != "M") return null;
  const slash = s.indexOf("/");
  const q = (slash < 0 ? s.substr(1) : s.substr(1, slash - 1)).split(".");
  const time = slash < 0 ? 120 : clock(s.substr(slash + 1));
  const m = +q[0];
  const w = +q[1];
  const d = +q[2];
  if (q.length != 3 || !(m >= 1 && m <= 12 && w >= 1 && w <= 5 && d >= 0 && d <= 6) || time != time) return null;
  return [w == 5 ? 4 : w - 1, d, m - 1, 0, Math.round(time)];
}

/** A POSIX TZ string or hours east (8, -5, 5.5) as a Zone; null if it cannot be expressed. */
export function parseTz(tz: string | number): Zone | null {
  if (typeof tz == "number") return tz >= -12 && tz <= 14 ? { std: Math.round(tz * 60), dst: 0 } : null;
  const s = String(tz);
  let i = nameEnd(s, 0);
  if (i < 0) return null;
  let j = offsetEnd(s, i);
  // POSIX offsets are west of UTC: "CST-8" is UTC+8.
  const std = -clock(s.substring(i, j));
  if (std != std || Math.abs(std) > 15 * 60) return null;
  if (j == s.length) return { std: std, dst: 0 };
  i = nameEnd(s, j);
  if (i < 0) return null;
  j = offsetEnd(s, i);
  const dst = i == j ? 60 : -clock(s.substring(i, j)) - std;
  const rules = s.substr(j).split(",");
  // A DST name without rules means the US rules by POSIX default; require them spelled out.
  if (rules.length != 3 || rules[0] != "" || dst != dst || dst == 0) return null;
  const start = rule(rules[1]);
  const end = rule(rules[2]);
  return start && end ? { std: std, dst: dst, start: start, end: end } : null;
}

/** The twelve E.setDST numbers for a zone with DST (Espruino 2v29, E.setDST). */
export function dstArgs(z: Zone): number[] {
  return [z.dst, z.std].concat(z.start!, z.end!);
}

/** UTC seconds of a change in year y (Espruino's getDstChangeTime, GMT form). */
function change(y: number, r: Rule, z: Zone, isStart: boolean): number {
  let m = r[2];
  if (r[0] == 4 && ++m > 11) (y++, (m -= 12));
  let day = daysFromCivil(y, m + 1, 1);
  const toDow = (14 - ((day + 4) % 7) + r[1]) % 7;
  day += r[0] == 4 ? toDow - 7 : 7 * r[0] + toDow;
  return 60 * ((day + r[3]) * 1440 + r[4] - z.std - (isStart ? 0 : z.dst));
}

/** Minutes east of UTC in effect at Unix time t, as the device computes it. */
export function offsetAt(z: Zone, t: number): number {
  if (!z.dst) return z.std;
  // The year of the UTC day, as Espruino takes it.
  const days = Math.floor(t / 86400);
  let y = 1970 + Math.floor(days / 365.2425);
  while (daysFromCivil(y + 1, 1, 1) <= days) y++;
  while (daysFromCivil(y, 1, 1) > days) y--;
  const start = change(y, z.start!, z, true);
  const end = change(y, z.end!, z, false);
  const on = start < end ? t >= start && t < end : t < end || t >= start;
  return on ? z.std + z.dst : z.std;
}

/**
 * Minutes east of UTC at Unix time t as Espruino's Date has them, from the last
 * E.setTimeZone hours and E.setDST numbers (dstArgs above): the DST rules while their first
 * number (the minutes DST adds) is not 0, else the hours.
 */
export function deviceOffset(hours: number, dst: number[] | undefined, t: number): number {
  return dst && dst[0] ? offsetAt({ dst: dst[0], std: dst[1], start: dst.slice(2, 7), end: dst.slice(7) }, t) : hours * 60;
}
