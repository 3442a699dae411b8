// A reader of a device's clock over UDP, run inside the device's network namespace
// (bench/device.ts):
//   node --import ./tools/ts-register.mjs bench/probe-main.ts PORT
// at each line "probe" on its standard input it sends a datagram to 127.0.0.1:PORT, where the
// device answers with its getTime() (PROBE_RESPONDER), and prints "probe SENT GOT DEVICE":
// this machine's time of day when it sent and when the answer came (seconds, to the
// microsecond), and the device's reading, which lies between; "probe lost" after 500 ms.
// The console cannot bracket a clock as closely: the Linux build reads its standard input
// every 50 ms, and its UDP as soon as its loop runs.
import { createSocket } from "node:dgram";
import { createInterface } from "node:readline";

/** where Date.now()'s millisecond last turned over, on performance.now()'s scale */
let turned = -Infinity;
let turnedAt = 0;
/**
 * This machine's time of day (the clock the interpreter and chronyd read), in seconds to the
 * microsecond: Date.now() has milliseconds only, performance.now() microseconds on a scale of
 * its own; the two are tied at the moment Date.now()'s millisecond turns over, found again
 * every second, since the machine's own time service may be slewing its clock.
 */
export function machineTime(): number {
  if (performance.now() - turned > 1000) {
    const was = Date.now();
    // (at most a millisecond's wait)
    for (let i = 0; i < 1e7 && Date.now() == was; i++);
    turned = performance.now();
    turnedAt = Date.now();
  }
  return (turnedAt + performance.now() - turned) / 1000;
}

/** What the device is told at its REPL to answer the probes: one socket, the bench's instrument and not the image's. */
export const PROBE_RESPONDER = (port: number) =>
  `(function(){var s=require("dgram").createSocket("udp4");s.on("message",function(m,r){s.send(getTime().toFixed(6),r.port,r.address);});s.bind(${port});})()`;

if (process.argv[1] && process.argv[1].endsWith("probe-main.ts")) {
  const port = +process.argv[2];
  const sock = createSocket("udp4");
  await new Promise<void>((r) => sock.bind(0, "127.0.0.1", () => r()));
  let pending: ((m: Buffer) => void) | null = null;
  sock.on("message", (m) => {
    const got = machineTime();
    if (pending) pending(Object.assign(m, { got }));
  });
  console.log("ready");
  createInterface({ input: process.stdin }).on("line", (line) => {
    if (line.trim() != "probe") return;
    const timer = setTimeout(() => ((pending = null), console.log("probe lost")), 500);
    pending = (m) => {
      clearTimeout(timer);
      pending = null;
      console.log(`probe ${sent.toFixed(6)} ${(m as Buffer & { got: number }).got.toFixed(6)} ${m.toString()}`);
    };
    // (the reading of this machine's clock first: machineTime may wait up to a millisecond)
    const sent = machineTime();
    sock.send("?", port, "127.0.0.1");
  });
}
