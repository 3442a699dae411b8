import { test } from "uvu";
import * as assert from "uvu/assert";
import { GPS_EPOCH, GPS_UTC, MP_EPOCH, NTP_UNIX_OFFSET, fracToMicros, gpsToUnix, microsToFrac, mpToUnix, ntpToUnix, unixToGps, unixToMp, unixToNtp, unrollWeeks } from "../../lib/epoch";
import { daysFromCivil } from "../../lib/calendar";

test("the epochs are the dates they are named for", () => {
  assert.is(NTP_UNIX_OFFSET, -daysFromCivil(1900, 1, 1) * 86400);
  assert.is(MP_EPOCH, daysFromCivil(2000, 1, 1) * 86400);
  assert.is(GPS_EPOCH, daysFromCivil(1980, 1, 6) * 86400);
});

test("GPS week and second: 2017-01-01 (the last leap second) is week 1930, second 18 + 0", () => {
  const u = daysFromCivil(2017, 1, 1) * 86400;
  assert.equal(unixToGps(u, GPS_UTC), [1930, 18]);
  assert.is(gpsToUnix(1930, 18, GPS_UTC), u);
  // a round trip anywhere, with a fraction
  const t = 1795300000.25;
  const [w, s] = unixToGps(t, GPS_UTC);
  assert.is(gpsToUnix(w, s, GPS_UTC), t);
});

test("MicroPython's 2000 epoch and NTP's 1900 both ways", () => {
  assert.is(unixToMp(MP_EPOCH), 0);
  assert.is(mpToUnix(unixToMp(1795300000)), 1795300000);
  assert.equal(unixToNtp(0), { sec: NTP_UNIX_OFFSET, frac: 0 });
  assert.is(ntpToUnix(unixToNtp(1795300000.5), 1795000000), 1795300000.5);
});

test("the week-rollover bug: a date 1024 weeks early is moved on, a right one is not", () => {
  const pivot = daysFromCivil(2026, 11, 1) * 86400;
  const now = daysFromCivil(2026, 11, 21) * 86400;
  assert.is(unrollWeeks(now - 1024 * 604800, pivot), now);
  assert.is(unrollWeeks(now, pivot), now);
  assert.ok(Number.isNaN(unrollWeeks(NaN, pivot)));
});

test("microseconds to the NTP fraction: exactly floor(us * 2^32 / 10^6) for every us, and back", () => {
  // BigInt for the exact reference (the host has it; the device never runs this).
  for (let us = 0; us < 1000000; us += 1) {
    const exact = Number((BigInt(us) << 32n) / 1000000n);
    if (microsToFrac(us) !== exact) assert.unreachable(`us ${us}: ${microsToFrac(us)} != ${exact}`);
  }
  assert.is(microsToFrac(500000), 2147483648);
  assert.is(fracToMicros(2147483648), 500000);
  assert.ok(Math.abs(fracToMicros(microsToFrac(123456)) - 123456) < 1e-3);
});

test.run();
