import { test } from "uvu";
import * as assert from "uvu/assert";
import { Timestamp, ntpToUnix, unixToNtp } from "../../lib/timestamp";
import { NTP_UNIX_OFFSET, TWO32 } from "../../lib/wire";

const BUILD_2026 = 1795000000; // 2026-11-18
const ERA1_UNIX = TWO32 - NTP_UNIX_OFFSET; // 2036-02-07T06:28:16Z
/** A timestamp to Unix seconds, its two fields handed over as the checks hand them from a reply's bytes. */
const toUnix = (t: Timestamp, pivot: number) => ntpToUnix(t.sec, t.frac, pivot);

test("seed 003: 0xE2CFA73B is 3805259579 s since 1900, Unix 1596270779", () => {
  assert.is(0xe2cfa73b, 3805259579);
  assert.is(toUnix({ sec: 0xe2cfa73b, frac: 0 }, BUILD_2026), 1596270779);
  assert.is(new Date(1596270779000).toISOString(), "2020-08-01T08:32:59.000Z");
});

test("the NTP-Unix offset is 70 years of 365.25-ish days", () => {
  assert.is(NTP_UNIX_OFFSET, (70 * 365 + 17) * 86400);
});

test("fraction: 2^31 is half a second, seed 004's microseconds convert exactly", () => {
  assert.is(toUnix({ sec: NTP_UNIX_OFFSET, frac: 0x80000000 }, BUILD_2026), 0.5);
  // 250000 us -> 250000 / 1e6 * 2^32 = 0x40000000
  assert.equal(unixToNtp(1596270779.25), { sec: 0xe2cfa73b, frac: 0x40000000 });
});

test("round trip unix -> ntp -> unix within 1 us across eras", () => {
  for (const u of [0, 1, 1596270779.123456, BUILD_2026 + 0.999999, ERA1_UNIX - 0.5, ERA1_UNIX, ERA1_UNIX + 12345.678901]) {
    const pivot = u > ERA1_UNIX - 1e8 ? ERA1_UNIX : BUILD_2026;
    const back = toUnix(unixToNtp(u), pivot);
    assert.ok(Math.abs(back - u) < 1e-6, `${u} came back as ${back}`);
  }
});

test("2036 wrap: seconds 5 of era 1 read as 2036 from a 2026 pivot, not 1900", () => {
  assert.is(toUnix({ sec: 5, frac: 0 }, BUILD_2026), ERA1_UNIX + 5);
  assert.is(toUnix({ sec: 0xffffffff, frac: 0 }, ERA1_UNIX + 100), ERA1_UNIX - 1);
  assert.equal(unixToNtp(ERA1_UNIX + 5.5), { sec: 5, frac: 0x80000000 });
});

test("the pivot window: 68 years either side", () => {
  // A 1990 timestamp stays in 1990 from a 2026 pivot (so the 'early' check can refuse it).
  const t1990 = 631152000;
  assert.is(toUnix(unixToNtp(t1990), BUILD_2026), t1990);
  // 2090 is within 2^31 s of 2026 too.
  const t2090 = 3786912000;
  assert.is(toUnix(unixToNtp(t2090), BUILD_2026), t2090);
});

test.run();
