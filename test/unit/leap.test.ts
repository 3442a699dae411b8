// Leap seconds: which announcements lead to a step, and when.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { LEAP_STEP, leapAt } from "../../lib/leap";
import { daysFromCivil } from "../../lib/calendar";

const at = (y: number, m: number, d: number, s = 0) => daysFromCivil(y, m, d) * 86400 + s;

test("LI 1 on 30 June or 31 December: a step at the following midnight", () => {
  assert.is(leapAt(at(2026, 6, 30, 3600), 1), at(2026, 7, 1));
  assert.is(leapAt(at(2026, 12, 31, 86399), 1), at(2027, 1, 1));
  assert.is(leapAt(at(2016, 12, 31), 2), at(2017, 1, 1));
});

test("an announcement on any other day waits (servers that announce all month)", () => {
  assert.is(leapAt(at(2026, 6, 29, 43200), 1), 0);
  assert.is(leapAt(at(2026, 6, 1), 1), 0);
  assert.is(leapAt(at(2026, 3, 31), 1), 0);
  assert.is(leapAt(at(2026, 7, 1), 1), 0);
});

test("LI 0 and LI 3 (unsynchronised, never accepted) announce nothing", () => {
  assert.is(leapAt(at(2026, 6, 30), 0), 0);
  assert.is(leapAt(at(2026, 6, 30), 3), 0);
});

test("the step: back a second for an inserted one, forward for a deleted one", () => {
  assert.is(LEAP_STEP[1], -1);
  assert.is(LEAP_STEP[2], 1);
});

test.run();
