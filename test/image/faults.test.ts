// Fault injection on the virtual clock: the esp8266 clock image, a crystal 30 ppm fast, a
// server on the virtual network, and faults switched on and off by the hour: DNS failure,
// 100% loss, 50% loss, the network dropping in the middle of a sync, socket errors, sends
// that throw. Through each, every failed round names its reason, the clock is never set by
// one, it keeps ticking on its last good time (the drift holdover), and the next good round
// after the fault recovers, each network loss counted once in status().faults. And a timer's
// callback cut short by a moment without memory (the imitation's cutTimer), whose id the tick
// takes next, as Espruino hands ids on; and the tick itself cut short before it armed the next.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildImage, loadConfig } from "../../build.mjs";
import { EspruinoVm } from "../helpers/espruino-vm";
import { advance, virtualServer } from "../helpers/virtual-server";

const START = Math.floor(Date.now() / 1000) + 86400;
const HOUR = 3600;

type Fault = "none" | "dns" | "loss100" | "loss50" | "drop" | "socket" | "throw";

/** The hours of the run and what each does to the network. */
const PLAN: Fault[] = ["none", "none", "dns", "none", "loss100", "none", "loss50", "none", "drop", "none", "socket", "none", "throw", "none"];

test("faults by the hour: named reasons, the clock never set by a failed round, held within 10 ms, and recovered after each", async () => {
  let fault: Fault = "none";
  let dev: EspruinoVm;
  let seed = 99;
  const lossy = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) % 2 == 0;
  // requests within a round so far, to drop the network after the first
  let inRound = 0;
  let last = 0;
  const server = virtualServer(() => dev, [], 0, (t) => {
    if (t - last > 12) inRound = 0;
    last = t;
    inRound++;
    return fault == "loss100" || fault == "socket" || (fault == "loss50" && lossy()) || (fault == "drop" && inRound > 1) ? "silent" : "ok";
  });
  const dgram = {
    createSocket: () => {
      const s = server.createSocket();
      const heard: Record<string, () => void> = {};
      return {
        on: (ev: string, fn: any) => (ev == "error" || ev == "close" ? (heard[ev] = fn) : s.on(ev, fn)),
        send: (msg: string, port: number, address: string) => {
          if (fault == "throw") throw new Error("Unable to send: not connected");
          s.send(msg, port, address);
          // the socket reports the network gone: at once, or (drop) once a round's first exchange
          // is done; its error, then its close, as Espruino's socketserver.c does
          if (fault == "socket" || (fault == "drop" && inRound > 1))
            dev.clock!.after(() => {
              if (heard.error) heard.error();
              if (heard.close) heard.close();
            }, 10);
        },
        close: () => s.close(),
      };
    },
  };
  const wifi = {
    connect: (ssid: string, o: unknown, cb: (err: string | null) => void) => dev.clock!.after(() => cb(null), 5),
    getHostByName: (name: string, cb: (ip?: string) => void) => dev.clock!.after(() => cb(fault == "dns" ? undefined : "192.0.2.1"), 5),
  };
  dev = new EspruinoVm({ virtual: true, ppm: 30, clockStart: START, modules: { dgram, Wifi: wifi } });
  dev.load(await buildImage({ board: "esp8266", config: loadConfig(undefined, { host: "time.test", console: false, wifi: { ssid: "lab" } }) }), "esp8266.js");
  dev.eval('ntptime.on("sync", function (o) { global.faultLog.push(["sync", o.good, ""]); }); ntptime.on("error", function (o) { global.faultLog.push(["error", 0, o.reason]); }); ' +
    'ntptime.on("step", function (was, now) { global.faultLog.push(["step", now - was, ""]); });');
  (dev.context as any).faultLog = [];
  const perHour: { fault: Fault; reasons: string[]; ok: number; good: number[]; steps: number; worst: number }[] = [];
  for (const f of PLAN) {
    fault = f;
    const log = (dev.context as any).faultLog as [string, number, string][];
    const from = log.length;
    let worst = 0;
    // an hour in 10 s steps, watching the clock against the truth
    for (let s = 0; s < HOUR; s += 10) {
      await advance(dev, 10000);
      worst = Math.max(worst, Math.abs(dev.clock!.t - dev.clock!.truth()));
    }
    const got = log.slice(from);
    const syncs = got.filter((e) => e[0] == "sync");
    perHour.push({ fault: f, reasons: [...new Set(got.filter((e) => e[0] == "error").map((e) => e[2]))], ok: syncs.length, good: syncs.map((e) => e[1]), steps: got.filter((e) => e[0] == "step").length, worst });
  }
  const faults = dev.eval("ntptime.status().faults");
  const told = dev.lines.filter((l) => /^ntptime: (fault|recovered)/.test(l));
  dev.dispose();
  // each hour without the network is one network fault, told once and recovered from once;
  // nothing else went wrong (no round stalled, no schedule lost)
  assert.equal([faults.network, faults.memory, faults.stalled, faults.storage], [4, 0, 0, 0], JSON.stringify(faults));
  assert.equal(told.map((l) => l.split(",")[0]), ["fault: network", "recovered from the network fault", "fault: network", "recovered from the network fault", "fault: network", "recovered from the network fault", "fault: network", "recovered from the network fault"].map((l) => "ntptime: " + l), told.join("\n"));
  console.log("  " + perHour.map((h) => `${h.fault}: ${h.ok} ok, failed ${h.reasons.join("/") || "-"}, worst ${(h.worst * 1000).toFixed(2)} ms`).join("; "));
  const hour = (i: number) => perHour[i];
  // the first hour syncs (and steps the clock once: the device starts on the build date's time, in step with the server)
  assert.ok(hour(0).ok >= 2);
  const expect: Partial<Record<Fault, string[]>> = { dns: ["dns"], loss100: ["timeout"], socket: ["socket"], throw: ["send"] };
  PLAN.forEach((f, i) => {
    const h = hour(i);
    if (expect[f]) {
      assert.is(h.ok, 0, `${f}: no round succeeds`);
      assert.ok(h.reasons.length > 0, `${f}: rounds fail`);
      assert.equal(h.reasons, expect[f], `${f}: ${h.reasons}`);
    }
    if (f == "loss50") assert.ok(h.ok >= 1, "50% loss: the retries still get samples through");
    // dropped after the first exchange of each round: the round ends ("socket") with the one sample it has
    if (f == "drop") assert.ok(h.ok >= 1 && h.good.every((g) => g == 1) && !h.reasons.length, `drop: ${h.good} ${h.reasons}`);
    // (the clock is stepped only in the first hour: the device starts on the build date's time)
    if (i > 0) assert.is(h.steps, 0, `${f}: a step`);
    // after each fault hour, the network is back and a round succeeds within the hour
    if (f == "none" && i > 0) assert.ok(h.ok >= 1, `hour ${i}: no recovery after ${PLAN[i - 1]}`);
    // the crystal is 30 ppm fast: the holdover keeps it within 10 ms of the truth through an hour without a sync
    if (i > 0) assert.ok(h.worst < 0.01, `hour ${i} (${f}): ${h.worst * 1000} ms off`);
  });
});

/** The esp8266 image on the virtual clock, its server at 192.0.2.1 answering well; `before` runs before the image loads. */
async function clockVm(config: Record<string, unknown>, before?: (dev: EspruinoVm) => void) {
  const server = virtualServer(() => dev, [], 0);
  const wifi = {
    connect: (ssid: string, o: unknown, cb: (err: string | null) => void) => dev.clock!.after(() => cb(null), 5),
    getHostByName: (name: string, cb: (ip?: string) => void) => dev.clock!.after(() => cb("192.0.2.1"), 5),
  };
  const dev = new EspruinoVm({ virtual: true, clockStart: START, modules: { dgram: server, Wifi: wifi } });
  if (before) before(dev);
  dev.load(await buildImage({ board: "esp8266", config: loadConfig(undefined, { host: "time.test", poll: 15, maxPoll: 15, wifi: { ssid: "lab" }, ...config }) }), "esp8266.js");
  return dev;
}

test("a timer's callback cut short by a moment without memory never forgot its id, which the tick took next: the supervisor's end of the round cancels no timer but the round's, the tick goes on and the next round syncs", async () => {
  const GAP = 137;
  const dev = await clockVm({ console: true, gap: GAP });
  await advance(dev, 20000);
  assert.ok(dev.lines.some((l) => /^ntptime: .* offset /.test(l)), "synced once");
  // the burst's next request, due GAP ms after a reply: its timer the newest, its id the next tick's
  dev.cutTimer(GAP);
  const from = dev.lines.length;
  await advance(dev, 60000);
  const after = dev.lines.slice(from);
  dev.dispose();
  const ended = after.findIndex((l) => /^ntptime: fault: memory, out of memory in exchange/.test(l));
  assert.ok(ended >= 0, after.join("\n"));
  // the faces still change every second, and the schedule syncs again
  assert.ok(after.slice(ended).filter((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(l)).length > 30, after.slice(-5).join("\n"));
  assert.ok(after.slice(ended).some((l) => /^ntptime: .* offset /.test(l)), after.slice(ended).join("\n"));
});

test("the tick cut short before it armed its successor (its first statement, out of memory): the backstop, itself made again after a call of its own was cut short, arms it again within two of its periods, and once only; the schedule syncs on", async () => {
  // the backstop's first call cut short too: Espruino drops the interval, and the tick makes it again
  const dev = await clockVm({ console: true }, (d) => d.cutTimer(2000));
  await advance(dev, 20000);
  assert.ok(dev.lines.some((l) => /^ntptime: .* offset /.test(l)), "synced once");
  // a second after a round: the next tick's timer, 1 s after this one's, is the one armed with a second's delay
  const from = dev.lines.length;
  dev.cutTimer(1000);
  await advance(dev, 60000);
  const after = dev.lines.slice(from);
  dev.dispose();
  const faces = after.filter((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(l)).map((l) => Date.parse(l.slice(0, 19) + "Z") / 1000);
  const gaps = faces.slice(1).map((t, i) => t - faces[i]);
  // one gap, within two of the backstop's periods (2 s: the tick may have counted a beat in the
  // first), and never two faces in one second (a second tick armed)
  assert.is(gaps.filter((g) => g > 1).length, 1, "gaps: " + gaps.join(" "));
  assert.ok(Math.max(...gaps) <= 5, "gaps: " + gaps.join(" "));
  assert.is(gaps.filter((g) => g < 1).length, 0, "gaps: " + gaps.join(" "));
  assert.ok(faces.length > 50, `${faces.length} faces in 60 s`);
  assert.ok(after.filter((l) => /^ntptime: .* offset /.test(l)).length >= 3, after.join("\n"));
});

test("no timer is cancelled with clearTimeout, whose own arguments, when memory runs out as they are made, clear every timer on the device: the board takes the timer out of Espruino's array", async () => {
  const calls: unknown[] = [];
  const dev = await clockVm({ console: false }, (d) => {
    const ctx = d.context as any;
    const clear = ctx.clearTimeout;
    ctx.clearTimeout = ctx.clearInterval = (...a: unknown[]) => (calls.push(a[0]), clear(...a));
  });
  await advance(dev, 120000);
  const synced = dev.lines.filter((l) => /^ntptime: .* offset /.test(l)).length;
  dev.dispose();
  // (each round's burst disarms its timers: a reply's, a retry's)
  assert.ok(synced >= 6, `${synced} rounds synced`);
  assert.equal(calls, [], "clearTimeout called with " + calls.join(", "));
});

test.run();
