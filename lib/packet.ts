import { HEADER_LEN, SHORT_UNIT } from "./wire";
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
 * Decodes the 48-byte header, but for poll, precision and the reference timestamp, which
 * no check reads (bytes 2, 3 and 16-23): the device carries no code for them.
 */
export function decode(b: Uint8Array): Header {
  return {
    leap: b[0] >> 6,
    vn: (b[0] >> 3) & 7,
    assoc: b[0] & 7,
    stratum: b[1],
    rootDelay: u32(b, 4) / SHORT_UNIT,
    rootDisp: u32(b, 8) / SHORT_UNIT,
    refid: u32(b, 12),
    orig: ts(b, 24),
    recv: ts(b, 32),
    xmit: ts(b, 40),
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
  b[1] = p.stratum;
  b[2] = p.poll;
  b[3] = p.precision;
  put(b, 4, Math.round(p.rootDelay * SHORT_UNIT));
  put(b, 8, Math.round(p.rootDisp * SHORT_UNIT));
  put(b, 12, p.refid);
  putTs(b, 16, p.refTime);
  putTs(b, 24, p.orig);
  putTs(b, 32, p.recv);
  putTs(b, 40, p.xmit);
  return b;
}

/** RFC 5905 s7.3: the reference id is four ASCII characters at stratum 0 and 1 (kiss codes, sources), an IPv4 address above. */
export function refidText(p: Header): string {
  const r = p.refid;
  let s = "";
  for (let i = 24; i >= 0; i -= 8) {
    const c = (r >>> i) & 255;
    if (p.stratum > 1) s += (i < 24 ? "." : "") + c;
    else if (c > 31 && c < 127) s += String.fromCharCode(c);
  }
  return s;
}

