// A flood of SNTP clients on loopback: `clients` sockets, each from an address of its own
// (127.0.1.1, 127.0.1.2, ...: all of 127/8 is the loopback), each sending a request every
// `every` ms for `seconds` s, half of them 48 bytes and half 80 (a header and an extension
// field's room; a tail of 20 or 24 bytes would be a MAC, checked before any answer).
// Prints one JSON line: requests sent, replies, Kiss-o'-Death RATE replies, and the largest
// reply relative to its request (bytes). Bounded: it stops after `seconds` + 1 s whatever happens.
//   node --import ./tools/ts-register.mjs test/helpers/flood.ts PORT [clients] [seconds] [every]
import { createSocket, Socket } from "node:dgram";
import { request } from "../../lib/request";

const [port, clients = 200, seconds = 10, every = 200] = process.argv.slice(2).map(Number);
let sent = 0;
let replies = 0;
let kisses = 0;
let oversize = -Infinity;
const sockets: Socket[] = [];
for (let c = 0; c < clients; c++) {
  const s = createSocket("udp4");
  const size = c % 2 ? 80 : 48;
  s.on("message", (m) => {
    replies++;
    if (m.length >= 16 && m[1] == 0 && m.toString("latin1", 12, 16) == "RATE") kisses++;
    oversize = Math.max(oversize, m.length - size);
  });
  s.bind(0, `127.0.${1 + (c >> 8)}.${1 + (c & 255)}`, () => {
    let n = 0;
    const timer = setInterval(() => {
      if (++n > (seconds * 1000) / every) return clearInterval(timer);
      const q = new Uint8Array(size);
      q.set(request({ sec: 0xe1000000 + c, frac: n }));
      s.send(q, port, "127.0.0.1");
      sent++;
    }, every);
  });
  sockets.push(s);
}
setTimeout(() => {
  for (const s of sockets) s.close();
  console.log(JSON.stringify({ sent, replies, kisses, oversize }));
}, (seconds + 1) * 1000);
