import { createSocket } from "node:dgram";
import { lookup } from "node:dns";
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { readFileSync, writeFileSync } from "node:fs";
import { isIpLiteral } from "../lib/host";
import { Board } from "./board";

/**
 * A simulated device on Node: real UDP on the machine, a simulated RTC. The RTC starts as an
 * ESP8266 does after power-on (near 1970) unless NTPTIME_RTC names a start: "host" for the
 * machine's time, or Unix seconds. setTime moves only this simulated clock, never the machine's.
 */
const start = process.env.NTPTIME_RTC;
let base = (start == "host" ? Date.now() / 1000 : Number(start) || 0) - performance.now() / 1000;
const now = () => base + performance.now() / 1000;

/** Storage stand-in: the file NTPTIME_STORE names (a reboot is running the image again), else memory. */
const file = process.env.NTPTIME_STORE;
let kept: string | undefined;
const read = () => {
  if (!file) return kept;
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
};

export const board: Board = {
  name: "host",
  device: {
    net: {
      resolve: (name, cb) =>
        isIpLiteral(name) ? cb(name) : lookup(name, { family: 4 }, (err, ip) => cb(err ? null : ip)),
      open: (onDatagram, onError) => {
        const sock = createSocket("udp4");
        sock.on("message", (msg, rinfo) => {
          const t4 = now();
          onDatagram(new Uint8Array(msg), rinfo.address, rinfo.port, t4);
        });
        sock.on("error", () => onError("socket"));
        return {
          send: (b, ip, port) => sock.send(b, port, ip),
          close: () => sock.close(),
        };
      },
    },
    clock: now,
    setTime: (t) => {
      base = t - performance.now() / 1000;
    },
    after: (fn, ms) => setTimeout(fn, ms),
    cancel: (id) => clearTimeout(id as any),
    rand: () => randomBytes(4).readUInt32BE(0),
    id: randomBytes(3).readUIntBE(0, 3),
    log: (line) => console.log(line),
    setZone: () => {},
  },
  up: (cb) => cb(""),
  store: {
    read: read,
    write: (text) => (file ? writeFileSync(file, text) : (kept = text)),
    // (the damaged record, beside the file)
    aside: (text) => file && writeFileSync(file + ".bad", text),
  },
  onBoot: () => {},
  // Espruino gives every object on() and emit(), emit calling listeners from the idle loop; Node does not.
  events: (ntptime: any) => {
    const on: Record<string, ((...a: unknown[]) => void)[]> = {};
    ntptime.on = (ev: string, fn: (...a: unknown[]) => void) => (on[ev] = on[ev] || []).push(fn);
    ntptime.emit = function (ev: string) {
      const a = Array.prototype.slice.call(arguments, 1);
      setImmediate(() => (on[ev] || []).forEach((fn) => fn.apply(null, a)));
    };
  },
};
