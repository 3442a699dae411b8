import { test } from "uvu";
import * as assert from "uvu/assert";
import { Sentence, createNmea, unrollWeeks } from "../../lib/nmea";
import { daysFromCivil } from "../../lib/calendar";
import { nmeaSum } from "../helpers/gps-sim";

// The NMEA 0183 examples everyone quotes (checksums as published).
const RMC = "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A\r\n";
const GGA = "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n";
const ZDA = "$GPZDA,201530.00,04,07,2002,00,00*60\r\n";
const T_RMC = daysFromCivil(1994, 3, 23) * 86400 + 12 * 3600 + 35 * 60 + 19;

function read(text: string, o: { pivot?: number; baud?: number; chunk?: number; t?: number } = {}) {
  const got: Sentence[] = [];
  const r = createNmea(o.pivot || 0, o.baud || 0, (s) => got.push(s));
  const n = o.chunk || text.length;
  for (let i = 0; i < text.length; i += n) r.feed(text.slice(i, i + n), o.t || 100);
  return { got, stats: r.stats };
}

test("the textbook RMC, GGA and ZDA", () => {
  const { got, stats } = read(RMC + GGA + ZDA);
  assert.equal(stats, { ok: 3, bad: 0, junk: 0, other: 0 });
  assert.equal(got[0], { type: "RMC", t: T_RMC, fix: true, sats: undefined, at: 100, leap: false });
  assert.equal(got[1], { type: "GGA", t: T_RMC, fix: true, sats: 8, at: 100, leap: false }, "GGA takes the RMC's date");
  assert.is(got[2].t, daysFromCivil(2002, 7, 4) * 86400 + 20 * 3600 + 15 * 60 + 30);
  assert.is(got[2].fix, undefined, "ZDA does not tell the fix");
});

test("any talker: GN, GL, GA, BD, GB; other sentences counted and skipped", () => {
  const body = RMC.slice(3, RMC.indexOf("*"));
  const { got, stats } = read(["GN", "GL", "GA", "BD", "GB"].map((t) => nmeaSum(t + body)).join("") + nmeaSum("GPGSV,3,1,11,03,03,111,00") + nmeaSum("PUBX,04,x"));
  assert.is(got.length, 5);
  assert.ok(got.every((s) => s.t == T_RMC));
  assert.is(stats.other, 2);
});

test("checksums: every byte of a sentence patched is caught; lower-case hex is accepted", () => {
  for (let i = 1; i < RMC.length - 5; i++) {
    const bad = RMC.slice(0, i) + String.fromCharCode(RMC.charCodeAt(i) ^ 4) + RMC.slice(i + 1);
    const { got, stats } = read(bad);
    if (bad[i] == "," || bad[i] == "$" || bad[i] == "*") continue;
    if (got.length) assert.unreachable(`byte ${i} patched: ${bad.trim()} was accepted`);
    assert.is(stats.bad + stats.junk + stats.other, 1, bad);
  }
  assert.is(read(GGA.replace("*47", "*4g")).stats.bad, 1);
  assert.is(read(RMC.replace("*6A", "*6a")).got.length, 1);
  assert.is(read(RMC.replace("*6A", "")).got.length, 0, "no checksum: not believed");
});

test("chunks of any size, garbage between sentences, a cut line and an overlong one: only what is broken is lost", () => {
  for (const chunk of [1, 2, 3, 7, 64]) assert.is(read(RMC + GGA + ZDA, { chunk }).got.length, 3, `chunks of ${chunk}`);
  const noise = "\x00\xff\x1b[2J$\r\n$GPR\x07junk";
  const cut = "$GPRMC,123519,A,4807.0";
  const long = "$GPTXT," + "x".repeat(200) + "*00\r\n";
  const { got, stats } = read(noise + RMC + cut + GGA + long + "\xfe\xfe" + ZDA, { chunk: 5 });
  assert.equal(got.map((s) => s.type), ["RMC", "GGA", "ZDA"]);
  assert.ok(stats.junk >= 4, `junk ${stats.junk}`);
});

test("a leap second 23:59:60 repeats 23:59:59 and says so; 60 at any other minute is no time", () => {
  const day = daysFromCivil(2016, 12, 31);
  const { got } = read(nmeaSum("GPZDA,235960.00,31,12,2016,00,00") + nmeaSum("GPZDA,235860.00,31,12,2016,00,00"));
  assert.is(got[0].t, day * 86400 + 86399);
  assert.is(got[0].leap, true);
  assert.ok(Number.isNaN(got[1].t));
});

test("GGA across midnight: the next day; a receiver without a fix: its fix counts, its empty time does not", () => {
  const { got } = read(nmeaSum("GPRMC,235959.00,A,,,,,,,311226,,,A") + nmeaSum("GPGGA,000000.00,,,,,1,05,,,,,,,") +
    nmeaSum("GPRMC,,V,,,,,,,,,,N") + nmeaSum("GPGGA,,,,,,0,00,99.99,,,,,,"));
  assert.is(got[0].t, daysFromCivil(2026, 12, 31) * 86400 + 86399);
  assert.is(got[1].t, daysFromCivil(2027, 1, 1) * 86400);
  assert.is(got[2].fix, false);
  assert.ok(Number.isNaN(got[2].t));
  assert.equal([got[3].fix, got[3].sats], [false, 0]);
});

test("two-digit years and the week-rollover bug against the build date", () => {
  const pivot = daysFromCivil(2026, 11, 1) * 86400;
  // 2026-11-21 as a receiver with the 2019 rollover bug reports it: 1024 weeks earlier, 2007-04-07
  const early = daysFromCivil(2026, 11, 21) * 86400 - 1024 * 604800;
  const d = new Date(early * 1000);
  const ddmmyy = String(d.getUTCDate()).padStart(2, "0") + String(d.getUTCMonth() + 1).padStart(2, "0") + String(d.getUTCFullYear() % 100).padStart(2, "0");
  const { got } = read(nmeaSum(`GPRMC,000000.00,A,,,,,,,${ddmmyy},,,A`), { pivot });
  assert.is(got[0].t, daysFromCivil(2026, 11, 21) * 86400);
  assert.is(read(RMC).got[0].t, T_RMC, "94 is 1994");
});

test("at 9600 baud each '$' is dated back from the chunk's arrival by the bytes after it", () => {
  const { got } = read(RMC + GGA, { baud: 9600, t: 1000 });
  assert.ok(Math.abs(got[0].at - (1000 - ((RMC.length + GGA.length - 1) * 10) / 9600)) < 1e-9);
  assert.ok(Math.abs(got[1].at - (1000 - ((GGA.length - 1) * 10) / 9600)) < 1e-9);
});

test("a sentence is dated from the chunk its line ends in: a clock set between chunks dates it by the new clock", () => {
  // RMC and the first 20 bytes of GGA, then the clock set an hour on (as the time server's
  // first second sets it), then the rest of GGA and a ZDA.
  for (const baud of [0, 9600]) {
    const got: Sentence[] = [];
    const r = createNmea(0, baud, (s) => got.push(s));
    const text = RMC + GGA + ZDA;
    const cut = RMC.length + 20;
    r.feed(text.slice(0, cut), 100);
    r.feed(text.slice(cut), 3700.5);
    const rest = text.length - cut;
    const back = (bytes: number) => (baud ? (bytes * 10) / baud : 0);
    assert.ok(Math.abs(got[0].at - (100 - back(cut - 1))) < 1e-9, "RMC by the clock it came by");
    assert.ok(Math.abs(got[1].at - (3700.5 - back(rest + 19))) < 1e-9, `GGA, begun before the clock was set and ended after, by the new clock: ${got[1].at}`);
    assert.ok(Math.abs(got[2].at - (3700.5 - back(ZDA.length - 1))) < 1e-9, "ZDA");
  }
});

test("the week-rollover bug: a date 1024 weeks early is moved on, a right one is not", () => {
  const pivot = daysFromCivil(2026, 11, 1) * 86400;
  const now = daysFromCivil(2026, 11, 21) * 86400;
  assert.is(unrollWeeks(now - 1024 * 604800, pivot), now);
  assert.is(unrollWeeks(now, pivot), now);
  assert.ok(Number.isNaN(unrollWeeks(NaN, pivot)));
});

test.run();
