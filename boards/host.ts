import { createSocket } from "node:dgram";
import { lookup } from "node:dns";
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isIpLiteral } from "../lib/host";
import { deviceOffset } from "../lib/tz";
import { civil } from "../lib/calendar";
import { Board } from "./board";

/**
 * A simulated device on Node: real UDP on the machine, a simulated RTC. The RTC starts as an
 * ESP8266 does after power-on (near 1970) unless NTPTIME_RTC names a start: "host" for the
 * machine's time, or Unix seconds. setTime moves only this simulated clock, never the machine's.
 */
const start = process.env.NTPTIME_RTC;
let base = (start == "host" ? Date.now() / 1000 : Number(start) || 0) - performance.now() / 1000;
const now = () => base + performance.now() / 1000;

/**
 * Storage stand-in: files by their Storage names in the folder NTPTIME_STORE names (a reboot
 * is running the image again), else in memory.
 */
const dir = process.env.NTPTIME_STORE;
const kept: Record<string, string> = {};
const read = (name: string) => {
  if (!dir) return kept[name];
  try {
    return readFileSync(join(dir, name), "utf8");
  } catch {
    return undefined;
  }
};

/** What setZone/setDst were last given, as E.setTimeZone and E.setDST set Espruino's Date: Node's Date keeps the machine's. */
let hours = 0;
let dst: number[] | undefined;

export const board: Board = {
  name: "host",
  dev: {
    net: {
      lookup: (name, cb) =>
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
    setNow: (t) => {
      base = t - performance.now() / 1000;
    },
    after: (fn, ms) => setTimeout(fn, ms),
    // (Node's timer ids are never reused: fn is not needed to tell them apart)
    disarm: (id) => clearTimeout(id as any),
    interval: (fn, ms) => setInterval(fn, ms),
    rand: () => randomBytes(4).readUInt32BE(0),
    id: randomBytes(3).readUIntBE(0, 3),
    log: (line) => console.log(line),
    setZone: (h) => {
      hours = h;
    },
    // (arguments, not a rest parameter: the dialect gate holds the host image to the device's language too)
    setDst: function () {
      dst = Array.prototype.slice.call(arguments);
    },
    local: (t) => {
      const m = deviceOffset(hours, dst, t);
      const c = civil(t + m * 60);
      c[7] = m;
      return c;
    },
  },
  up: (cb) => cb(""),
  store: {
    read: read,
    write: (name, text) => (dir ? writeFileSync(join(dir, name), text) : (kept[name] = text)),
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
