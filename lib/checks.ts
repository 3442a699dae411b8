import { HEADER_LEN, LEAP_ALARM, MODE_SERVER, STRATUM_KOD, STRATUM_MAX } from "./wire";
import { Timestamp, ntpDiff, ntpEqual, ntpToUnix } from "./timestamp";
import { decode, refidText } from "./packet";

/** The request in flight, which a reply must answer. */
export interface Exchange {
  /** the random transmit timestamp we sent; a true reply echoes it as its originate (RFC 5905 s8) */
  nonce: Timestamp;
  /** local clock (Unix seconds) when the request left: T1 */
  t1: number;
  /** where it went: a reply must come from there */
  ip: string;
  port: number;
  /** once answered: the answer, as text, to tell a copy of it from a conflicting one */
  got?: string;
}

/** What a good reply must meet. */
export interface Limits {
  /** Unix seconds near the truth (the build date): picks the NTP era, and no server time before it is believed */
  pivot: number;
  /** round-trip delay limit, seconds */
  maxDelay: number;
  /** root distance limit, seconds */
  maxDistance: number;
  /** with a key configured: signs requests and checks the MAC of replies (lib/mac.ts) */
  auth?: Auth;
}

/** The key a client signs its requests with, bound to the board's hash. */
export interface Auth {
  sign(h: Uint8Array): Uint8Array;
  /** true when `b` is a header and a MAC by this key */
  check(b: Uint8Array): boolean;
}

/** One good exchange, as the result of a sync shows it. */
export interface Sample {
  /** seconds, positive when the server is ahead of us */
  offset: number;
  /** round-trip delay, seconds */
  delay: number;
  stratum: number;
  refid: string;
  leap: number;
  /** local clock at T4 */
  t4: number;
}

/**
 * The reply checks in the order they are reported, each with its reason (chrony's
 * test1..test7 idea). The first seven say the datagram does not answer this request, and
 * the client keeps waiting for one that does (see `stray`): a forger who cannot sign, or
 * cannot see the request, cannot end an exchange. The rest end it.
 */
const REASONS = ["short", "source", "auth", "length", "mode", "version", "origin", "kod", "unsync", "stratum", "zero", "early", "delay", "distance"];

/** Reasons for a datagram that is not an answer to the request in flight. */
export function stray(reason: string): boolean {
  return REASONS.indexOf(reason) < 7;
}

/**
 * Judges one datagram received at local time t4: a Sample, or the reason it is refused.
 * Offset and delay as RFC 4330 s5 (and seed 002): offset = ((T2 - T1) + (T3 - T4)) / 2,
 * delay = (T4 - T1) - (T3 - T2); T1 and T4 are local clock readings, T2 and T3 the
 * server's. T3 - T2 is taken from the timestamps themselves, exactly.
 */
export function judge(b: Uint8Array, address: string, port: number, t4: number, x: Exchange, l: Limits): Sample | string {
  // A short datagram decodes too (missing bytes read as undefined, so 0), and fails the first check.
  const p = decode(b);
  const t3 = ntpToUnix(p.xmit, l.pivot);
  const delay = t4 - x.t1 - ntpDiff(p.xmit, p.recv);
  // One entry per REASONS entry, same order; all are cheap, so all are evaluated.
  const failed = [
    b.length < HEADER_LEN,
    port != x.port || address != x.ip,
    // RFC 5905 s7.3: with a key, only a reply signed by it; an unsigned kiss is ignored too.
    l.auth && !l.auth.check(b),
    // Without one, a reply is the header alone: anything after it (junk, extension fields
    // nobody asked for) makes it something else.
    !l.auth && b.length > HEADER_LEN,
    p.mode != MODE_SERVER,
    p.version < 3 || p.version > 4,
    // RFC 5905 s8: a reply whose originate is not our transmit is stale, duplicated or forged.
    !ntpEqual(p.orig, x.nonce),
    // RFC 4330 s8: stratum 0 is a Kiss-o'-Death, reported before LI since kisses carry LI = 3.
    p.stratum == STRATUM_KOD,
    p.leap == LEAP_ALARM,
    p.stratum > STRATUM_MAX,
    // Seconds 0 is 1900, or 2036-02-07 in era 1: the mark of an unset clock or a zeroed field,
    // never a real time (a true server's seconds are 0 for one second in 136 years).
    !p.recv.sec || !p.xmit.sec,
    t3 < l.pivot,
    !(delay >= 0 && delay <= l.maxDelay),
    // RFC 5905 s7.3: root distance, the most the server's time can be wrong by as seen from here.
    delay / 2 + p.rootDelay / 2 + p.rootDisp > l.maxDistance,
  ].indexOf(true);
  if (failed >= 0) return REASONS[failed];
  return {
    offset: (ntpToUnix(p.recv, l.pivot) - x.t1 + t3 - t4) / 2,
    delay,
    stratum: p.stratum,
    refid: refidText(p),
    leap: p.leap,
    t4,
  };
}
