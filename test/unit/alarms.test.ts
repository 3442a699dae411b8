// firmware/alarms.ts (ntptime.at) over a year on a virtual clock, driven as the image drives
// it: the resident tick arms a timer within a second of the next alarm, every step of the
// clock works the alarms out again (firmware/clock.ts set), and the clock is stepped as
// Espruino's setTime steps it (pending timers keep their delay). Berlin's DST changes, steps
// both ways, a leap second, a reboot with the device off over an alarm, and a zone change.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build } from "esbuild";
import { join } from "node:path";
import { FakeClock } from "../helpers/fake-env";
import { parseTz } from "../../lib/tz";

const ROOT = join(import.meta.dirname, "../..");
const PIVOT = Date.UTC(2026, 10, 30) / 1000;

/** The real firmware/alarms.ts, bundled as the image bundles it: the DST zone code and the config's pivot. */
async function alarmsModule() {
  const r = await build({
    entryPoints: [join(ROOT, "firmware/alarms.ts")], bundle: true, write: false, format: "esm", logLevel: "silent",
    define: { "CONFIG.pivot": String(PIVOT), "CONFIG.zone": "undefined", "CONFIG.alarms": "true" },
    plugins: [{ name: "zone", setup: (b) => b.onResolve({ filter: /^@zone$/ }, () => ({ path: join(ROOT, "firmware/zone-dst.ts") })) }],
  });
  return import("data:text/javascript;base64," + Buffer.from(r.outputFiles[0].text).toString("base64"));
}

const berlin = (t: number) =>
  new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Berlin", weekday: "short", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(t * 1000);
const utc = (y: number, m: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, m - 1, d, h, mi, s) / 1000;

test("a year of alarms: each rings at its local wall time across DST, steps both ways, a leap second, a reboot and a zone change", async () => {
  const A = await alarmsModule();
  const clock = new FakeClock(utc(2027, 1, 1));
  const store: Record<string, string> = {};
  const rings: { what: string; at: number; clock: number }[] = [];
  const missed: { what: string; at: number; clock: number }[] = [];
  const device = () => {
    const r: any = {
      dev: { clock: clock.now, after: clock.after, disarm: clock.cancel, log: () => {} },
      api: { emit: (ev: string, a: any, at: number) => ev == "missed" && missed.push({ what: a.when, at, clock: clock.t }) },
      store: { read: (n: string) => store[n], write: (n: string, t: string) => (store[n] = t) },
      zone: parseTz("CET-1CEST,M3.5.0,M10.5.0/3"),
      alarms: [],
      ringing: 0,
    };
    r.ring = () => A.ring(r);
    const fn = (what: string) => (at: number) => rings.push({ what, at, clock: clock.t });
    A.at(r, "07:00", fn("07:00"), "wake");
    A.at(r, "Mon-Fri 06:30", fn("Mon-Fri 06:30"));
    A.at(r, "02:00", fn("02:00"));
    A.at(r, "2027-06-01 12:00", fn("once"));
    return r;
  };
  let r = device();
  /** The resident tick (firmware/clock.ts), run in the second before the next alarm, then the timers. */
  const until = (end: number) => {
    for (let guard = 0; guard < 10000; guard++) {
      const next = r.alarms[0];
      const tick = next ? Math.max(clock.t, next.next - 0.37) : end;
      if (tick >= end) return clock.advance((end - clock.t) * 1000);
      clock.advance((tick - clock.t) * 1000);
      if (!r.ringing && clock.t > PIVOT && clock.t + 1 > r.alarms[0].next) r.ringing = clock.after(r.ring, Math.max(0, (r.alarms[0].next - clock.t) * 1000));
      clock.advance(1000);
    }
    throw new Error("no end");
  };
  /** A step of the clock as the image makes one: setTime, then the alarms worked out again. */
  const step = (to: number) => {
    clock.step(to);
    r.ringing = clock.after(r.ring, 0);
    clock.advance(0);
  };
  until(utc(2027, 4, 10, 4, 59, 50));
  step(utc(2027, 4, 10, 5, 0, 20)); // +30 s over 07:00 CEST: rung late, within the grace
  until(utc(2027, 5, 5, 4));
  step(utc(2027, 5, 5, 7)); // +3 h over 07:00 CEST: missed, not rung
  until(utc(2027, 7, 1)); // 02:00 CEST on 1 July is the leap second's midnight, UTC
  step(utc(2027, 7, 1) - 1); // inserted: the clock back 1 s at midnight, 02:00:00 reads again
  until(utc(2027, 8, 8, 5, 0, 5));
  step(utc(2027, 8, 8, 4, 59, 45)); // back 20 s after 07:00 rang: not again
  until(utc(2027, 9, 9, 6));
  step(utc(2027, 9, 9, 4)); // back 2 h over 07:00 (rung at 05:00 UTC): not again
  until(utc(2027, 11, 11, 5)); // 06:00 CET: power off until 09:00, then the app makes its alarms again
  clock.step(utc(2027, 11, 11, 8));
  clock.advance(0);
  r = device();
  until(utc(2027, 12, 1));
  r.zone = { std: 480, dst: 0 }; // settime(8): the wall times are now UTC+8's
  A.ring(r);
  until(utc(2028, 1, 1));

  const wake = rings.filter((x) => x.what == "07:00");
  const days = new Set(wake.map((x) => new Date(x.at * 1000).toISOString().slice(0, 10)));
  assert.is(days.size, wake.length, "never twice for one day");
  for (const x of wake) {
    assert.ok(x.clock - x.at >= 0 && x.clock - x.at <= 30, `rang ${x.clock - x.at} s after its time`);
    if (x.at < utc(2027, 12, 1)) assert.match(berlin(x.at), /, 07:00:00$/);
    else assert.is((x.at + 8 * 3600) % 86400, 7 * 3600, "07:00 in UTC+8");
  }
  // every day of the year at 07:00 but the two missed; settime(8) at 00:00 UTC on 1 December
  // came after that day's 07:00 UTC+8, and the year's last UTC hour holds 1 January's
  assert.is(wake.length, 365 - 2);
  assert.ok(!wake.some((x) => x.at > utc(2027, 11, 30, 23) && x.at < utc(2027, 12, 1, 23)), "none on 1 December");
  assert.is(wake[wake.length - 1].at, utc(2027, 12, 31, 23));
  assert.is(wake.filter((x) => x.clock - x.at > 1).length, 1, "one rung late: the 30 s step");
  assert.ok(wake.some((x) => x.at == utc(2027, 3, 28, 5)) && wake.some((x) => x.at == utc(2027, 3, 27, 6)), "07:00 either side of the spring change");
  assert.ok(wake.some((x) => x.at == utc(2027, 10, 31, 6)) && wake.some((x) => x.at == utc(2027, 10, 30, 5)), "07:00 either side of the autumn change");
  // the 3 h step passed both morning alarms; the reboot reports the kept one only (the weekday alarm has no name)
  assert.equal(missed.map((m) => [m.what, berlin(m.at)]), [
    ["Mon-Fri 06:30", "Wed, 05/05/2027, 06:30:00"], ["07:00", "Wed, 05/05/2027, 07:00:00"], ["07:00", "Thu, 11/11/2027, 07:00:00"],
  ]);

  const weekdays = rings.filter((x) => x.what == "Mon-Fri 06:30");
  assert.ok(weekdays.length > 250, `${weekdays.length}`);
  for (const x of weekdays) if (x.at < utc(2027, 12, 1)) assert.match(berlin(x.at), /^(Mon|Tue|Wed|Thu|Fri), .* 06:30:00$/);
  const leap = rings.filter((x) => x.what == "02:00" && x.at == utc(2027, 7, 1));
  assert.is(leap.length, 1, "02:00 on the leap second's midnight rang once");
  assert.equal(rings.filter((x) => x.what == "once").map((x) => x.at), [utc(2027, 6, 1, 10)]);
  assert.equal(JSON.parse(store["ntptime.at"]).wake[0], "07:00");
});

test("ntptime.at refuses a bad when, fn or name with an error that says what it takes; cancel by object or name", async () => {
  const A = await alarmsModule();
  const clock = new FakeClock(utc(2027, 1, 1));
  const store: Record<string, string> = {};
  const r: any = { dev: { clock: clock.now, after: clock.after, disarm: clock.cancel }, api: { emit() {} }, store: { read: (n: string) => store[n], write: (n: string, t: string) => (store[n] = t) }, zone: { std: 0, dst: 0 }, alarms: [], ringing: 0 };
  for (const args of [["7am", () => {}], ["07:00", "x"], ["07:00", () => {}, 3]]) assert.throws(() => A.at(r, ...args), /ntptime\.at\(when, fn\[, name\]\)/);
  const a = A.at(r, "07:00", () => {});
  A.at(r, "08:00", () => {}, "b");
  assert.is(r.alarms.length, 2);
  assert.is(a.next, utc(2027, 1, 1, 7));
  assert.is(A.cancel(r, "b"), 0);
  assert.is(A.cancel(r, a), 0);
  assert.is(A.cancel(r, a), 1);
  assert.is(r.alarms.length, 0);
  assert.equal(JSON.parse(store["ntptime.at"]), {});
});

test.run();
