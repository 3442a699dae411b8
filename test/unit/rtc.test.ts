import { test } from "uvu";
import * as assert from "uvu/assert";
import { DS3231_STATUS, PCF8563_CONTROL, PCF8563_STOP, RTC_READ, RtcType, clearOsf, readRtc, rtcTime } from "../../lib/rtc";

const TYPES: RtcType[] = ["ds3231", "ds1307", "pcf8563"];

/** A chip's registers from 00h after `rtcTime` was written to it (the rest as a fresh chip has them, flags clear). */
function chip(type: RtcType, t: number): number[] {
  const regs = new Array(RTC_READ[type]).fill(0);
  if (type == "ds3231") regs[DS3231_STATUS] = 0x08; // EN32kHz, as after power-on, OSF cleared
  const w = rtcTime(type, t);
  for (let i = 1; i < w.length; i++) regs[w[0] + i - 1] = w[i];
  return regs;
}

// 2026-12-05 07:52:30 UTC, a Saturday
const SAT = Date.UTC(2026, 11, 5, 7, 52, 30) / 1000;

test("golden bytes: 2026-12-05 07:52:30, a Saturday, as each datasheet lays it out", () => {
  // DS3231/DS1307: seconds, minutes, hours, day 1-7 (Monday 1), date, month, year
  assert.equal(rtcTime("ds3231", SAT), [0x00, 0x30, 0x52, 0x07, 0x06, 0x05, 0x12, 0x26]);
  assert.equal(rtcTime("ds1307", SAT), [0x00, 0x30, 0x52, 0x07, 0x06, 0x05, 0x12, 0x26]);
  // PCF8563 from 02h: seconds, minutes, hours, days, weekdays 0-6 (Sunday 0), months, years
  assert.equal(rtcTime("pcf8563", SAT), [0x02, 0x30, 0x52, 0x07, 0x05, 0x06, 0x12, 0x26]);
});

test("round trips: every chip reads back what it was written, 2000-01-01 to 2099-12-31, leap days and month ends", () => {
  const fixedTimes = ["2000-01-01T00:00:00Z", "2000-02-29T23:59:59Z", "2024-02-29T12:00:00Z", "2026-12-31T23:59:59Z",
    "2027-01-01T00:00:00Z", "2038-01-19T03:14:08Z", "2099-12-31T23:59:59Z"].map((iso) => Date.parse(iso) / 1000);
  let seed = 7;
  const random = Array.from({ length: 3000 }, () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return 946684800 + (seed % 3155760000);
  });
  for (const type of TYPES)
    for (const t of [...fixedTimes, ...random]) assert.is(readRtc(type, chip(type, t)), t, `${type} ${new Date(t * 1000).toISOString()}`);
});

test("a stopped oscillator is not trusted: DS3231 OSF, DS1307 CH, PCF8563 VL and STOP", () => {
  const ds3231 = chip("ds3231", SAT);
  ds3231[DS3231_STATUS] |= 0x80;
  assert.is(readRtc("ds3231", ds3231), "stopped");
  const ds1307 = chip("ds1307", SAT);
  ds1307[0] |= 0x80;
  assert.is(readRtc("ds1307", ds1307), "stopped");
  const vl = chip("pcf8563", SAT);
  vl[2] |= 0x80;
  assert.is(readRtc("pcf8563", vl), "stopped");
  const stop = chip("pcf8563", SAT);
  stop[PCF8563_CONTROL] |= PCF8563_STOP;
  assert.is(readRtc("pcf8563", stop), "stopped");
  // and the DS3231's flag cleared keeps its other bits
  assert.equal(clearOsf(0x88), [DS3231_STATUS, 0x08]);
  ds3231[DS3231_STATUS] = clearOsf(ds3231[DS3231_STATUS])[1];
  assert.is(readRtc("ds3231", ds3231), SAT);
});

test("rubbish is invalid, field by field: a digit over 9, a value out of range, a day the month lacks, a bus of 0xFF", () => {
  const s = { ds3231: 0, ds1307: 0, pcf8563: 2 };
  for (const type of TYPES) {
    const o = s[type];
    const day = o + (type == "pcf8563" ? 3 : 4);
    const cases: [string, number, number][] = [
      ["seconds 0x5A", o, 0x5a], ["seconds 60", o, 0x60], ["minutes 60", o + 1, 0x60], ["hours 24", o + 2, 0x24],
      ["day 0", day, 0x00], ["day 32", day, 0x32], ["month 0", o + 5, 0x00], ["month 13", o + 5, 0x13], ["year 0xA0", o + 6, 0xa0],
    ];
    for (const [what, i, v] of cases) {
      const b = chip(type, SAT);
      b[i] = v;
      assert.is(readRtc(type, b), "invalid", `${type}: ${what}`);
    }
    // 31 November
    const nov = chip(type, Date.UTC(2026, 10, 30) / 1000);
    nov[day] = 0x31;
    assert.is(readRtc(type, nov), "invalid", `${type}: 31 November`);
    // a bus that reads all ones: stopped (the flag bits set) before anything else
    assert.is(readRtc(type, new Array(RTC_READ[type]).fill(0xff)), "stopped", `${type}: 0xFF`);
    // a chip at its reset value (2000-01-01) reads, and the caller's build-date check refuses it
    assert.is(readRtc(type, chip(type, 946684800)), 946684800);
  }
});

test("DS chips in 12-hour mode (set by another program) read in 24 hours: 12 AM is 0, 12 PM is 12, 11 PM is 23", () => {
  for (const type of ["ds3231", "ds1307"] as RtcType[]) {
    const midnight = Date.UTC(2026, 11, 5) / 1000;
    // bit 6: 12-hour mode, bit 5: PM, then the hour 1-12 in BCD
    for (const [h12, hour] of [[0x52, 0], [0x41, 1], [0x72, 12], [0x61, 13], [0x71, 23]]) {
      const b = chip(type, midnight);
      b[2] = h12;
      assert.is(readRtc(type, b), midnight + hour * 3600, `${type} hours byte 0x${h12.toString(16)}`);
    }
  }
});

test.run();
