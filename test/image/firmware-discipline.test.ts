// The clock app's discipline in the built image, on a virtual clock: a small offset slewed
// in ticks no larger than `slew`, a large one stepped, a crystal 50 ppm fast held through an
// hour without a server, and a leap second stepped at midnight.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildImage, loadConfig } from "../../build.mjs";
import { daysFromCivil } from "../../lib/calendar";
import { EspruinoVm } from "../helpers/espruino-vm";
import { Behaviour, advance, virtualServer } from "../helpers/virtual-server";

const START = Math.floor(Date.now() / 1000) + 86400;

async function device(opts: { offset?: number | ((t: number, to: string) => number); ppm?: number; behave?: Behaviour; leapAt?: number; start?: number; config?: object }) {
  const requests: number[] = [];
  let dev: EspruinoVm;
  dev = new EspruinoVm({
    virtual: true,
    ppm: opts.ppm,
    clockStart: opts.start || START,
    modules: { dgram: virtualServer(() => dev, [], opts.offset || 0, opts.behave, requests, opts.leapAt) },
  });
  dev.load(await buildImage({ board: "linux", config: loadConfig(undefined, { host: "127.0.0.1:11123", console: false, startDelay: 1, ...opts.config }) }), "linux.js");
  dev.eval(`var seen = []; ntptime.on("step", function (a, b) { seen.push(["step", b - a]); }); ntptime.on("leap", function (s, at) { seen.push(["leap", s, at]); });`);
  return { dev, requests };
}

/** how far the device clock is from the server's time (seconds, device ahead positive) */
const error = (dev: EspruinoVm, offset = 0) => dev.clock!.t - (dev.clock!.truth() + offset);

test("an offset of 60 ms is slewed in ticks of at most 0.5 ms, and said so", async () => {
  const { dev } = await device({ offset: 0.06 });
  const changes: number[] = [];
  dev.onSetTime = (t) => changes.push(t - dev.now());
  await advance(dev, 5000);
  const line = dev.lines.find((l) => /^ntptime: /.test(l))!;
  assert.match(line, /offset 0\.0[56]\d+ s delay [\d.]+ s, slew /);
  assert.is(dev.eval("ntptime.last.applied"), "slew");
  await advance(dev, 200 * 1000);
  dev.dispose();
  assert.ok(changes.length >= 100 && changes.length < 130, `${changes.length} corrections`);
  assert.ok(changes.every((d) => d > 0 && d <= 0.0005 + 1e-6), `corrections from ${Math.min(...changes)} to ${Math.max(...changes)} s: ${changes.filter((d) => d <= 0)}`);
  assert.is(dev.eval("JSON.stringify(seen)"), "[]", "no step event");
  assert.ok(Math.abs(error(dev, 0.06)) < 0.0005, `left ${error(dev, 0.06)} s`);
});

test("an offset of 2 s is stepped at once, and said so", async () => {
  const { dev } = await device({ offset: 2 });
  await advance(dev, 5000);
  dev.dispose();
  assert.match(dev.lines.find((l) => /^ntptime: /.test(l))!, /s, step /);
  assert.is(dev.eval("ntptime.last.applied"), "step");
  assert.is(dev.eval("seen.length"), 1);
  assert.ok(Math.abs(error(dev, 2)) < 0.002);
});

test("a crystal 50 ppm fast: the drift is learnt, the poll grows, and an hour without a server stays within 5 ms", async () => {
  let silent = Infinity;
  const behave: Behaviour = (t) => (t >= silent ? "silent" : "ok");
  const { dev, requests } = await device({ ppm: 50, offset: 0.5, behave });
  await advance(dev, 4 * 3600 * 1000);
  const ppm = dev.eval("ntptime.status().ppm");
  assert.ok(Math.abs(ppm + 50) < 1, `estimated ${ppm} ppm`);
  assert.is(dev.eval("ntptime.status().interval"), 1024);
  silent = dev.clock!.t;
  const before = error(dev, 0.5);
  await advance(dev, 3600 * 1000);
  dev.dispose();
  const after = error(dev, 0.5);
  assert.ok(Math.abs(after) < 0.005, `after 1 h without a server: ${(after * 1000).toFixed(2)} ms (before ${(before * 1000).toFixed(2)} ms)`);
  assert.ok(requests.length > 0);
});

test("a leap second announced on 30 June: an event, then the clock goes back 1 s at midnight", async () => {
  const midnight = daysFromCivil(2027, 7, 1) * 86400;
  const { dev } = await device({ start: midnight - 3 * 3600, leapAt: midnight });
  await advance(dev, 3 * 3600 * 1000 - 5000);
  const seen = dev.eval("JSON.stringify(seen)");
  assert.equal(JSON.parse(seen), [["leap", -1, midnight]], "announced once, nothing stepped yet");
  await advance(dev, 3600 * 1000);
  dev.dispose();
  assert.ok(dev.lines.some((l) => l == "ntptime: leap second, clock back 1 s"), dev.lines.join("\n"));
  // stepped once, by the leap itself; the server's time and the device's agree after it
  const steps = JSON.parse(dev.eval("JSON.stringify(seen)")).filter((e: unknown[]) => e[0] == "step");
  assert.is(steps.length, 1);
  assert.ok(Math.abs(steps[0][1] + 1) < 0.01, String(steps[0][1]));
  assert.ok(Math.abs(error(dev, -1)) < 0.002, `off by ${error(dev, -1)} s after the leap`);
});

test("an announcement on another day steps nothing", async () => {
  const midnight = daysFromCivil(2027, 3, 1) * 86400;
  const { dev } = await device({ start: midnight - 3 * 3600, leapAt: midnight });
  await advance(dev, 2 * 3600 * 1000);
  dev.dispose();
  assert.is(dev.eval("JSON.stringify(seen)"), "[]");
  assert.ok(dev.lines.filter((l) => /stratum 1/.test(l)).length > 5);
});

test("a leap second announced and then withdrawn the same day: the event, then no step at midnight", async () => {
  const midnight = daysFromCivil(2027, 7, 1) * 86400;
  // LI 1 for the first hour of the last three, then LI 0: the server's time never leaps
  const behave: Behaviour = (t) => (t < midnight - 2 * 3600 ? "LI1" : "ok");
  const { dev } = await device({ start: midnight - 3 * 3600, behave });
  await advance(dev, 3 * 3600 * 1000 - 5000);
  assert.equal(JSON.parse(dev.eval("JSON.stringify(seen)")), [["leap", -1, midnight]], "announced once");
  await advance(dev, 3600 * 1000);
  dev.dispose();
  assert.not.ok(dev.lines.some((l) => /leap second, clock/.test(l)), dev.lines.join("\n"));
  assert.equal(JSON.parse(dev.eval("JSON.stringify(seen)")).filter((e: unknown[]) => e[0] == "step"), []);
  assert.ok(Math.abs(error(dev)) < 0.002, `off by ${error(dev)} s after midnight`);
});

test("no correction is made while a sync is under way: the slew waits out each round's exchanges", async () => {
  // 100 ms off: 200 s of 0.5 ms slews, while rounds come every 64 s with bursts of 4 over 1.5 s
  const { dev, requests } = await device({ offset: 0.1, config: { startDelay: 1 } });
  const changes: number[] = [];
  dev.onSetTime = () => changes.push(dev.clock!.t);
  await advance(dev, 300 * 1000);
  dev.dispose();
  // the rounds: requests less than 12 s apart belong to one
  const rounds: number[][] = [];
  for (const t of requests) {
    const last = rounds[rounds.length - 1];
    if (last && t - last[last.length - 1] < 12) last.push(t);
    else rounds.push([t]);
  }
  assert.ok(rounds.length >= 4 && rounds.every((r) => r.length == 4), rounds.map((r) => r.length).join());
  assert.ok(changes.length > 150, `${changes.length} corrections`);
  for (const r of rounds.slice(1)) {
    const inside = changes.filter((t) => t > r[0] - 1e-6 && t < r[r.length - 1] + 0.5);
    assert.equal(inside, [], `corrections during the round at ${r[0]}`);
  }
});

test.run();
