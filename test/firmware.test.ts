// The clock app's schedule, on a virtual clock: hours of device time in milliseconds.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildImage, loadConfig } from "../build.mjs";
import { decode, encode } from "../lib/packet";
import { unixToNtp } from "../lib/timestamp";
import { EspruinoVm } from "./helpers/espruino-vm";

// a day after the build date, which no server time may precede
const START = Math.floor(Date.now() / 1000) + 86400;

/** How the virtual server treats a request at device time t: answer, stay silent, or a Kiss-o'-Death. */
type Behaviour = (t: number) => "ok" | "silent" | "RATE" | "DENY";

/** An Espruino-style dgram module whose "server" answers on the virtual clock, 10 ms later. */
function virtualServer(dev: () => EspruinoVm, starts: number[], offset: number, behave: Behaviour = () => "ok", requests: number[] = []) {
  return {
    createSocket: () => {
      let onMessage: ((msg: string, rinfo: object) => void) | null = null;
      return {
        on: (ev: string, fn: any) => ev == "message" && (onMessage = fn),
        send: (msg: string, port: number, address: string) => {
          assert.type(msg, "string", "the device sends binary strings");
          const vm = dev();
          const b = Uint8Array.from(msg, (c) => c.charCodeAt(0));
          // a new round: more than 12 s after the last request (a round's retries are at most 6 s apart; rounds at least 15 s)
          if (!requests.length || vm.clock!.t - requests[requests.length - 1] > 12) starts.push(vm.clock!.t);
          requests.push(vm.clock!.t);
          const how = behave(vm.clock!.t);
          if (how == "silent") return;
          const nonce = decode(b).xmit;
          const now = unixToNtp(vm.clock!.t + 0.005 + offset);
          const kod = how != "ok";
          const reply = encode({
            leap: kod ? 3 : 0, version: 4, mode: 4, stratum: kod ? 0 : 1, poll: 0, precision: -20, rootDelay: 0, rootDisp: 0,
            refid: kod ? Buffer.from(how).readUInt32BE(0) : 0x47505300, ref: now, orig: nonce, recv: now, xmit: now,
          });
          vm.clock!.after(() => onMessage && onMessage(String.fromCharCode(...reply), { address, port, size: 48 }), 10);
        },
        close: () => {},
      };
    },
  };
}

/** Moves virtual time from timer to timer, letting Promise callbacks (settime().then) run between. */
async function advance(dev: EspruinoVm, ms: number) {
  const clock = dev.clock!;
  const end = clock.t + ms / 1000;
  for (let guard = 0; guard < 1e6 && clock.t < end; guard++) {
    clock.advance(Math.max(0, Math.min(clock.nextDue(), end) - clock.t) * 1000);
    await new Promise((r) => setImmediate(r));
  }
}

function schedule(over: Record<string, unknown>, behave?: Behaviour) {
  const starts: number[] = [];
  const requests: number[] = [];
  let dev: EspruinoVm;
  dev = new EspruinoVm({ virtual: true, clockStart: START, modules: { dgram: virtualServer(() => dev, starts, 0, behave, requests) } });
  return { starts, requests, dev: () => dev, image: buildImage({ board: "linux", config: loadConfig(undefined, { host: "127.0.0.1:11123", console: false, ...over }) }) };
}

const gapsOf = (starts: number[]) => starts.slice(1).map((t, i) => Math.round(t - starts[i]));

test("resyncs never closer than 15 s apart, even with poll and maxPoll set to 1 s", async () => {
  const s = schedule({ poll: 1, maxPoll: 1 });
  s.dev().load(await s.image, "linux.js");
  await advance(s.dev(), 3600 * 1000);
  s.dev().dispose();
  assert.match(s.dev().lines[0], /poll 15-1 s/);
  assert.ok(s.starts.length > 200, `only ${s.starts.length} syncs in an hour`);
  for (const g of gapsOf(s.starts)) assert.ok(g >= 15, `syncs ${g} s apart`);
});

test("the default schedule: a random start within 5 s, then doubling from 64 s to 1024 s while the clock holds", async () => {
  // (the virtual server keeps time with the device, so every round finds the clock holding;
  // a step going back to 64 s is in poll.test.ts)
  const s = schedule({});
  s.dev().load(await s.image, "linux.js");
  await advance(s.dev(), 3 * 3600 * 1000);
  s.dev().dispose();
  assert.ok(s.starts[0] - START < 5, `first request ${s.starts[0] - START} s after boot`);
  const gaps = gapsOf(s.starts);
  // each interval counts from the end of the previous burst (about 1.5 s)
  assert.equal(gaps.slice(0, 8).map((g) => Math.round(g / 2) * 2), [130, 258, 514, 1026, 1026, 1026, 1026, 1026]);
  assert.is(s.dev().lines.filter((l) => /^ntptime: .* stratum 1 /.test(l)).length, s.starts.length);
});

test("a week on the virtual clock: backs off on silence and on RATE, stops asking after DENY, never under 15 s", async () => {
  const day = 86400;
  // day 1 good, day 2 silent, day 3 good, day 4 RATE, day 5 good, day 6 DENY
  const behave: Behaviour = (t) => ["ok", "silent", "ok", "RATE", "ok", "DENY"][Math.floor((t - START) / day)] as any;
  const s = schedule({}, behave);
  s.dev().load(await s.image, "linux.js");
  await advance(s.dev(), 7 * day * 1000);
  s.dev().dispose();
  const onDay = (d: number) => s.starts.filter((t) => t >= START + d * day && t < START + (d + 1) * day);
  for (const g of gapsOf(s.starts)) assert.ok(g >= 15, `rounds ${g} s apart`);
  // requests within one round: a burst 0.5 s apart, retries 1, 2, 4 s apart; never a flood
  for (let i = 1; i < s.requests.length; i++) assert.ok(s.requests[i] - s.requests[i - 1] >= 0.49, `requests ${s.requests[i] - s.requests[i - 1]} s apart`);
  // silence: rounds back off 64, 128 ... up to 1024 s, so about a day's worth at the cap
  const silent = gapsOf(onDay(1));
  assert.ok(silent.length < 100 && silent.slice(-5).every((g) => g >= 1024), String(silent.slice(0, 8)));
  // RATE: each round quadruples to the 1024 s cap at once
  assert.ok(gapsOf(onDay(3)).every((g) => g >= 1024), String(gapsOf(onDay(3)).slice(0, 8)));
  // DENY: asked once on day 6, never again
  assert.is(onDay(5).length, 1);
  assert.is(onDay(6).length, 0);
  const status = s.dev().eval("JSON.stringify(ntptime.status())");
  assert.match(status, /"denied":\{"127\.0\.0\.1:11123":"DENY"\}/);
  assert.ok(s.requests.length < 2500, `${s.requests.length} requests in a week`);
});

/** The console clock lines ("YYYY-MM-DD hh:mm:ss UTC+h") of a device booted at `start` with zone `tz`, over `seconds`. */
async function consoleAcross(tz: string | number, start: number, seconds: number) {
  let dev: EspruinoVm;
  dev = new EspruinoVm({ virtual: true, clockStart: start, modules: { dgram: virtualServer(() => dev, [], 0) } });
  dev.load(await buildImage({ board: "linux", config: loadConfig(undefined, { host: "127.0.0.1:11123", tz, startDelay: 0 }) }), "linux.js");
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
