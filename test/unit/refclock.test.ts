import { test } from "uvu";
import * as assert from "uvu/assert";
import { PHI, createRefclock } from "../../lib/refclock";
import { Sentence } from "../../lib/nmea";

const S0 = 1800000000;
const C0 = 1000;
const limits = { pps: true, holdover: 60, nmeaDelay: 0.1, pivot: S0 - 86400 };
const rmc = (t: number, at: number, o: Partial<Sentence> = {}): Sentence => ({ type: "RMC", t, fix: true, at, leap: false, ...o });

/** k seconds of a receiver on a device clock running `rate` device s per UTC s: a pulse, then the sentence 0.3 s later. */
function run(r: ReturnType<typeof createRefclock>, from: number, to: number, rate = 1) {
  for (let k = from; k < to; k++) {
    const e = C0 + k * rate;
    r.onPulse(e);
    r.sentence(rmc(S0 + k, e + 0.3));
    r.sentence({ ...rmc(S0 + k, e + 0.32), type: "GGA", sats: 7 });
  }
}

test("a second is believed once the next one confirms it; then the time carries on from the pulse", () => {
  const r = createRefclock(limits);
  r.onPulse(C0);
  assert.is(r.sentence(rmc(S0, C0 + 0.3)), false, "the first second waits for a second one");
  assert.is(r.head(C0 + 0.5).synced, false);
  run(r, 1, 3);
  const h = r.head(C0 + 2.5);
  assert.ok(h.synced);
  assert.equal([h.refid, h.precision, h.refTime], ["PPS", -20, S0 + 2]);
  assert.is(r.time(C0 + 2.25), S0 + 2.25);
  assert.is(r.st.sats, 7);
});

test("the crystal's rate is measured from the pulses, and carries the time between them", () => {
  const r = createRefclock(limits);
  run(r, 0, 200, 1 + 40e-6);
  assert.ok(Math.abs(r.rate() - 1 - 40e-6) < 1e-9, `rate ${r.rate()}`);
  const e = C0 + 199 * (1 + 40e-6);
  // 30 s later without a pulse, the rate keeps it within a µs
  assert.ok(Math.abs(r.time(e + 30 * (1 + 40e-6)) - (S0 + 199 + 30)) < 1e-6);
});

test("one sentence naming the wrong second is not believed; a sentence without its pulse pins nothing", () => {
  const r = createRefclock(limits);
  run(r, 0, 5);
  r.onPulse(C0 + 5);
  assert.is(r.sentence(rmc(S0 + 3600, C0 + 5.3)), false);
  run(r, 6, 8);
  assert.is(r.st.jumps, 0);
  assert.is(r.time(C0 + 7.5), S0 + 7.5);
  // no pulse for 2 s: the sentence finds only an edge too old to be its second's
  assert.is(r.sentence(rmc(S0 + 10, C0 + 10.3)), false);
});

test("a timescale that really moved (two seconds agree) is followed, and counted", () => {
  const r = createRefclock(limits);
  run(r, 0, 5);
  for (let k = 5; k < 8; k++) {
    r.onPulse(C0 + k);
    r.sentence(rmc(S0 + k + 1, C0 + k + 0.3));
  }
  assert.is(r.st.jumps, 1);
  assert.is(r.time(C0 + 7.5), S0 + 8.5);
});

test("holdover: synced until `holdover` s without a second, the dispersion growing at 15 ppm; the fix goes stale in 3 s", () => {
  const r = createRefclock(limits);
  run(r, 0, 10);
  const last = C0 + 9;
  assert.ok(r.head(last + 59).synced === false, "no RMC or GGA for 59 s: the fix is stale");
  const r2 = createRefclock(limits);
  run(r2, 0, 10);
  // sentences keep coming (fix), pulses stop
  for (let k = 10; k < 80; k++) r2.sentence(rmc(S0 + k, C0 + k + 0.3));
  assert.ok(r2.head(last + 59.5).synced);
  assert.ok(Math.abs(r2.head(last + 59.5).disp - (1e-6 + r2.jitter() + PHI * 59.5)) < 1e-12);
  assert.is(r2.head(last + 60.5).synced, false);
});

test("the device clock set by d: every stored reading moves with it", () => {
  const r = createRefclock(limits);
  run(r, 0, 5);
  r.moved(-500);
  assert.is(r.time(C0 + 4.5 - 500), S0 + 4.5);
  r.onPulse(C0 + 5 - 500);
  assert.ok(r.sentence(rmc(S0 + 5, C0 + 5.3 - 500)));
  assert.is(r.st.jumps, 0);
});

test("NMEA alone: the sentence's arrival less nmeaDelay is the top of the second, at a rate of 1", () => {
  const r = createRefclock({ ...limits, pps: false });
  for (let k = 0; k < 5; k++) r.sentence(rmc(S0 + k, C0 + k + 0.1 + (k % 2) * 0.004));
  const h = r.head(C0 + 4.5);
  assert.ok(h.synced);
  assert.equal([h.refid, h.precision], ["GPS", -7]);
  assert.ok(h.disp >= 0.1);
  // the last sentence (k = 4) came on time; the 4 ms wobble before it shows as jitter
  assert.ok(Math.abs(r.time(C0 + 4.5) - (S0 + 4.5)) < 1e-9);
  assert.ok(r.jitter() > 0.001);
  assert.is(r.rate(), 1);
});

test("no fix, or a time before the build date: never pinned", () => {
  const r = createRefclock(limits);
  for (let k = 0; k < 5; k++) {
    r.onPulse(C0 + k);
    r.sentence(rmc(S0 + k, C0 + k + 0.3, { fix: false }));
  }
  assert.is(r.st.pins, 0);
  for (let k = 5; k < 10; k++) {
    r.onPulse(C0 + k);
    r.sentence(rmc(limits.pivot - 1000 + k, C0 + k + 0.3));
  }
  assert.is(r.st.pins, 0);
  assert.is(r.head(C0 + 10).synced, false);
});

test.run();
