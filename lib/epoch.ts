// The epochs a GPS time server meets, each named once, and the conversions between them.
// Unix seconds (1970) are the hub: the device clock counts them (getTime), NTP timestamps
// (1900) are converted in timestamp.ts, MicroPython's utime counts from 2000, GPS from 1980.
export { NTP_UNIX_OFFSET } from "./wire";
export { ntpToUnix, unixToNtp } from "./timestamp";

/** MicroPython's epoch, 2000-01-01 00:00 UTC, in Unix seconds (utime.time() on ports with EPOCH 2000). */
export const MP_EPOCH = 946684800;

/** The GPS epoch, 1980-01-06 00:00 UTC, in Unix seconds (IS-GPS-200 s3.3.4). */
export const GPS_EPOCH = 315964800;

/** IS-GPS-200 s20.3.3.3.1.1: the week number broadcast has 10 bits, so it rolls over every 1024 weeks. */
export const GPS_WEEK = 604800;
export const GPS_ROLLOVER = 1024 * GPS_WEEK;

/**
 * GPS time runs without leap seconds; UTC = GPS - gpsUtc, where gpsUtc is the leap count
 * since 1980 (18 s since 2017-01-01, IERS Bulletin C; subframe 4 page 18 broadcasts it).
 */
export const GPS_UTC = 18;

export function unixToMp(u: number): number {
  return u - MP_EPOCH;
}

export function mpToUnix(m: number): number {
  return m + MP_EPOCH;
}

/** GPS week (full, not 10-bit) and seconds of week to Unix seconds (UTC). */
export function gpsToUnix(week: number, tow: number, gpsUtc: number): number {
  return GPS_EPOCH + week * GPS_WEEK + tow - gpsUtc;
}

/** Unix seconds (UTC) to [GPS week, seconds of week]. */
export function unixToGps(u: number, gpsUtc: number): number[] {
  const g = u - GPS_EPOCH + gpsUtc;
  const week = Math.floor(g / GPS_WEEK);
  return [week, g - week * GPS_WEEK];
}

/**
 * A receiver that counts 10-bit weeks from a fixed base (the 2019-04-07 rollover bug) names
 * dates 1024 weeks (19.6 years) too early. A time before `pivot` (the build date, which the
 * true time cannot precede) is moved on whole rollovers until it is not.
 */
export function unrollWeeks(u: number, pivot: number): number {
  // At most 8 rollovers: 157 years, from 1980 on.
  for (let i = 0; u < pivot - GPS_WEEK && i < 8; i++) u += GPS_ROLLOVER;
  return u;
}

/**
 * Microseconds (0 to 999999) to the NTP fraction (RFC 5905 s6, 2^32 units a second), exactly
 * floor(us * 2^32 / 10^6), seed 004's ratio A/10^6 = C/2^32. us * 2^26 is exact in a double
 * (below 2^46), and the quotient by 15625 (10^6 = 2^6 * 15625) is at least 1/15625 from any
 * integer it is not equal to, more than a double's rounding at 2^32: floor never errs.
 */
export function microsToFrac(us: number): number {
  return Math.floor((us * 67108864) / 15625);
}

/** The NTP fraction back to microseconds, exactly (frac * 15625 / 2^26 is exact in a double). */
export function fracToMicros(frac: number): number {
  return (frac * 15625) / 67108864;
}
