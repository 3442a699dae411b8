// NMEA 0183 reader for a GPS time server: RMC, GGA and ZDA from any talker (GP, GN, GL, GA,
// BD...), checksums verified. Serial data comes in chunks of any size; a sentence is only
// read once its line ends, and bytes that cannot be part of one are skipped up to the next
// "$", so garbage or a cut line never costs more than itself.
import { daysFromCivil } from "./calendar";

/** One sentence that names a time. */
export interface Sentence {
  /** "RMC", "GGA" or "ZDA" */
  type: string;
  /** UTC of the time it names, Unix seconds; NaN for a GGA before any date is known */
  t: number;
  /** RMC status A or GGA quality above 0; undefined for ZDA, which does not say */
  fix?: boolean;
  /** satellites in use (GGA) */
  sats?: number;
  /** device clock when its "$" arrived, reckoned from the chunk its line ended in */
  at: number;
  /** the time named is 23:59:60; t then repeats 23:59:59, as Unix and NTP time do */
  leap: boolean;
}

/** Counts kept by the reader: sentences used, bad checksums, bytes or lines skipped as garbage, other sentences. */
export interface NmeaStats {
  ok: number;
  bad: number;
  junk: number;
  other: number;
}

/** NMEA 0183 s5.3: a sentence is at most 82 characters with "$" and CR LF; some receivers run longer. */
const MAX_LINE = 100;

/** n decimal digits of s from i, or NaN. */
function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k) - 48;
    if (!(c >= 0 && c <= 9)) return NaN;
    v = v * 10 + c;
  }
  return v;
}

/** "hhmmss" or "hhmmss.sss": seconds of the day with the fraction, or NaN; 60 only at 23:59. */
function timeOfDay(f: string): number {
  const h = digits(f, 0, 2);
  const m = digits(f, 2, 2);
  const s = digits(f, 4, 2);
  const frac = f.length == 6 ? 0 : f[6] == "." && digits(f, 7, f.length - 7) >= 0 ? +("0" + f.substr(6)) : NaN;
  if (!(h < 24 && m < 60 && (s < 60 || (s == 60 && h == 23 && m == 59)))) return NaN;
  return h * 3600 + m * 60 + s + frac;
}

/** A whole field of decimal digits, or NaN (also when empty). */
const int = (f: string | undefined) => (f ? digits(f, 0, f.length) : NaN);
const HEX = "0123456789ABCDEF";

/** IS-GPS-200 s20.3.3.3.1.1: the week number broadcast has 10 bits, so it rolls over every 1024 weeks. */
const GPS_WEEK = 604800;
const GPS_ROLLOVER = 1024 * GPS_WEEK;

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

/** A civil date's day number, or NaN when it is not a date. */
function ymd(y: number, m: number, d: number): number {
  return y >= 1980 && m >= 1 && m <= 12 && d >= 1 && d <= 31 ? daysFromCivil(y, m, d) : NaN;
}

/**
 * A reader that calls `got` with each good RMC, GGA or ZDA sentence. `pivot` (the build date)
 * unrolls the week-rollover bug; `baud` dates each "$" back from the arrival of the chunk its
 * line ends in by the bytes after it (10 bits a byte), for timing from NMEA alone. Dated from
 * where it ends, not where it began: a device clock set between its chunks (a time server's
 * first second, set an hour on) does not leave a sentence begun before it dated by the old clock.
 */
export function createNmea(pivot: number, baud: number, got: (s: Sentence) => void) {
  const stats: NmeaStats = { ok: 0, bad: 0, junk: 0, other: 0 };
  let line = "";
  /** where the line's "$" is, counted from the start of the chunk being read (negative: an earlier chunk) */
  let begun = 0;
  /** the day of the last date seen (days since 1970) and the time of day then, for GGA */
  let day = NaN;
  let tod = 0;

  const sentence = (s: string, at: number) => {
    const star = s.length - 3;
    let sum = 0;
    for (let i = 1; i < star; i++) sum ^= s.charCodeAt(i);
    if (s[star] != "*" || s.substr(star + 1).toUpperCase() != HEX[sum >> 4] + HEX[sum & 15]) return stats.bad++;
    const f = s.substring(1, star).split(",");
    const id = f[0];
    // a talker is two capital letters (GP, GN, GL, GA, BD...)
    const type = /^[A-Z][A-Z]/.test(id) && id.length == 5 ? id.substr(2) : "";
    if (type != "RMC" && type != "GGA" && type != "ZDA") return stats.other++;
    const secs = timeOfDay(f[1] || "");
    let d = day;
    let fix: boolean | undefined;
    let sats: number | undefined;
    if (type == "RMC") {
      const yy = int(f[9]) % 100;
      d = (f[9] || "").length == 6 ? ymd(yy + (yy < 80 ? 2000 : 1900), int(f[9].substr(2, 2)), int(f[9].substr(0, 2))) : NaN;
      fix = f[2] == "A";
    } else if (type == "ZDA") d = ymd(int(f[4]), int(f[3]), int(f[2]));
    else {
      fix = int(f[6]) > 0;
      sats = int(f[7]);
      // GGA names no date: the last one seen, a day on if the time of day wrapped since.
      if (secs < tod - 43200) d++;
    }
    // A receiver without a fix may still print sentences, with empty or made-up times: the
    // fix says which, so a sentence without a time still counts for its fix.
    if (type != "GGA") day = d;
    if (secs >= 0) tod = secs;
    const leap = secs >= 86400;
    stats.ok++;
    got({ type: type, t: unrollWeeks(d * 86400 + secs - (leap ? 1 : 0), pivot), fix: fix, sats: sats, at: at, leap: leap });
  };

  return {
    stats: stats,
    /** a chunk of serial data, received at device clock t */
    feed(chunk: string, t: number) {
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i];
        const code = chunk.charCodeAt(i);
        if (c == "$") {
          if (line) stats.junk++;
          line = c;
          begun = i;
        } else if (c == "\r" || c == "\n") {
          if (line.length > 6) sentence(line, baud ? t - ((chunk.length - 1 - begun) * 10) / baud : t);
          else if (line) stats.junk++;
          line = "";
        } else if (line && code > 31 && code < 127 && line.length < MAX_LINE) line += c;
        else if (line) {
          stats.junk++;
          line = "";
        }
      }
      begun -= chunk.length;
    },
  };
}
