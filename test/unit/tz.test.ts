// POSIX TZ strings to zones, E.setDST arguments, and local offsets checked against Node's
// Intl time zone database as the oracle, hour by hour around every DST change of 2024-2030.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { deviceOffset, dstArgs, offsetAt, parseTz } from "../../lib/tz";

const formats = new Map<string, Intl.DateTimeFormat>();

/** Minutes east of UTC that Intl gives for an IANA zone at Unix time t. */
function intlOffset(zone: string, t: number): number {
  if (!formats.has(zone))
    formats.set(zone, new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
    }));
  const parts = formats.get(zone)!.formatToParts(new Date(t * 1000));
  const n = (type: string) => +parts.find((p) => p.type == type)!.value;
  const local = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second")) / 1000;
  return Math.round((local - Math.floor(t)) / 60);
}

// The POSIX strings of the current rules (as in the tzdata files' last lines).
const ZONES: [string, string][] = [
  ["Asia/Shanghai", "CST-8"],
  ["Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3"],
  ["Europe/London", "GMT0BST,M3.5.0/1,M10.5.0"],
  ["Europe/Kyiv", "EET-2EEST,M3.5.0/3,M10.5.0/4"],
  ["America/New_York", "EST5EDT,M3.2.0,M11.1.0"],
  ["America/Chicago", "CST6CDT,M3.2.0,M11.1.0"],
  ["America/Denver", "MST7MDT,M3.2.0,M11.1.0"],
  ["America/Los_Angeles", "PST8PDT,M3.2.0,M11.1.0"],
  ["America/St_Johns", "NST3:30NDT,M3.2.0,M11.1.0"],
  ["America/Phoenix", "MST7"],
  ["Asia/Kolkata", "IST-5:30"],
  ["Asia/Tehran", "<+0330>-3:30"],
  ["Australia/Sydney", "AEST-10AEDT,M10.1.0,M4.1.0/3"],
  ["Australia/Lord_Howe", "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"],
  ["Pacific/Auckland", "NZST-12NZDT,M9.5.0,M4.1.0/3"],
  ["America/Santiago", "<-04>4<-03>,M9.1.6/24,M4.1.6/24"],
  ["Asia/Jerusalem", "IST-2IDT,M3.4.4/26,M10.5.0"],
];

for (const [iana, posix] of ZONES) {
  test(`${posix} matches ${iana} hour by hour, and minute by minute around each change, 2024-2030`, () => {
    const z = parseTz(posix);
    assert.ok(z, posix);
    let changes = 0;
    for (let t = Date.UTC(2024, 0, 1) / 1000; t < Date.UTC(2031, 0, 1) / 1000; t += 3600) {
      const want = intlOffset(iana, t);
      if (want != intlOffset(iana, t + 3600)) {
        changes++;
        for (let u = t; u <= t + 3600; u += 60) assert.is(offsetAt(z!, u), intlOffset(iana, u), `${posix} at ${new Date(u * 1000).toISOString()}`);
      }
      assert.is(offsetAt(z!, t), want, `${posix} at ${new Date(t * 1000).toISOString()}`);
    }
    if (z!.dst) assert.ok(changes >= 14, `${posix}: ${changes} changes seen`);
  });
}

test("E.setDST arguments: the Espruino docs' Ukraine example, and New York", () => {
  assert.equal(dstArgs(parseTz("EET-2EEST,M3.5.0/3,M10.5.0/4")!), [60, 120, 4, 0, 2, 0, 180, 4, 0, 9, 0, 240]);
  assert.equal(dstArgs(parseTz("EST5EDT,M3.2.0,M11.1.0")!), [60, -300, 1, 0, 2, 0, 120, 0, 0, 10, 0, 120]);
});

test("plain hours, and zones with no DST", () => {
  assert.equal(parseTz(8), { std: 480, dst: 0 });
  assert.equal(parseTz(-3.5), { std: -210, dst: 0 });
  assert.equal(parseTz("UTC0"), { std: 0, dst: 0 });
  assert.equal(parseTz("<+0545>-5:45"), { std: 345, dst: 0 });
});

test("refused: what E.setDST cannot express, and garbage", () => {
  for (const s of ["", "8", "CST", "XX-8", "CST-8CDT", "EST5EDT,J60,J300", "EST5EDT,60,300", "EST5EDT,M3.2.0", "EST5EDT,M13.2.0,M11.1.0", "EST5EDT,M3.6.0,M11.1.0", "CST-99", "<+08-8"])
    assert.is(parseTz(s), null, s);
  assert.is(parseTz(15), null);
});

test("deviceOffset reads E.setDST's numbers back as the zone they came from; DST off (first number 0) leaves E.setTimeZone's hours", () => {
  const cet = parseTz("CET-1CEST,M3.5.0,M10.5.0/3")!;
  for (let t = Date.UTC(2027, 0, 1) / 1000; t < Date.UTC(2028, 0, 1) / 1000; t += 6 * 3600) assert.is(deviceOffset(5, dstArgs(cet), t), offsetAt(cet, t));
  assert.is(deviceOffset(8, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], Date.UTC(2027, 6, 1) / 1000), 480);
  assert.is(deviceOffset(-3.5, undefined, 0), -210);
});

test.run();
