// The clock app's schedule, on a virtual clock: hours of device time in milliseconds.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildImage, loadConfig } from "../../build.mjs";
import { EspruinoVm } from "../helpers/espruino-vm";
import { Behaviour, advance, virtualServer } from "../helpers/virtual-server";

// a day after the build date, which no server time may precede
const START = Math.floor(Date.now() / 1000) + 86400;

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

test("the default schedule: a start within 5 s, 64 s until the drift is known, then doubling to 1024 s while it holds", async () => {
  // (the virtual server keeps time with the device, so every round finds the estimate holding
  // once there is one: four syncs; a step going back to 64 s is in poll.test.ts)
  const s = schedule({});
  s.dev().load(await s.image, "linux.js");
  await advance(s.dev(), 3 * 3600 * 1000);
  s.dev().dispose();
  assert.ok(s.starts[0] - START < 5, `first request ${s.starts[0] - START} s after boot`);
  const gaps = gapsOf(s.starts);
  // rounds are the interval apart from start to start, whatever a burst took
  assert.equal(gaps.slice(0, 8), [64, 64, 64, 64, 128, 256, 512, 1024]);
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
  // 64+128+256+512 s to reach the cap, then 1024 s apart: about 80 rounds in the day
  assert.ok(silent.length >= 70 && silent.length < 100, `${silent.length} silent rounds`);
  assert.ok(silent.slice(-5).every((g) => g >= 1024), String(silent.slice(0, 8)));
  // RATE: each round quadruples to the 1024 s cap at once
  const rated = gapsOf(onDay(3));
  assert.ok(rated.length >= 70, `${rated.length} rounds on the RATE day`);
  assert.ok(rated.every((g) => g >= 1024), String(rated.slice(0, 8)));
  // DENY: asked once on day 6, never again
  assert.is(onDay(5).length, 1);
  assert.is(onDay(6).length, 0);
  const status = s.dev().eval("JSON.stringify(ntptime.status())");
  assert.match(status, /"denied":\{"127\.0\.0\.1:11123":"DENY"\}/);
  assert.ok(s.requests.length < 2500, `${s.requests.length} requests in a week`);
});

/** A device on the virtual clock with the given Storage files (shared with the device it "reboots"). */
async function device(over: Record<string, unknown>, storage: Record<string, string>, behave: Behaviour, clockStart = START) {
  let dev: EspruinoVm;
  dev = new EspruinoVm({ virtual: true, clockStart, storage, modules: { dgram: virtualServer(() => dev, [], 0, behave) } });
  dev.load(await buildImage({ board: "linux", config: loadConfig(undefined, { console: false, ...over }) }), "linux.js");
  return dev;
}

test("sethost, settime(hours) and a DENY survive a reboot; a reboot is E.on('init') after the boot code", async () => {
  const storage: Record<string, string> = {};
  const asked: string[] = [];
  const behave: Behaviour = (t, to) => (asked.push(to), to == "127.0.0.1:11123" ? "DENY" : "ok");
  const config = { host: "127.0.0.1:22123", servers: ["127.0.0.1:11123"], startDelay: 0 };
  const one = await device(config, storage, behave);
  await advance(one, 10 * 1000);
  assert.ok(asked.includes("127.0.0.1:11123") && asked.includes("127.0.0.1:22123"), asked.join());
  assert.is(one.eval("ntptime.sethost('127.0.0.1:33123')"), 0);
  assert.is(one.eval("ntptime.sethost('no such host!')"), 1);
  one.eval("ntptime.settime(8)");
  await advance(one, 10 * 1000);
  one.dispose();
  const rec = JSON.parse(storage["ntptime.json"]);
  // the record names the image that wrote it (its config)
  assert.match(rec.image, /^[0-9a-f]{8}$/);
  assert.equal({ ...rec, image: undefined }, { image: undefined, denied: { "127.0.0.1:11123": "DENY" }, host: "127.0.0.1:33123", tz: 8 });

  // Power on: the saved boot code runs, then the init handlers; one bring-up, one schedule.
  asked.length = 0;
  const two = await device(config, storage, behave, START + 3600);
  two.boot();
  await advance(two, 3 * 3600 * 1000);
  two.dispose();
  assert.is(two.eval("ntptime.host"), "127.0.0.1:33123");
  assert.equal(two.zones, [8]);
  assert.equal(Array.from(two.eval("ntptime.localtime(0).slice(3, 5)")), [8, 0]);
  assert.not.ok(asked.includes("127.0.0.1:11123"), "the DENY server was asked again after the reboot");
  assert.not.ok(asked.includes("127.0.0.1:22123"), "the replaced host was asked");
  // one schedule (two would double this): at once, 64 s apart four times while the drift is
  // learnt, then 128, 256 ... 1024 s apart: 17 rounds in 3 h
  const rounds = two.lines.filter((l) => /^ntptime: 1 of 1 servers answered/.test(l));
  assert.ok(rounds.length >= 16 && rounds.length <= 17, rounds.length + " rounds in 3 h");
  assert.is(asked.length, rounds.length * 4);
});

test("a new image flashed with a new host starts from its own config (said on the console); the DENY memory stays", async () => {
  const storage: Record<string, string> = {};
  const asked: string[] = [];
  const behave: Behaviour = (t, to) => (asked.push(to), to == "127.0.0.1:11123" ? "DENY" : "ok");
  const one = await device({ host: "127.0.0.1:22123", servers: ["127.0.0.1:11123"], startDelay: 0 }, storage, behave);
  await advance(one, 10 * 1000);
  assert.is(one.eval("ntptime.sethost('127.0.0.1:33123')"), 0);
  one.eval("ntptime.settime(8)");
  await advance(one, 10 * 1000);
  one.dispose();

  // the same config again (a reboot, or the same image reflashed): the REPL's settings hold
  const same = await device({ host: "127.0.0.1:22123", servers: ["127.0.0.1:11123"], startDelay: 0 }, storage, behave, START + 60);
  same.dispose();
  assert.is(same.eval("ntptime.host"), "127.0.0.1:33123");
  assert.is(same.eval("ntptime.tz"), 8);

  // a new image whose config names another host
  asked.length = 0;
  const two = await device({ host: "127.0.0.1:44123", servers: ["127.0.0.1:11123"], startDelay: 0 }, storage, behave, START + 3600);
  await advance(two, 10 * 1000);
  two.dispose();
  assert.is(two.eval("ntptime.host"), "127.0.0.1:44123");
  assert.is(two.eval("ntptime.tz"), 0);
  assert.ok(two.lines.includes("ntptime: saved host/tz are another image's; starting from the build config"), two.lines.join("\n"));
  assert.ok(asked.includes("127.0.0.1:44123"), asked.join());
  assert.not.ok(asked.includes("127.0.0.1:33123"), "the old image's host was asked");
  assert.not.ok(asked.includes("127.0.0.1:11123"), "the DENY server was asked again after the reflash");
});

test("a damaged ntptime.json (truncated, garbage, wrong types) is set aside with a console line; the build config rules", async () => {
  const damaged = [
    '{"host":"127.0.0.1:33123","tz":8,"den',
    "\u0000\u00ff garbage",
    "[1,2,3]",
    "42",
    '{"host":7}',
    '{"host":"no such host!"}',
    '{"tz":"8"}',
    '{"tz":true}',
    '{"tz":99}',
    '{"denied":["127.0.0.1:11123"]}',
    '{"denied":{"127.0.0.1:11123":1}}',
    '{"rate":-5}',
    '{"rate":"60"}',
    '{"image":{}}',
  ];
  for (const text of damaged) {
    const storage: Record<string, string> = { "ntptime.json": text };
    const asked: string[] = [];
    const dev = await device({ host: "127.0.0.1:22123", startDelay: 0 }, storage, (t, to) => (asked.push(to), "ok"));
    await advance(dev, 10 * 1000);
    dev.dispose();
    assert.ok(dev.lines.includes("ntptime: saved settings damaged, set aside as ntptime.bad; starting from the build config"), text + "\n" + dev.lines.join("\n"));
    assert.is(storage["ntptime.bad"], text);
    assert.is(dev.eval("ntptime.host"), "127.0.0.1:22123", text);
    assert.is(dev.eval("ntptime.tz"), 0, text);
    // (the build's zone is UTC: E.setTimeZone(0), never the record's 8)
    assert.ok(dev.zones.every((z) => z == 0), text);
    // and it syncs
    assert.ok(asked.includes("127.0.0.1:22123"), text);
    assert.ok(dev.lines.some((l) => /^ntptime: 127\.0\.0\.1:22123 .* stratum 1 /.test(l)), text);
  }
});

test("settime() at the REPL with servers configured runs the same choice: the falseticker is rejected", async () => {
  let dev: EspruinoVm;
  const falseticker = (t: number, to: string) => (to == "127.0.0.1:33123" ? 60 : 0.25);
  dev = new EspruinoVm({ virtual: true, clockStart: START, modules: { dgram: virtualServer(() => dev, [], falseticker) } });
  // the schedule's first round is far off: the REPL's settime() is the only round
  dev.load(await buildImage({ board: "linux", config: loadConfig(undefined, { host: "127.0.0.1:11123", servers: ["127.0.0.1:22123", "127.0.0.1:33123"], console: false, startDelay: 3600 }) }), "linux.js");
  await advance(dev, 100);
  const before = dev.clock!.t;
  dev.eval("ntptime.settime().then((r) => print('SETTIME ' + r))");
  await advance(dev, 10 * 1000);
  dev.dispose();
  const line = dev.lines.filter((l) => /^ntptime: /.test(l))[0];
  assert.match(line, /^ntptime: 3 of 3 servers answered, 2 agree, rejected 127\.0\.0\.1:33123 \(60\.\d+ s\), best 127\.0\.0\.1:(11|22)123 /);
  assert.ok(dev.lines.includes("SETTIME 0"), dev.lines.join("\n"));
  // the clock moved by the truechimers' 0.25 s, not toward the falseticker
  const moved = dev.clock!.t - before - 10.0001;
  assert.ok(Math.abs(moved - 0.25) < 0.05, `the clock moved ${moved} s`);
});

test("rounds run one at a time: a time() asked during settime()'s round answers busy, loading nothing; asked after it, it finds the clock set", async () => {
  let dev: EspruinoVm;
  const requests: number[] = [];
  dev = new EspruinoVm({ virtual: true, clockStart: START, modules: { dgram: virtualServer(() => dev, [], 0.25, undefined, requests) } });
  dev.load(await buildImage({ board: "linux", config: loadConfig(undefined, { host: "127.0.0.1:11123", servers: ["127.0.0.1:22123"], console: false, startDelay: 3600 }) }), "linux.js");
  await advance(dev, 100);
  dev.eval("ntptime.settime().then((r) => { print('SETTIME ' + r); ntptime.time().then((t) => print('TIME ' + (t - getTime()).toFixed(2))); }); ntptime.time().then(null, (e) => print('TIME ' + e.message))");
  await advance(dev, 20 * 1000);
  dev.dispose();
  // time() asked at once answers busy; asked after settime() stepped the clock by 0.25 s, it finds it right
  assert.ok(dev.lines.includes("TIME busy"), dev.lines.join("\n"));
  assert.ok(dev.lines.includes("SETTIME 0"), dev.lines.join("\n"));
  assert.ok(dev.lines.includes("TIME 0.00"), dev.lines.join("\n"));
  // two rounds of two servers, four requests each, one after the other
  assert.is(requests.length, 16);
  assert.is(dev.lines.filter((l) => /^ntptime: 2 of 2 servers answered/.test(l)).length, 1);
});

test("a RATE is remembered across a reboot: the first round after it waits the backed-off interval", async () => {
  const storage: Record<string, string> = {};
  let rate = true;
  const asked: number[] = [];
  const behave: Behaviour = (t) => (asked.push(t), rate ? "RATE" : "ok");
  const one = await device({ host: "127.0.0.1:11123" }, storage, behave);
  await advance(one, 30 * 1000);
  one.dispose();
  assert.is(JSON.parse(storage["ntptime.json"]).rate, 256);

  asked.length = 0;
  rate = false;
  const boot = START + 600;
  const two = await device({ host: "127.0.0.1:11123" }, storage, behave, boot);
  two.boot();
  await advance(two, 600 * 1000);
  two.dispose();
  assert.ok(asked[0] - boot >= 256 && asked[0] - boot < 260, `first request ${asked[0] - boot} s after the reboot`);
  // a round without RATE clears it
  assert.is(JSON.parse(storage["ntptime.json"]).rate, undefined);
});

test("a RATE mid-burst: the round syncs from the reply before it, and its line says the server asked to slow down and when the next round is", async () => {
  const asked: number[] = [];
  const dev = await device({ host: "127.0.0.1:11123", startDelay: 0 }, {}, (t) => (asked.push(t), asked.length == 2 ? "RATE" : "ok"));
  await advance(dev, 600 * 1000);
  dev.dispose();
  const line = dev.lines.find((l) => /^ntptime: .* stratum 1 /.test(l)) || dev.lines.join("\n");
  const m = /, (?:step|slew) \S+, server asked to slow down \(RATE\): next round in (\d+) s$/.exec(line);
  assert.ok(m, line);
  // the burst stopped at the kiss; the next request came when the line said
  assert.ok(Math.abs(asked[2] - asked[1] - +m![1]) < 2, `next request ${asked[2] - asked[1]} s after the kiss, the line said ${m![1]}`);
  assert.is(dev.lines.filter((l) => /RATE/.test(l)).length, 1);
});

test("a boot of a save()d image restarts the schedule once, with the RAM state kept", async () => {
  const asked: number[] = [];
  const dev = await device({ host: "127.0.0.1:11123" }, {}, (t) => (asked.push(t), "ok"));
  await advance(dev, 1000 * 1000);
  const before = asked.length;
  const at = dev.clock!.t;
  dev.boot();
  await advance(dev, 3000 * 1000);
  dev.dispose();
  const after = asked.slice(before);
  assert.ok(after[0] - at < 5.1, `first request ${after[0] - at} s after boot`);
  const starts = after.filter((t, i) => i % 4 == 0);
  // one chain, at the interval kept in RAM (the drift was known before the boot): 1024 s
  assert.ok(starts.length >= 3, `${starts.length} rounds after the boot`);
  assert.equal(gapsOf(starts), gapsOf(starts).map(() => 1024));
  assert.is(after.length % 4, 0);
});

test("events: sync with the result, step with old and new time, error on failure", async () => {
  let dev: EspruinoVm;
  let silent = false;
  dev = new EspruinoVm({ virtual: true, clockStart: START, modules: { dgram: virtualServer(() => dev, [], 100, () => (silent ? "silent" : "ok")) } });
  dev.load(await buildImage({ board: "linux", config: loadConfig(undefined, { host: "127.0.0.1:11123", console: false, startDelay: 0 }) }), "linux.js");
  dev.eval(`ntptime.on("sync", (o) => print("SYNC " + o.reason + " " + o.offset.toFixed(2)));
    ntptime.on("step", (was, now) => print("STEP " + (now - was).toFixed(2)));
    ntptime.on("error", (o) => print("ERROR " + o.reason));`);
  await advance(dev, 10 * 1000);
  assert.equal(dev.lines.filter((l) => /^(SYNC|STEP|ERROR)/.test(l)), ["STEP 100.00", "SYNC  100.00"]);
  await advance(dev, 100 * 1000);
  // the next round finds the clock right: a sync, no step
  assert.equal(dev.lines.filter((l) => /^(SYNC|STEP|ERROR)/.test(l)).slice(2), ["SYNC  0.00"]);
  silent = true;
  await advance(dev, 300 * 1000);
  dev.dispose();
  const errors = dev.lines.filter((l) => /^(SYNC|STEP|ERROR)/.test(l)).slice(3);
  assert.ok(errors.length >= 1 && errors.every((l) => l == "ERROR timeout"), errors.join());
});

/** The console clock lines ("YYYY-MM-DD hh:mm:ss UTC+h") of a device booted at `start` with zone `tz`, over `seconds`. */
async function consoleAcross(tz: string | number, start: number, seconds: number) {
  let dev: EspruinoVm;
  dev = new EspruinoVm({ virtual: true, clockStart: start, modules: { dgram: virtualServer(() => dev, [], 0) } });
  dev.load(await buildImage({ board: "linux", config: loadConfig(undefined, { host: "127.0.0.1:11123", tz, startDelay: 0 }) }), "linux.js");
  // (the tick comes 5 ms into each second: firmware/clock.ts)
  await advance(dev, seconds * 1000 + 10);
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
  assert.ok(india.ticks.length >= 3 && india.ticks.every((l) => l.includes(" UTC+5:30")), india.ticks.join("\n"));
  const hours = await consoleAcross(8, START, 3);
  assert.equal(hours.dev.zones, [8]);
});

test("settime(hours) on an image with DST rules turns them off, so the device's own Date shows that zone too", async () => {
  let dev: EspruinoVm;
  // 2027-07-01: CEST, UTC+2, until settime(8)
  dev = new EspruinoVm({ virtual: true, clockStart: Date.UTC(2027, 6, 1, 10) / 1000, modules: { dgram: virtualServer(() => dev, [], 0) } });
  dev.load(await buildImage({ board: "linux", config: loadConfig(undefined, { host: "127.0.0.1:11123", tz: CET, startDelay: 3600 }) }), "linux.js");
  await advance(dev, 2000);
  dev.eval("ntptime.settime(8)");
  await advance(dev, 5000);
  dev.dispose();
  assert.equal(dev.dst[dev.dst.length - 1], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.is(dev.zones[dev.zones.length - 1], 8);
  // the image's Date, as user code reads it: 18:00 at UTC+8, not CEST's 12:00
  assert.is(dev.eval("new Date(" + Date.UTC(2027, 6, 1, 10) + ").getHours()"), 18);
  const ticks = dev.lines.filter((l) => /^\d{4}-/.test(l));
  assert.match(ticks[0], /^2027-07-01 12:00:0\d UTC\+2 /);
  assert.match(ticks[ticks.length - 1], /^2027-07-01 18:00:0\d UTC\+8$/);
});

test("a tz the device cannot follow is refused by the build, naming the forms it takes", async () => {
  let err = "";
  await buildImage({ board: "linux", config: loadConfig(undefined, { tz: "EST5EDT,J60,J300" }) }).catch((e) => (err = String(e)));
  assert.match(err, /tz "EST5EDT,J60,J300" is neither hours/);
});

/** Two servers on the virtual clock: `offset` and `behave` per server and time. */
async function pair(offset: (t: number, to: string) => number, behave: Behaviour, over: Record<string, unknown> = {}) {
  let dev: EspruinoVm;
  dev = new EspruinoVm({ virtual: true, clockStart: START, modules: { dgram: virtualServer(() => dev, [], offset, behave) } });
  dev.load(await buildImage({ board: "linux", config: loadConfig(undefined, { console: false, startDelay: 1, host: "127.0.0.1:11123", servers: ["127.0.0.1:22123"], ...over }) }), "linux.js");
  dev.eval(`var seen = []; ntptime.on("step", function (a, b) { seen.push(b - a); }); ntptime.on("error", function (o) { seen.push(o.reason); });`);
  return dev;
}
/** the device clock less the true time */
const offTruth = (dev: EspruinoVm) => dev.clock!.t - dev.clock!.truth();

test("servers: after the first sync, a step above maxStep that one server alone backs fails as step, and the clock stays", async () => {
  // both agree at first; from 100 s on, 11123 runs 50 s ahead and 22123 is silent
  const jump = START + 100;
  const dev = await pair((t, to) => (t >= jump && to == "127.0.0.1:11123" ? 50 : 0), (t, to) => (t >= jump && to == "127.0.0.1:22123" ? "silent" : "ok"), { maxStep: 10 });
  await advance(dev, 200 * 1000);
  dev.dispose();
  const rounds = dev.lines.filter((l) => /^ntptime: \d of 2 servers/.test(l));
  assert.ok(rounds.length >= 2, rounds.join("\n"));
  assert.match(rounds[0], /2 of 2 servers answered, 2 agree, best /);
  assert.match(rounds[rounds.length - 1], /1 of 2 servers answered, 1 agree, failed: step$/);
  assert.is(dev.eval("ntptime.last.reason"), "step");
  assert.ok(Math.abs(offTruth(dev)) < 0.01, `the clock moved: ${offTruth(dev)} s`);
  assert.ok(!JSON.parse(dev.eval("JSON.stringify(seen)")).some((e: unknown) => typeof e == "number" && Math.abs(e as number) > 1), "no step event");
});

test("servers: a round where every server fails sets nothing, emits error, and backs off", async () => {
  const dev = await pair(() => 30, () => "silent", { poll: 64 });
  await advance(dev, 400 * 1000);
  dev.dispose();
  const rounds = dev.lines.filter((l) => /^ntptime: \d of 2 servers/.test(l));
  assert.ok(rounds.length >= 2, rounds.join("\n"));
  for (const r of rounds) assert.match(r, /^ntptime: 0 of 2 servers answered, 0 agree, failed: timeout$/);
  assert.equal(JSON.parse(dev.eval("JSON.stringify(seen)")), rounds.map(() => "timeout"));
  assert.is(dev.steps.length, 0, "the clock was never set");
  const st = JSON.parse(dev.eval("JSON.stringify(ntptime.status())"));
  assert.ok(st.fails >= 2 && st.interval >= 128, JSON.stringify(st));
});

test("servers with a key: every request of every scheduled round is signed, and unsigned answers never set the clock", async () => {
  const KEY = "1 SHA1 HEX:6B3D2A1F0C9E8D7B6A5F4E3D2C1B0A9F8E7D6C5B";
  // the virtual servers answer unsigned: with a key, no answer may count
  const server = virtualServer(() => dev, [], 30);
  const sizes: number[] = [];
  const dgram = {
    createSocket: () => {
      const sock = server.createSocket();
      const send = sock.send;
      sock.send = (msg: string, port: number, address: string) => (sizes.push(msg.length), send(msg, port, address));
      return sock;
    },
  };
  let dev: EspruinoVm;
  dev = new EspruinoVm({ virtual: true, clockStart: START, modules: { dgram } });
  dev.load(await buildImage({ board: "linux", config: loadConfig(undefined, { console: false, startDelay: 1, host: "127.0.0.1:11123", servers: ["127.0.0.1:22123"], key: 1, keys: [KEY] }) }), "linux.js");
  await advance(dev, 300 * 1000);
  dev.dispose();
  const rounds = dev.lines.filter((l) => /^ntptime: \d of 2 servers/.test(l));
  assert.ok(rounds.length >= 2 && sizes.length >= 16, `${rounds.length} rounds, ${sizes.length} requests`);
  assert.equal(sizes.filter((n) => n != 72), [], "every request carries the MAC (48 + 24 bytes)");
  for (const r of rounds) assert.match(r, /^ntptime: 0 of 2 servers answered, 0 agree, failed: auth$/);
  assert.is(dev.steps.length, 0, "no unsigned answer set the clock");
});

test("events: a step event comes at the configured stepThreshold, not NTP's 128 ms", async () => {
  let dev: EspruinoVm;
  dev = new EspruinoVm({ virtual: true, clockStart: START, modules: { dgram: virtualServer(() => dev, [], 0.08) } });
  dev.load(await buildImage({ board: "linux", config: loadConfig(undefined, { host: "127.0.0.1:11123", console: false, startDelay: 1, stepThreshold: 0.05 }) }), "linux.js");
  dev.eval(`var seen = []; ntptime.on("step", function (was, now) { seen.push(now - was); });`);
  await advance(dev, 10 * 1000);
  dev.dispose();
  assert.is(dev.eval("ntptime.last.applied"), "step");
  const seen: number[] = JSON.parse(dev.eval("JSON.stringify(seen)"));
  assert.is(seen.length, 1, JSON.stringify(seen));
  assert.ok(Math.abs(seen[0] - 0.08) < 0.002, String(seen[0]));
});

test("a round that begins between the owner's setTime() and the tick that sees it: the next round is still a poll after its start, not put off by the move", async () => {
  const s = schedule({ poll: 15, maxPoll: 15, startDelay: 1 });
  const dev = s.dev();
  dev.load(await s.image, "linux.js");
  await advance(dev, 60 * 1000);
  const status = () => JSON.parse(dev.eval("JSON.stringify(ntptime.status())"));
  const due = status().next;
  // a millisecond before the round's timer: the last tick came up to a second before, the next after the round begins
  await advance(dev, Math.max(0, (due - +dev.eval("getTime()")) * 1000 - 1));
  dev.eval("setTime(getTime() + 3600)");
  const before = s.starts.length;
  // that round finds the clock an hour ahead and steps it back
  await advance(dev, 20 * 1000);
  const st = status();
  const now = +dev.eval("getTime()");
  assert.ok(st.next - now <= 15, `the next round ${Math.round(st.next - now)} s away (${JSON.stringify(dev.lines.slice(-3))})`);
  await advance(dev, 60 * 1000);
  dev.dispose();
  assert.match(dev.lines.filter((l) => / step /.test(l)).pop()!, /offset -3600\.\d+ s/);
  assert.ok(s.starts.length - before >= 5, `${s.starts.length - before} rounds in the 80 s after the move`);
});

test.run();
