// Civil calendar from Unix seconds, for utime.localtime() style tuples. Pure arithmetic:
// Espruino's Date has no getUTC* methods and its local getters follow E.setTimeZone.

function leap(y: number): boolean {
  return !(y % 4) && (y % 100 > 0 || !(y % 400));
}

/**
 * (year, month, mday, hour, minute, second, weekday, yearday) as MicroPython's
 * utime.localtime(): month 1-12, weekday 0 = Monday, yearday 1-366, for t >= 0 (the device
 * never sets its clock before the build date). Walks years and months from 1970: at most a
 * few hundred steps, and smaller code than a closed form.
 */
export function civil(t: number): number[] {
  const s = Math.floor(t);
  const sod = s % 86400;
  let d = (s - sod) / 86400;
  // 1970-01-01 was a Thursday: weekday 3 when Monday is 0.
  const wday = (d + 3) % 7;
  let y = 1970;
  for (let n; d >= (n = leap(y) ? 366 : 365); y++) d -= n;
  const yday = d + 1;
  let m = 0;
  // Month lengths: February by the leap rule, then 31 and 30 alternate, restarting in August.
  for (let n; d >= (n = m == 1 ? (leap(y) ? 29 : 28) : 31 - ((m % 7) & 1)); m++) d -= n;
  // sod < 86400, so `| 0` truncates safely.
  return [y, m + 1, d + 1, (sod / 3600) | 0, (sod / 60) % 60 | 0, sod % 60, wday, yday];
}

/**
 * Days from 1970-01-01 to a civil date (month 1-12), the inverse of civil(): H. Hinnant's
 * days_from_civil over 400-year eras, for dates a modem prints ("2026/11/21,08:30:00+32").
 */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** Two digits, a leading zero below 10: for the clock faces. */
export const two = (n: number) => (n < 10 ? "0" : "") + n;

/**
 * Unix time `t` as Date's toISOString writes it, "2026-12-07T18:10:48.543Z" (the
 * milliseconds cut, not rounded), for the module (require("ntptime")): a Date would put its
 * class in Espruino's global scope for good, 7 JsVars of an ESP8266's, where the module has
 * no other use for it. (The clock images keep Date's: they have one anyway, and the calendar
 * would cost their resident code some 400 bytes.)
 */
export function isoTime(t: number): string {
  const ms = Math.floor(t * 1000);
  const c = civil(ms / 1000);
  return c[0] + "-" + two(c[1]) + "-" + two(c[2]) + "T" + two(c[3]) + ":" + two(c[4]) + ":" + two(c[5]) + "." + ("" + (1000 + (ms % 1000))).slice(1) + "Z";
}

/**
 * `v` with `places` decimals, as toFixed writes it (but never "-0.000"): a number's method
 * would put Number's class in Espruino's global scope for good, 8 JsVars of an ESP8266's.
 */
export function fixed(v: number, places: number): string {
  let m = 1;
  for (let i = 0; i < places; i++) m *= 10;
  const a = Math.round(Math.abs(v) * m);
  // (the decimals with a leading 1 that keeps their zeros, cut off after)
  const decimals = "" + ((a % m) + m);
  return (v < 0 && a ? "-" : "") + Math.floor(a / m) + "." + decimals.slice(1);
}

