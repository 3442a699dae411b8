import { HEADER_LEN, ORIG_AT, RECV_AT, REFID_AT, REF_AT, ROOT_DELAY_AT, ROOT_DISP_AT, SHORT_UNIT, STRATUM_AT, XMIT_AT } from "./wire";
import { Timestamp } from "./timestamp";

/**
 * The NTP header fields the reply checks and the server read (RFC 4330 s4 / RFC 5905 s7.3).
 * Extension fields and MAC after byte 48 are not decoded.
 * @internal
 */
export interface Header {
  leap: number;
  vn: number;
  assoc: number;
  stratum: number;
  /** seconds (NTP short format) */
  rootDelay: number;
  /** seconds (NTP short format) */
  rootDisp: number;
  refid: number;
  orig: Timestamp;
  recv: Timestamp;
  xmit: Timestamp;
}

/** The whole header, as encode() writes it. @internal */
export interface Packet extends Header {
  /** log2 seconds, signed */
  poll: number;
  /** log2 seconds, signed */
  precision: number;
  refTime: Timestamp;
}

export function u32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

export function ts(b: Uint8Array, o: number): Timestamp {
  return { sec: u32(b, o), frac: u32(b, o + 4) };
}

/**
 * Decodes the 48-byte header, but for poll, precision and the reference timestamp (bytes 2,
 * 3 and 16-23). The server reads a request with it; a client's checks read the reply's
 * bytes themselves (lib/checks.ts judge), making no object per datagram.
 */
export function decode(b: Uint8Array): Header {
  return {
    leap: b[0] >> 6,
    vn: (b[0] >> 3) & 7,
    assoc: b[0] & 7,
    stratum: b[STRATUM_AT],
    rootDelay: u32(b, ROOT_DELAY_AT) / SHORT_UNIT,
    rootDisp: u32(b, ROOT_DISP_AT) / SHORT_UNIT,
    refid: u32(b, REFID_AT),
    orig: ts(b, ORIG_AT),
    recv: ts(b, RECV_AT),
    xmit: ts(b, XMIT_AT),
  };
}

export function put(b: Uint8Array, o: number, v: number) {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}

export function putTs(b: Uint8Array, o: number, t: Timestamp) {
  put(b, o, t.sec);
  put(b, o + 4, t.frac);
}

/** Encodes a 48-byte header (byte layout RFC 4330 s4). */
export function encode(p: Packet): Uint8Array {
  const b = new Uint8Array(HEADER_LEN);
  b[0] = (p.leap << 6) | (p.vn << 3) | p.assoc;
  b[STRATUM_AT] = p.stratum;
  b[2] = p.poll;
  b[3] = p.precision;
  put(b, ROOT_DELAY_AT, Math.round(p.rootDelay * SHORT_UNIT));
  put(b, ROOT_DISP_AT, Math.round(p.rootDisp * SHORT_UNIT));
  put(b, REFID_AT, p.refid);
  putTs(b, REF_AT, p.refTime);
  putTs(b, ORIG_AT, p.orig);
  putTs(b, RECV_AT, p.recv);
  putTs(b, XMIT_AT, p.xmit);
  return b;
}

/** RFC 5905 s7.3: the reference id is four ASCII characters at stratum 0 and 1 (kiss codes, sources), an IPv4 address above. */
export function refidText(refid: number, stratum: number): string {
  let s = "";
  for (let i = 24; i >= 0; i -= 8) {
    const c = (refid >>> i) & 255;
    if (stratum > 1) s += (i < 24 ? "." : "") + c;
    else if (c > 31 && c < 127) s += String.fromCharCode(c);
  }
  return s;
}

