// A small SNTP server on loopback for `npm start` and tests (RFC 4330 s6 answers): it serves
// the machine's time plus a chosen offset. Not a product: the GPS server is a firmware app.
import { createSocket } from "node:dgram";
import { performance } from "node:perf_hooks";

const NTP_UNIX_OFFSET = 2208988800; // RFC 5905 s6
const TWO32 = 4294967296;
const origin = Date.now() / 1000 - performance.now() / 1000;

function put(b, o, unix) {
  const s = Math.floor(unix);
  b.writeUInt32BE((s + NTP_UNIX_OFFSET) >>> 0, o);
  b.writeUInt32BE(((unix - s) * TWO32) >>> 0, o + 4);
}

/** @typedef {{ port: number; requests: number; close(): Promise<void> }} NtpServer */

/**
 * Starts a server on 127.0.0.1 (port 0: any free one). Resolves { port, close(), requests }.
 * @param {{ port?: number; offset?: number; host?: string }} [o]
 * @returns {Promise<NtpServer>}
 */
export function startNtpServer({ port = 0, offset = 0, host = "127.0.0.1" } = {}) {
  const sock = createSocket("udp4");
  const state = { port: 0, requests: 0, close: () => new Promise((r) => sock.close(r)) };
  sock.on("message", (req, rinfo) => {
    const t2 = origin + performance.now() / 1000 + offset;
    if (req.length < 48 || (req[0] & 7) != 3) return;
    state.requests++;
    const b = Buffer.alloc(48);
    b[0] = (req[0] & 0x38) | 4; // LI 0, the request's version, mode 4
    b[1] = 1; // stratum 1
    b[2] = req[2];
    b[3] = 0xec; // precision 2^-20
    b.write("SIM\0", 12, "latin1");
    put(b, 16, Math.floor(t2));
    req.copy(b, 24, 40, 48); // originate = the request's transmit (RFC 4330 s5)
    put(b, 32, t2);
    put(b, 40, origin + performance.now() / 1000 + offset);
    sock.send(b, rinfo.port, rinfo.address);
  });
  return new Promise((resolve, reject) => {
    sock.once("error", reject);
    sock.bind(port, host, () => {
      state.port = sock.address().port;
      resolve(state);
    });
  });
}
