// A hostile SNTP server on loopback: for each request it plays one bad-reply class (or the
// honest answer, as the control). Real UDP on 127.0.0.1 (and 127.0.0.2 for a reply from
// another address), its clock the machine's. It records every request it gets, with the time.
import { createSocket, Socket } from "node:dgram";
import { Packet, decode } from "../../lib/packet";
import { Key, sign } from "../../lib/mac";
import { sha1 } from "../../boards/sha1-node";
import { unixToNtp } from "../../lib/timestamp";
import { stratumOneReply } from "./golden";
import { request } from "../../lib/request";
import { realtime } from "./realtime";

/** How one request is answered: the datagrams to send (with optional source and delay). */
export interface Reply {
  b: Uint8Array;
  /** "port": from another port of 127.0.0.1; "address": from 127.0.0.2, the same port */
  from?: "port" | "address";
  /** ms after the request */
  after?: number;
}
export type Play = (req: Uint8Array, honest: (over?: Partial<Packet>) => Uint8Array) => Reply[];

const kiss = (code: string): Partial<Packet> => ({ leap: 3, stratum: 0, refid: Buffer.from(code).readUInt32BE(0) });

export interface HostileClass {
  name: string;
  play: Play;
  /** the reason the client must give */
  reason: string;
  /** the kiss code, for a Kiss-o'-Death */
  kiss?: string;
  /** the client is configured with this key (the server's replies are signed with `signWith` below) */
  keyed?: boolean;
}

/** The key both sides share in the keyed classes, and another the server may use instead. */
export const SHARED: Key = { id: 1, secret: new TextEncoder().encode("shared-secret-1") };
export const OTHER: Key = { id: 1, secret: new TextEncoder().encode("not-the-secret") };

/** Every bad-reply class with the reason it must get (`timeout` where nothing answers in time). */
export function hostileClasses(timeoutMs: number): HostileClass[] {
  let replay: Uint8Array | null = null;
  return [
    { name: "wrong mode (3, a request echoed)", play: (q, h) => [{ b: h({ assoc: 3 }) }], reason: "mode" },
    { name: "wrong mode (5, broadcast)", play: (q, h) => [{ b: h({ assoc: 5 }) }], reason: "mode" },
    { name: "version 2", play: (q, h) => [{ b: h({ vn: 2 }) }], reason: "version" },
    { name: "LI 3, not synchronized", play: (q, h) => [{ b: h({ leap: 3 }) }], reason: "unsync" },
    { name: "stratum 0, kiss RATE", play: (q, h) => [{ b: h(kiss("RATE")) }], reason: "kod", kiss: "RATE" },
    { name: "stratum 0, kiss DENY", play: (q, h) => [{ b: h(kiss("DENY")) }], reason: "kod", kiss: "DENY" },
    { name: "stratum 0, kiss RSTR", play: (q, h) => [{ b: h(kiss("RSTR")) }], reason: "kod", kiss: "RSTR" },
    { name: "stratum 0, INIT (a server starting up)", play: (q, h) => [{ b: h(kiss("INIT")) }], reason: "unsync" },
    { name: "stratum 0, no code (OpenNTPD starting up)", play: (q, h) => [{ b: h(kiss("\0\0\0\0")) }], reason: "unsync" },
    { name: "stratum 0, an unknown code", play: (q, h) => [{ b: h(kiss("XYZZ")) }], reason: "unsync" },
    { name: "stratum 16", play: (q, h) => [{ b: h({ stratum: 16 }) }], reason: "stratum" },
    { name: "zero receive timestamp (T2)", play: (q, h) => [{ b: h({ recv: { sec: 0, frac: 0 } }) }], reason: "zero" },
    { name: "zero transmit timestamp (T3)", play: (q, h) => [{ b: h({ xmit: { sec: 0, frac: 0 } }) }], reason: "zero" },
    { name: "2036: seconds zero in era 1", play: (q, h) => [{ b: h({ recv: { sec: 0, frac: 0x80000000 }, xmit: { sec: 0, frac: 0x80000001 } }) }], reason: "zero" },
    { name: "1970: time before the build date", play: (q, h) => [{ b: h({ recv: unixToNtp(1000), xmit: unixToNtp(1000.001) }) }], reason: "early" },
    { name: "wrong origin", play: (q, h) => [{ b: h({ orig: { sec: 0x12345678, frac: 0x9abcdef0 } }) }], reason: "origin" },
    {
      name: "a replayed old reply",
      // a true reply to an earlier request (another nonce), captured and sent again, byte for byte
      play: () => [{ b: (replay = replay || honestReply(request({ sec: 0xdeadbeef, frac: 1 }), { xmit: unixToNtp(realtime() - 10) })) }],
      reason: "origin",
    },
    { name: "from another port", play: (q, h) => [{ b: h(), from: "port" }], reason: "source" },
    { name: "from another address (127.0.0.2)", play: (q, h) => [{ b: h(), from: "address" }], reason: "source" },
    { name: "truncated (47 bytes)", play: (q, h) => [{ b: h().subarray(0, 47) }], reason: "short" },
    { name: "oversized (48 + 100 bytes of junk)", play: (q, h) => [{ b: new Uint8Array([...h(), ...new Array(100).fill(0x5a)]) }], reason: "length" },
    { name: "absurd root delay (65535 s)", play: (q, h) => [{ b: h({ rootDelay: 65535 }) }], reason: "distance" },
    { name: "absurd root dispersion (1000 s)", play: (q, h) => [{ b: h({ rootDisp: 1000 }) }], reason: "distance" },
    { name: "T3 an hour after T2 (negative delay)", play: (q, h) => [{ b: h({ xmit: unixToNtp(realtime() + 3600) }) }], reason: "delay" },
    {
      name: "two conflicting replies to one request",
      play: (q, h) => [{ b: h() }, { b: h({ xmit: unixToNtp(realtime() + 1000) }), after: 5 }],
      reason: "conflict",
    },
    { name: "a reply that arrives after the timeout", play: (q, h) => [{ b: h(), after: timeoutMs + 60 }], reason: "timeout" },
    { name: "garbage (48 random-looking bytes)", play: () => [{ b: new Uint8Array(48).map((_, i) => (i * 151 + 17) & 255) }], reason: "mode" },
    { name: "with a key: an unsigned reply", play: (q, h) => [{ b: h() }], reason: "auth", keyed: true },
    { name: "with a key: signed with a wrong secret", play: (q, h) => [{ b: sign(sha1, OTHER, h()) }], reason: "auth", keyed: true },
    { name: "with a key: signed, then a timestamp changed", play: (q, h) => { const b = sign(sha1, SHARED, h()); b[43] ^= 1; return [{ b }]; }, reason: "auth", keyed: true },
    { name: "with a key: an unsigned kiss DENY", play: (q, h) => [{ b: h(kiss("DENY")) }], reason: "auth", keyed: true },
  ];
}

export interface HostileServer {
  port: number;
  /** machine time of each request received */
  requests: number[];
  /** sizes of the requests, to see signed ones (72 bytes) */
  sizes: number[];
  play: Play;
  close(): Promise<void>;
}

function bound(address: string, port: number): Promise<Socket> {
  return new Promise((res, rej) => {
    const s = createSocket("udp4");
    s.once("error", rej);
    s.bind(port, address, () => res(s));
  });
}

/** The honest reply to `req`: stratum 1 at the machine's time, with `over` changing fields. */
export function honestReply(req: Uint8Array, over: Partial<Packet> = {}): Uint8Array {
  return stratumOneReply(decode(req).xmit, realtime(), over);
}

/** Starts the server on a free port of 127.0.0.1 (and its twins: port + 1, and 127.0.0.2 on the same port). */
export async function startHostile(port: number): Promise<HostileServer> {
  const main = await bound("127.0.0.1", port);
  const otherPort = await bound("127.0.0.1", 0);
  const otherAddress = await bound("127.0.0.2", port);
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const srv: HostileServer = {
    port,
    requests: [],
    sizes: [],
    play: (q, h) => [{ b: h() }],
    close: async () => {
      for (const t of timers) clearTimeout(t);
      await Promise.all([main, otherPort, otherAddress].map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
  main.on("message", (m, r) => {
    srv.requests.push(realtime());
    srv.sizes.push(m.length);
    const req = new Uint8Array(m);
    for (const reply of srv.play(req, (over) => honestReply(req, over))) {
      const sock = reply.from == "port" ? otherPort : reply.from == "address" ? otherAddress : main;
      const send = () => sock.send(reply.b, r.port, r.address);
      if (!reply.after) send();
      else {
        const t = setTimeout(() => (timers.delete(t), send()), reply.after);
        timers.add(t);
      }
    }
  });
  return srv;
}
