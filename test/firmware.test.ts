// The clock app's schedule, on a virtual clock: hours of device time in milliseconds.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildImage, loadConfig } from "../build.mjs";
import { decode, encode } from "../lib/packet";
import { unixToNtp } from "../lib/timestamp";
import { EspruinoVm } from "./helpers/espruino-vm";

// a day after the build date, which no server time may precede
const START = Math.floor(Date.now() / 1000) + 86400;

/** An Espruino-style dgram module whose "server" answers on the virtual clock, 10 ms later. */
function virtualServer(dev: () => EspruinoVm, starts: number[], offset: number) {
  return {
    createSocket: () => {
      let onMessage: ((msg: string, rinfo: object) => void) | null = null;
      return {
        on: (ev: string, fn: any) => ev == "message" && (onMessage = fn),
        send: (msg: string, port: number, address: string) => {
          assert.type(msg, "string", "the device sends binary strings");
          const vm = dev();
          const b = Uint8Array.from(msg, (c) => c.charCodeAt(0));
          if (!starts.length || vm.clock!.t - starts[starts.length - 1] > 5) starts.push(vm.clock!.t);
          const nonce = decode(b).xmit;
          const now = unixToNtp(vm.clock!.t + 0.005 + offset);
          const reply = encode({ leap: 0, version: 4, mode: 4, stratum: 1, poll: 0, precision: -20, rootDelay: 0, rootDisp: 0, refid: 0x47505300, ref: now, orig: nonce, recv: now, xmit: now });
          vm.clock!.after(() => onMessage && onMessage(String.fromCharCode(...reply), { address, port, size: 48 }), 10);
        },
        close: () => {},
      };
    },
  };
}

/** Moves virtual time in 250 ms steps, letting Promise callbacks (settime().then) run between. */
async function advance(dev: EspruinoVm, ms: number) {
  for (let t = 0; t < ms; t += 250) {
    dev.clock!.advance(250);
    await new Promise((r) => setImmediate(r));
  }
}

test("resyncs never closer than 15 s apart, even with poll set to 1 s", async () => {
  const starts: number[] = [];
  let dev: EspruinoVm;
  dev = new EspruinoVm({ virtual: true, clockStart: START, modules: { dgram: virtualServer(() => dev, starts, 0) } });
  dev.load(await buildImage({ board: "linux", config: loadConfig(undefined, { host: "127.0.0.1:11123", poll: 1, console: false }) }), "linux.js");
  await advance(dev, 3600 * 1000);
  dev.dispose();
  assert.match(dev.lines[0], /poll 15 s/);
  assert.ok(starts.length > 200, `only ${starts.length} syncs in an hour`);
  for (let i = 1; i < starts.length; i++) assert.ok(starts[i] - starts[i - 1] >= 15, `syncs ${starts[i] - starts[i - 1]} s apart`);
});

test("the default schedule: one sync at boot, then every 64 s", async () => {
  const starts: number[] = [];
  let dev: EspruinoVm;
  dev = new EspruinoVm({ virtual: true, clockStart: START, modules: { dgram: virtualServer(() => dev, starts, 0) } });
  dev.load(await buildImage({ board: "linux", config: loadConfig(undefined, { host: "127.0.0.1:11123", console: false }) }), "linux.js");
  await advance(dev, 600 * 1000);
  dev.dispose();
  const gaps = starts.slice(1).map((t, i) => Math.round(t - starts[i]));
  assert.ok(gaps.length >= 8, String(gaps));
  // 64 s after the previous sync ended: a burst of 4 takes about 1.5 s
  for (const g of gaps) assert.ok(g >= 64 && g <= 67, String(gaps));
  assert.is(dev.lines.filter((l) => /^ntptime: .* stratum 1 /.test(l)).length, starts.length);
});

/** The console clock lines ("YYYY-MM-DD hh:mm:ss UTC+h") of a device booted at `start` with zone `tz`, over `seconds`. */
async function consoleAcross(tz: string | number, start: number, seconds: number) {
  let dev: EspruinoVm;
  dev = new EspruinoVm({ virtual: true, clockStart: start, modules: { dgram: virtualServer(() => dev, [], 0) } });
  dev.load(await buildImage({ board: "linux", config: loadConfig(undefined, { host: "127.0.0.1:11123", tz }) }), "linux.js");
  await advance(dev, seconds * 1000);
  dev.dispose();
  return { dev, ticks: dev.lines.filter((l) => /^\d{4}-/.test(l)) };
}

const CET = "CET-1CEST,M3.5.0,M10.5.0/3";

test("Berlin across the spring change: 01:59:59 UTC+1 is followed by 03:00:00 UTC+2", async () => {
  // 2027-03-28 01:00 UTC is the last Sunday of March, 02:00 CET
  const { dev, ticks } = await consoleAcross(CET, Date.UTC(2027, 2, 28, 0, 59, 50) / 1000, 20);
  assert.equal(dev.dst, [[60, 60, 4, 0, 2, 0, 120, 4, 0, 9, 0, 180]]);
  assert.ok(ticks.some((l) => /^2027-03-28 01:59:5\d UTC\+1$/.test(l)), ticks.join("\n"));
  assert.ok(ticks.some((l) => /^2027-03-28 03:00:0\d UTC\+2$/.test(l)), ticks.join("\n"));
  assert.not.ok(ticks.some((l) => / 02:\d\d:\d\d/.test(l)), "02:xx does not exist that night");
  assert.equal(Array.from(dev.eval("ntptime.localtime(" + Date.UTC(2027, 2, 28, 1, 30) / 1000 + ").slice(0, 6)")), [2027, 3, 28, 3, 30, 0]);
});

test("Berlin across the autumn change: 02:59:59 UTC+2 is followed by 02:00:00 UTC+1", async () => {
  const { ticks } = await consoleAcross(CET, Date.UTC(2027, 9, 31, 0, 59, 50) / 1000, 20);
  assert.ok(ticks.some((l) => /^2027-10-31 02:59:5\d UTC\+2$/.test(l)), ticks.join("\n"));
  assert.ok(ticks.some((l) => /^2027-10-31 02:00:0\d UTC\+1$/.test(l)), ticks.join("\n"));
});

test("New York and fixed zones: E.setDST for rules, E.setTimeZone for hours, half hours shown", async () => {
  const ny = await consoleAcross("EST5EDT,M3.2.0,M11.1.0", Date.UTC(2027, 2, 14, 6, 59, 55) / 1000, 10);
  assert.ok(ny.ticks.some((l) => /^2027-03-14 01:59:5\d UTC-5$/.test(l)), ny.ticks.join("\n"));
  assert.ok(ny.ticks.some((l) => /^2027-03-14 03:00:0\d UTC-4$/.test(l)), ny.ticks.join("\n"));
  const india = await consoleAcross("IST-5:30", START, 3);
  assert.equal(india.dev.zones, [5.5]);
  assert.equal(india.dev.dst, []);
  assert.ok(india.ticks.every((l) => l.includes(" UTC+5:30")), india.ticks.join("\n"));
  const hours = await consoleAcross(8, START, 3);
  assert.equal(hours.dev.zones, [8]);
});

test("a tz the device cannot follow is refused by the build, naming the forms it takes", async () => {
  let err = "";
  await buildImage({ board: "linux", config: loadConfig(undefined, { tz: "EST5EDT,J60,J300" }) }).catch((e) => (err = String(e)));
  assert.match(err, /tz "EST5EDT,J60,J300" is neither hours/);
});

test.run();
