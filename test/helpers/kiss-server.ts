// A server that answers every SNTP request with a Kiss-o'-Death (RFC 5905 s7.4): stratum 0,
// LI 3, the code as refid. It prints "REQUEST n" for each request and "LISTENING" once bound,
// so a test in another network namespace can count what reached it. Bounded: it exits after
// `seconds`.   node --import ./tools/ts-register.mjs test/helpers/kiss-server.ts PORT CODE SECONDS
import { createSocket } from "node:dgram";
import { decode } from "../../lib/packet";
import { stratumOneReply } from "./golden";
import { realtime } from "./realtime";

const [port, code = "DENY", seconds = "60"] = process.argv.slice(2);
const sock = createSocket("udp4");
let n = 0;
sock.on("message", (m, r) => {
  console.log("REQUEST " + ++n);
  const q = decode(new Uint8Array(m));
  if (!q) return;
  sock.send(stratumOneReply(q.xmit, realtime(), { leap: 3, stratum: 0, refid: Buffer.from(code).readUInt32BE(0) }), r.port, r.address);
});
sock.bind(+port, "127.0.0.1", () => console.log("LISTENING"));
setTimeout(() => process.exit(0), +seconds * 1000);
