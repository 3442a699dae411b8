import { test } from "uvu";
import * as assert from "uvu/assert";
import { civil, fixed, isoTime } from "../../lib/calendar";

/** The oracle: Node's UTC getters, with weekday 0 = Monday and yearday from Jan 1. */
function oracle(t: number): number[] {
  const d = new Date(Math.floor(t) * 1000);
  const jan1 = Date.UTC(d.getUTCFullYear(), 0, 1);
  return [
    d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(),
    (d.getUTCDay() + 6) % 7, Math.floor((d.getTime() - jan1) / 86400000) + 1,
  ];
}

test("seed 000: 2020-10-28 03:15:11 is a Wednesday (2), day 302", () => {
  const t = Date.UTC(2020, 9, 28, 3, 15, 11) / 1000;
  assert.equal(civil(t), [2020, 10, 28, 3, 15, 11, 2, 302]);
  // and Beijing time, as ntptime.settime(8) then localtime() shows it
  assert.equal(civil(t + 8 * 3600), [2020, 10, 28, 11, 15, 11, 2, 302]);
});

test("epoch, leap days, century rules, 2036 and 2100", () => {
  for (const iso of ["1970-01-01T00:00:00Z", "2000-02-29T12:00:00Z", "2000-12-31T23:59:59Z", "2024-02-29T00:00:00Z",
    "2025-03-01T00:00:00Z", "2036-02-07T06:28:16Z", "2100-02-28T23:59:59Z", "2100-03-01T00:00:00Z", "2400-12-31T23:59:59Z"]) {
    const t = Date.parse(iso) / 1000;
    assert.equal(civil(t), oracle(t), iso);
  }
});

test("agrees with the oracle at 20,000 pseudo-random instants 1970..2106", () => {
  let seed = 1;
  for (let n = 0; n < 20000; n++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const t = seed + 0.5;
    assert.equal(civil(t), oracle(t), String(t));
  }
});

test("isoTime() writes what toISOString writes, milliseconds cut as both Node's Date and Espruino's cut them", () => {
  for (const t of [0, 0.0009, 0.9999, 59.999, 951782400.5, 1796666650.123, 2085978495.9996, 4102444799.999]) assert.is(isoTime(t), new Date(t * 1000).toISOString(), String(t));
  let seed = 7;
  for (let n = 0; n < 20000; n++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const t = seed + (seed % 1000003) / 1000003;
    assert.is(isoTime(t), new Date(t * 1000).toISOString(), String(t));
  }
});

test("fixed() writes what toFixed writes, at the places the console lines use", () => {
  const cases = [0, 1.5, 1.500359, -0.000207, 0.0022, 1234.5678901, -1.0000004, 0.9999999, 29.999, -30.25, 1e-9];
  for (const places of [1, 3, 4, 6])
    for (const v of cases) {
      const want = v.toFixed(places);
      assert.is(fixed(v, places), want == "-" + (0).toFixed(places) ? (0).toFixed(places) : want, v + " to " + places);
    }
  // pseudo-random offsets, as the rounds print them
  let seed = 7;
  for (let i = 0; i < 2000; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const v = (seed / 2147483648 - 0.5) * 20;
    const want = v.toFixed(6);
    assert.is(fixed(v, 6), want == "-0.000000" ? "0.000000" : want);
  }
});

test.run();
