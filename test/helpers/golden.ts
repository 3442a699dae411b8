// Golden NTP replies: a real-shaped server reply as bytes, and a fake server that answers
// requests the way a true one does, with a chosen offset and path delays.
import { Packet, decode, encode, ts } from "../../lib/packet";
import { Timestamp, unixToNtp } from "../../lib/timestamp";
import { FakeClock, FakeNet, Sent } from "./fake-env";

/** A stratum 2 server reply (RFC 4330 s4 layout), as a capture would show it. */
export const GOLDEN_HEX =
  "24" + // LI 0, VN 4, mode 4
  "02" + // stratum 2
  "06" + // poll 2^6
  "e9" + // precision 2^-23
  "00000a3d" + // root delay 0.16 s (0x0a3d / 65536)
  "00000547" + // root dispersion 0.02 s
  "0a000001" + // refid 10.0.0.1
  "e2cfa700" + "00000000" + // reference 3805259520
  "11223344" + "55667788" + // originate: the client's nonce
  "e2cfa73b" + "40000000" + // receive 3805259579.25 (seed 003's seconds)
  "e2cfa73b" + "80000000"; // transmit 3805259579.5

/** The whole header: decode() and the three fields the device never reads (poll, precision, reference). */
export function decodePacket(b: Uint8Array): Packet {
  return { ...decode(b), poll: (b[2] << 24) >> 24, precision: (b[3] << 24) >> 24, refTime: ts(b, 16) };
}

export function hex(s: string): Uint8Array {
  return new Uint8Array(s.match(/../g)!.map((x) => parseInt(x, 16)));
}

export const GOLDEN_NONCE: Timestamp = { sec: 0x11223344, frac: 0x55667788 };

/** The golden reply with bytes replaced: patch(golden(), {1: 0}) sets the stratum to 0. */
export function patch(b: Uint8Array, bytes: Record<number, number>): Uint8Array {
  const c = new Uint8Array(b);
  for (const k of Object.keys(bytes)) c[+k] = bytes[+k];
  return c;
}

export interface ServerModel {
  /** true time = local clock + offset (seconds) */
  offset: number;
  /** one-way delays, seconds */
  up: number;
  down: number;
  /** seconds between receive and transmit at the server */
  turnaround?: number;
  address?: string;
  port?: number;
  /** change the reply before it is sent */
  edit?: (p: Packet, req: Sent) => Packet | null;
}

/**
 * A stratum 1 (GPS) reply to the request whose transmit timestamp was `nonce`, received and
 * sent at Unix time `t`; `over` changes fields (a Kiss-o'-Death, a leap indicator).
 */
export function stratumOneReply(nonce: Timestamp, t: number, over?: Partial<Packet>): Uint8Array {
  const now = unixToNtp(t);
  return encode(Object.assign({ leap: 0, vn: 4, assoc: 4, stratum: 1, poll: 0, precision: -20, rootDelay: 0, rootDisp: 0,
    refid: 0x47505300, refTime: now, orig: nonce, recv: now, xmit: now }, over));
}

/** Makes `net` answer every request like a real server described by `m`. */
export function fakeServer(clock: FakeClock, net: FakeNet, m: ServerModel) {
  net.onSend = (req) => {
    const nonce = decode(req.b).xmit;
    const t2 = req.at + m.up + m.offset;
    const t3 = t2 + (m.turnaround || 0);
    let p: Packet | null = {
      leap: 0, vn: 4, assoc: 4, stratum: 2, poll: 6, precision: -23, rootDelay: 0.01, rootDisp: 0.01,
      refid: 0x0a000001, refTime: unixToNtp(t2 - 30), orig: nonce, recv: unixToNtp(t2), xmit: unixToNtp(t3),
    };
    if (m.edit) p = m.edit(p, req);
    if (!p) return;
    const bytes = encode(p);
    clock.after(() => net.deliver(bytes, m.address || req.ip, m.port || req.port), (m.up + (m.turnaround || 0) + m.down) * 1000);
  };
}
