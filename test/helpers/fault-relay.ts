// A relay between a device and its servers that can turn bad on command, for the fault soak
// (test/helpers/soak.ts): run inside the device's network namespace as
//   node --import ./tools/ts-register.mjs test/helpers/fault-relay.ts SEED LISTEN:TARGET [LISTEN:TARGET ...]
// it forwards each request on 127.0.0.1:LISTEN to 127.0.0.1:TARGET and the answer back, until
// a line on its standard input changes how it answers every server:
//   pass     forwards (the start)
//   silent   drops every request (a server gone)
//   kod CODE [N]  answers at once with a Kiss-o'-Death (RFC 5905 s7.4: LI 3, stratum 0, the
//            code as refid), the request's transmit time as its origin, as a real server
//            would; with N, only the next N requests, then it forwards again (a server
//            starting up: ntpsec answers INIT in its first seconds)
//   garbage  answers at once with seeded rubbish: empty, short, 48 random bytes, or a packet
//            whose origin does not match the request
//   empty    answers at once with an empty datagram
// and prints "ok LINE" when the change is in effect.
import { createSocket } from "node:dgram";
import { createInterface } from "node:readline";
import { seeded } from "../../bench/relay";

const [seedArg, ...pairs] = process.argv.slice(2);

const rand = seeded(+seedArg);

let mode = "pass";
let kiss = "RATE";
/** kisses left before forwarding again (kod CODE N) */
let kisses = Infinity;

/** RFC 5905 s7.3: the header's first byte, LI 3 (unsynchronized), version 4, mode 4 (server) */
const KOD_FIRST = (3 << 6) | (4 << 3) | 4;
/** RFC 5905 s7.3: the transmit timestamp's offset, and the origin's where an answer echoes it */
const TRANSMIT = 40;
const ORIGIN = 24;

function kod(req: Buffer) {
  const b = Buffer.alloc(48);
  b[0] = KOD_FIRST;
  b.write(kiss.padEnd(4, "\0").slice(0, 4), 12, "latin1");
  if (req.length >= 48) req.copy(b, ORIGIN, TRANSMIT, TRANSMIT + 8);
  return b;
}

function rubbish(req: Buffer) {
  const kind = Math.floor(rand() * 4);
  const b = Buffer.alloc(kind == 0 ? 0 : kind == 1 ? 1 + Math.floor(rand() * 47) : 48);
  for (let i = 0; i < b.length; i++) b[i] = Math.floor(rand() * 256);
  // a well-formed server answer but for its origin: what a stale or forged reply looks like
  if (kind == 3) {
    b[0] = (0 << 6) | (4 << 3) | 4;
    b[1] = 2;
  }
  return b;
}

for (const pair of pairs) {
  const [listen, target] = pair.split(":").map(Number);
  const front = createSocket("udp4");
  // one socket to the server per client address, so answers find their way back
  const backs = new Map<string, ReturnType<typeof createSocket>>();
  front.on("message", (msg, from) => {
    if (mode == "silent") return;
    if (mode == "kod" && kisses-- > 0) return front.send(kod(msg), from.port, from.address);
    if (mode == "kod") mode = "pass";
    if (mode == "garbage") return front.send(rubbish(msg), from.port, from.address);
    if (mode == "empty") return front.send(Buffer.alloc(0), from.port, from.address);
    const key = from.address + ":" + from.port;
    let back = backs.get(key);
    if (!back) {
      const made = createSocket("udp4");
      made.on("message", (answer) => {
        // an answer that comes back after the relay turned bad is lost with the server
        if (mode == "pass") front.send(answer, from.port, from.address);
      });
      made.bind(0, "127.0.0.1");
      backs.set(key, made);
      // (bounded: a device has a few source ports over a soak, each socket closed after a minute)
      setTimeout(() => (made.close(), backs.delete(key)), 60000).unref();
      back = made;
    }
    back.send(msg, target, "127.0.0.1");
  });
  front.bind(listen, "127.0.0.1");
}

createInterface({ input: process.stdin }).on("line", (line) => {
  const [m, code, n] = line.trim().split(/\s+/);
  if (!["pass", "silent", "kod", "garbage", "empty"].includes(m)) return console.log("unknown " + line);
  mode = m;
  if (code) kiss = code;
  kisses = n ? +n : Infinity;
  console.log("ok " + line.trim());
});
process.stdin.on("end", () => process.exit(0));
console.log("ready");
