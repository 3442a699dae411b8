// lib/alarm.ts: what `when` may say, and the Unix time it names, against Node's own Date in
// real zones (the IANA database) across both DST changes of the year.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { EVERY_DAY, localToUnix, nextAt, parseWhen } from "../../lib/alarm";
import { parseTz, offsetAt } from "../../lib/tz";
import { daysFromCivil } from "../../lib/calendar";

test("parseWhen: every day, weekdays, ranges, lists, one-off dates, with or without seconds", () => {
  assert.equal(parseWhen("07:00"), { days: EVERY_DAY, date: -1, secs: 7 * 3600 });
  assert.equal(parseWhen("23:59:59"), { days: EVERY_DAY, date: -1, secs: 86399 });
  assert.equal(parseWhen("Mon-Fri 06:30"), { days: 0b0011111, date: -1, secs: 6.5 * 3600 });
  assert.equal(parseWhen("Sat,Sun 09:00"), { days: 0b1100000, date: -1, secs: 9 * 3600 });
  assert.equal(parseWhen("Fri-Mon 09:00")!.days, 0b1110001);
  assert.equal(parseWhen("Mon-Wed,Fri 09:00")!.days, 0b0010111);
  assert.equal(parseWhen("Sun 00:00:01"), { days: 0b1000000, date: -1, secs: 1 });
  assert.equal(parseWhen("2027-01-01 00:00"), { days: 0, date: daysFromCivil(2027, 1, 1), secs: 0 });
  assert.equal(parseWhen("2028-02-29 12:00")!.date, daysFromCivil(2028, 2, 29));
});

test("parseWhen refuses what is not a time: each a null, never a guess", () => {
  for (const bad of ["", "7", "24:00", "07:60", "07:00:60", "7:0:0:0", "07-00", "mon 07:00", "Mo 07:00", "onT 07:00", "Mon-Tue-Wed 07:00",
    "Mon- 07:00", "Monday 07:00", "2027-02-29 07:00", "2027-13-01 07:00", "27-01-01 07:00", "1969-12-31 07:00", "Mon 07:00 x",
    "07:00 ", " 07:00", "0x7:00", "07:0a", null, 7, {}])
    assert.is(parseWhen(bad), null, JSON.stringify(bad));
});

/** A zone as the image carries it, and Node's Date in the same zone as the oracle (process.env.TZ). */
function zone(tz: string, iana: string) {
  const z = parseTz(tz)!;
  const offset = (t: number) => offsetAt(z, t);
  const oracle = (y: number, m: number, d: number, secs: number) => {
    process.env.TZ = iana;
    const t = new Date(y, m - 1, d, Math.floor(secs / 3600), Math.floor(secs / 60) % 60, secs % 60).getTime() / 1000;
    delete process.env.TZ;
    return t;
  };
  return { offset, oracle };
}

const ZONES: [string, string][] = [
  ["CET-1CEST,M3.5.0,M10.5.0/3", "Europe/Berlin"],
  ["EST5EDT,M3.2.0,M11.1.0", "America/New_York"],
  ["AEST-10AEDT,M10.1.0,M4.1.0/3", "Australia/Sydney"],
  ["<+0530>-5:30", "Asia/Kolkata"],
];

test("localToUnix reads every quarter hour of 2027 as Node's Date does, the skipped and the repeated hours included", () => {
  for (const [tz, iana] of ZONES) {
    const { offset, oracle } = zone(tz, iana);
    let checked = 0;
    for (let day = daysFromCivil(2027, 1, 1); day < daysFromCivil(2028, 1, 1); day++)
      for (let secs = 0; secs < 86400; secs += 900) {
        const [y, m, d] = new Date(day * 86400000).toISOString().slice(0, 10).split("-").map(Number);
        assert.is(localToUnix(day, secs, offset), oracle(y, m, d, secs), `${iana} ${y}-${m}-${d} ${secs / 3600} h`);
        checked++;
      }
    assert.is(checked, 365 * 96);
  }
});

test("nextAt: weekdays only on their days, strictly after `after`, a one-off once", () => {
  const { offset } = zone(ZONES[0][0], ZONES[0][1]);
  const w = parseWhen("Mon-Fri 07:00")!;
  let t = Date.UTC(2027, 0, 1) / 1000;
  const days = new Set<string>();
  for (let i = 0; i < 261; i++) {
    const n = nextAt(w, t, offset);
    assert.ok(n > t);
    const local = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Berlin", weekday: "short", hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(n * 1000);
    assert.match(local, /^(Mon|Tue|Wed|Thu|Fri) 07:00:00$/, local);
    days.add(new Date(n * 1000).toISOString().slice(0, 10));
    t = n;
  }
  assert.is(days.size, 261, "every weekday of 2027 once");
  const once = parseWhen("2027-06-01 12:00")!;
  const at = nextAt(once, Date.UTC(2027, 0, 1) / 1000, offset);
  assert.is(at, Date.UTC(2027, 5, 1, 10) / 1000);
  assert.is(nextAt(once, at, offset), 0);
});

test.run();
