import { NTP_UNIX_OFFSET, TWO32 } from "./wire";

/** RFC 5905 s6 NTP timestamp format: 32-bit unsigned seconds since 1900 and a 32-bit binary fraction. @internal */
export interface Timestamp {
  sec: number;
  frac: number;
}

// The arithmetic takes a timestamp's two uint32 fields as they are, so that a reply's
// timestamps go from its bytes into the sums with no object made for them (lib/checks.ts judge).

/**
 * NTP timestamp (seconds field, fraction field) to Unix seconds (float).
 *
 * The seconds field wraps every 2^32 s (era 0 ends 2036-02-07, RFC 5905 s6). The era is
 * taken as the one that puts the time within 2^31 s (68 years) of `pivot`, a Unix time known
 * to be near the truth (the firmware build date): `(a - b) | 0` is the signed 32-bit
 * distance between two seconds fields whatever their eras.
 */
export function ntpToUnix(sec: number, frac: number, pivot: number): number {
  return pivot + ((sec - (pivot + NTP_UNIX_OFFSET) % TWO32) | 0) + frac / TWO32;
}

/** Unix seconds (float, at or after 1900) to an NTP timestamp; `>>> 0` reduces to the era (RFC 5905 s6). */
export function unixToNtp(u: number): Timestamp {
  const s = Math.floor(u);
  return { sec: (s + NTP_UNIX_OFFSET) >>> 0, frac: ((u - s) * TWO32) >>> 0 };
}
