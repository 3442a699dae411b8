// The time server's side of RFC 4330 s6 / RFC 5905 s8: which requests get an answer, and the
// answer. Replies are the 48-byte header: never larger than the request they answer, so the
// server cannot be used to amplify a flood.
import { HEADER_LEN, KEY_ID_LEN, LEAP_ALARM, MAC_LEN, MD5_LEN, MODE_CLIENT, MODE_SERVER, STRATUM_KOD } from "./wire";
import { decode, encode, putTs } from "./packet";
import { unixToNtp } from "./timestamp";
import { Head } from "./refclock";

/** RFC 5905 s7.3: a primary server (its own reference clock) is stratum 1. */
export const STRATUM_PRIMARY = 1;

/**
 * Why a request gets no answer, checked in this order: shorter than the header; not a
 * client request (modes 6 and 7 are control and private monitoring, never answered);
 * version 0 or above 4; a tail after the header that no extension field or MAC could be
 * (RFC 7822 s7.5: multiples of 4 bytes).
 */
export function refuse(b: Uint8Array): string {
  const v = (b[0] >> 3) & 7;
  return b.length < HEADER_LEN ? "short" : (b[0] & 7) != MODE_CLIENT ? "mode" : v < 1 || v > 4 ? "version" : b.length % 4 ? "length" : "";
}

/**
 * True when the request ends in a MAC (RFC 5905 s7.3; RFC 7822 s7.5 tells one from extension
 * fields by its length): a crypto-NAK (the key id alone), an MD5 or a SHA1 MAC. Such a request
 * is answered only when the MAC verifies; other tails are extension fields, answered without.
 */
export function hasMac(b: Uint8Array): boolean {
  const t = b.length - HEADER_LEN;
  return t == KEY_ID_LEN || t == KEY_ID_LEN + MD5_LEN || t == MAC_LEN;
}

/** RFC 5905 s7.3: a reference id of up to four ASCII characters, left-justified. */
export function asciiId(s: string): number {
  let v = 0;
  for (let i = 0; i < 4; i++) v = v * 256 + (s.charCodeAt(i) || 0);
  return v;
}

/**
 * The answer to a request that passed refuse(): mode 4 with the request's version and poll,
 * its transmit timestamp as our originate (RFC 4330 s6), `recv` as the receive timestamp
 * (UTC), and the transmit timestamp read from `xmit()` last, just before the reply leaves.
 * Unsynchronized, it says LI 3, stratum 0 (RFC 5905 s7.3); `kiss` makes it a Kiss-o'-Death
 * with that code instead (RFC 5905 s7.4).
 */
export function answer(req: Uint8Array, recv: number, head: Head, kiss: string, xmit: () => number): Uint8Array {
  const q = decode(req);
  const ok = head.synced && !kiss;
  const b = encode({
    leap: ok ? 0 : LEAP_ALARM,
    vn: q.vn,
    assoc: MODE_SERVER,
    stratum: ok ? STRATUM_PRIMARY : STRATUM_KOD,
    // byte 2 as it came: encode stores its low 8 bits
    poll: req[2],
    precision: head.precision,
    rootDelay: 0,
    rootDisp: head.disp,
    refid: asciiId(kiss || (ok ? head.refid : "INIT")),
    // RFC 5905 s7.3: zero until the clock has been set
    refTime: head.refTime ? unixToNtp(head.refTime) : { sec: 0, frac: 0 },
    orig: q.xmit,
    recv: unixToNtp(recv),
    xmit: q.xmit,
  });
  putTs(b, 40, unixToNtp(xmit()));
  return b;
}
