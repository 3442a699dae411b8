// Modem clock strings (AT+CCLK, AT+QNTP) to Unix seconds, with Node's Date as the oracle.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { modemTime } from "../../boards/modem-time";

test("four- and two-digit years, UTC", () => {
  assert.is(modemTime('2026/11/21,08:30:05+00"'), Date.UTC(2026, 10, 21, 8, 30, 5) / 1000);
  assert.is(modemTime("26/11/21,08:30:05+00"), Date.UTC(2026, 10, 21, 8, 30, 5) / 1000);
  assert.is(modemTime("2000/02/29,23:59:59+00"), Date.UTC(2000, 1, 29, 23, 59, 59) / 1000);
});

test("the zone in quarter hours is taken off: local time +32 is UTC+8, -20 is UTC-5", () => {
  assert.is(modemTime("2026/11/21,16:30:05+32"), Date.UTC(2026, 10, 21, 8, 30, 5) / 1000);
  assert.is(modemTime("26/01/01,02:00:00-20"), Date.UTC(2026, 0, 1, 7, 0, 0) / 1000);
});

test("every day of 2024-2040 at noon round-trips against Date", () => {
  for (let t = Date.UTC(2024, 0, 1, 12) / 1000; t < Date.UTC(2041, 0, 1) / 1000; t += 86400) {
    const d = new Date(t * 1000);
    const p = (n: number) => String(n).padStart(2, "0");
    const s = `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())},12:00:00+00`;
    assert.is(modemTime(s), t, s);
  }
});

test("anything else is null: garbage, missing fields, out-of-range parts", () => {
  for (const s of ["", "ERROR", "26/11/21", "26/13/01,00:00:00+00", "26/11/21,24:00:00+00", "26/11/21,aa:00:00+00", "1/2/3,4:5:6+7,8"])
    assert.is(modemTime(s), null, s);
});

test.run();
