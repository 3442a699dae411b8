import {
  HEADER_LEN, LEAP_ALARM, MODE_SERVER, ORIG_AT, RECV_AT, REFID_AT, ROOT_DELAY_AT, ROOT_DISP_AT, SHORT_UNIT, STRATUM_AT,
  STRATUM_KOD, STRATUM_MAX, TWO32, XMIT_AT,
} from "./wire";
import { Timestamp, ntpToUnix } from "./timestamp";
import { refidText, u32 } from "./packet";

/**
 * The request in flight, which a reply must answer: the random transmit timestamp we sent
 * (sec, frac), which a true reply echoes as its originate (RFC 5905 s8), and the rest. (The
 * timestamp's fields are the exchange's own: an object of its own was 2 JsVars more while
 * a server is asked.)
 */
export interface Exchange extends Timestamp {
  /** local clock (Unix seconds) when the request left: T1 @internal */
  t1: number;
  /** where it went: a reply must come from there @internal */
  addr: string;
  port: number;
  /** once answered: the answer, to tell a copy of it from a conflicting one @internal */
  got?: Uint8Array;
}

/** What a good reply must meet. @internal */
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

/** The key a client signs its requests with, bound to the board's hash. @internal */
export interface Auth {
  signRequest(h: Uint8Array): Uint8Array;
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
}

/**
 * Reasons for a datagram that is not an answer to the request in flight: the first checks
 * below. The client keeps waiting for one that does: a forger who cannot sign, or cannot
 * see the request, cannot end an exchange. Any other reason ends it.
 */
export function stray(reason: string): boolean {
  // (an array, not indexOf on one string: Espruino 2v29's String.indexOf finds a needle that
  // runs off the end, " ab cd ".indexOf(" zz ") == 6)
  return ["short", "source", "auth", "length", "mode", "version", "origin"].indexOf(reason) >= 0;
}

/**
 * Judges one datagram received at local time t4: a Sample, or the reason it is refused.
 * The checks run in order and the first that fails gives the reason (chrony's test1..test7
 * idea): a datagram from anywhere but the server asked costs no digest.
 * Offset and delay as RFC 4330 s5: offset = ((T2 - T1) + (T3 - T4)) / 2,
 * delay = (T4 - T1) - (T3 - T2); T1 and T4 are local clock readings, T2 and T3 the
 * server's. T3 - T2 is taken from the timestamps themselves, exactly.
 */
export function judge(b: Uint8Array, address: string, port: number, t4: number, x: Exchange, l: Limits): Sample | string {
  // (whether the datagram reaches a byte: that byte read, undefined past the end, not b.length,
  // whose getter puts Espruino's ArrayBufferView class in the global scope for good: 9 JsVars,
  // measured at the ESP8266 size's REPL; a keyed image reads lengths anyway, lib/mac.ts)
  if (b[HEADER_LEN - 1] === undefined) return "short";
  if (port != x.port || address != x.addr) return "source";
  // RFC 5905 s7.3: with a key, only a reply signed by it; an unsigned kiss is ignored too.
  if (l.auth && !l.auth.check(b)) return "auth";
  // Without one, a reply is the header alone: anything after it (junk, extension fields
  // nobody asked for) makes it something else.
  if (!l.auth && b[HEADER_LEN] !== undefined) return "length";
  // The header's fields are read where they lie (RFC 4330 s4), with no decoded copy of it:
  // on the device such a copy (ten fields, three of them timestamp objects) is about 45
  // JsVars per datagram, as objects of that shape measure at the ESP8266 size.
  if ((b[0] & 7) != MODE_SERVER) return "mode";
  const vn = (b[0] >> 3) & 7;
  if (vn < 3 || vn > 4) return "version";
  // RFC 5905 s8: a reply whose originate is not our transmit is stale, duplicated or forged.
  if (u32(b, ORIG_AT) != x.sec || u32(b, ORIG_AT + 4) != x.frac) return "origin";
  const stratum = b[STRATUM_AT];
  const leap = b[0] >> 6;
  // RFC 4330 s8: stratum 0 is a Kiss-o'-Death, reported before LI since kisses carry LI = 3.
  // RFC 5905 s7.4: a client must act on DENY and RSTR (stop asking that server) and RATE (ask
  // less often); any other code (INIT, STEP, none) has no protocol meaning: a server not
  // synchronized yet. (Compared here, not in a function: each function of the exchange is
  // about 6 JsVars while a server is asked. Each call's arguments worked out before it:
  // lib/client.ts send.)
  if (stratum == STRATUM_KOD) {
    const refid = u32(b, REFID_AT);
    const code = refidText(refid, stratum);
    return code == "RATE" || code == "DENY" || code == "RSTR" ? "kod" : "unsync";
  }
  if (leap == LEAP_ALARM) return "unsync";
  if (stratum > STRATUM_MAX) return "stratum";
  const t2sec = u32(b, RECV_AT);
  const t3sec = u32(b, XMIT_AT);
  // Seconds 0 is 1900, or 2036-02-07 in era 1: the mark of an unset clock or a zeroed field,
  // never a real time (a true server's seconds are 0 for one second in 136 years).
  if (!t2sec || !t3sec) return "zero";
  const t2frac = u32(b, RECV_AT + 4);
  const t3frac = u32(b, XMIT_AT + 4);
  const t3 = ntpToUnix(t3sec, t3frac, l.pivot);
  if (t3 < l.pivot) return "early";
  // T3 - T2 from the fields themselves, exact and era-safe (RFC 5905 s6): `(a - b) | 0` is
  // the signed 32-bit distance between two seconds fields whatever their eras.
  const held = ((t3sec - t2sec) | 0) + (t3frac - t2frac) / TWO32;
  const delay = t4 - x.t1 - held;
  if (!(delay >= 0 && delay <= l.maxDelay)) return "delay";
  // RFC 5905 s7.3: root distance (half the delay and of the root delay, and the root
  // dispersion), the most the server's time can be wrong by as seen from here. (Summed as
  // read, and T2 below from T3: each local here is one or two JsVars more on the device at
  // the exchange's peak, the moment this function returns.)
  if (delay / 2 + u32(b, ROOT_DELAY_AT) / SHORT_UNIT / 2 + u32(b, ROOT_DISP_AT) / SHORT_UNIT > l.maxDistance) return "distance";
  const refid = u32(b, REFID_AT);
  return {
    // T2 is T3 less the time the server held the request, both as exact as `held` is
    offset: (t3 - held - x.t1 + t3 - t4) / 2,
    delay,
    stratum,
    refid: refidText(refid, stratum),
    leap,
  };
}
