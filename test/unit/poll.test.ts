// The poll interval policy on its own: doubling while the estimate holds, halving outside
// it, floor after a step, exponential backoff on failure, RATE, the 15 s floor of RFC 4330
// s10; and the first round's start from the device id.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { nextPoll, startWait } from "../../lib/poll";

const L = { poll: 64, maxPoll: 1024 };

test("an estimate that holds doubles the interval up to maxPoll", () => {
  const seen: number[] = [];
  let t = 64;
  for (let i = 0; i < 6; i++) seen.push((t = nextPoll(t, L, "held", 0, false)));
  assert.equal(seen, [128, 256, 512, 1024, 1024, 1024]);
});

test("a step goes back to poll; a sync outside the estimate halves the interval", () => {
  assert.is(nextPoll(1024, L, "step", 0, false), 64);
  assert.is(nextPoll(1024, L, "slew", 0, false), 512);
  assert.is(nextPoll(64, L, "slew", 0, false), 64);
});

test("failures back off from poll, doubling, capped", () => {
  assert.equal([0, 1, 2, 3, 4, 5, 30].map((f) => nextPoll(1024, L, undefined, f, false)), [64, 128, 256, 512, 1024, 1024, 1024]);
});

test("RATE quadruples, capped", () => {
  assert.is(nextPoll(64, L, undefined, 0, true), 256);
  assert.is(nextPoll(512, L, "held", 0, true), 1024);
});

test("never below 15 s, whatever the config says", () => {
  assert.is(nextPoll(1, { poll: 1, maxPoll: 1 }, "held", 0, false), 15);
  assert.is(nextPoll(1, { poll: 1, maxPoll: 2 }, undefined, 0, false), 15);
});

test("the first round's second and its place within it come from the device id", () => {
  // consecutive ids (a batch's MACs) fill the seconds of the spread evenly, and spread
  // through each second, so that a request late in one second seldom meets the next's
  const starts: number[] = [];
  for (let id = 0x0a1b00; id < 0x0a1b00 + 10000; id++) starts.push(startWait(id, Math.random(), 240));
  const perSecond = new Array(240).fill(0);
  starts.forEach((t) => perSecond[Math.floor(t)]++);
  assert.is(Math.max(...perSecond), 42);
  assert.is(Math.min(...perSecond), 41);
  // shifted by 30 ms (a request on its way), no second gets more than 2 extra
  const shifted = new Array(241).fill(0);
  starts.forEach((t) => shifted[Math.floor(t + 0.03)]++);
  assert.ok(Math.max(...shifted) <= 44, String(Math.max(...shifted)));
  assert.ok(starts.every((t) => t >= 0 && t < 240));
  assert.is(startWait(2, 0.5, 5), 2);
  assert.is(startWait(7, 0.5, 5), 2 + 0.6180339887);
  assert.is(startWait(12, 0.5, 5), 2 + ((2 * 0.6180339887) % 1));
  // below one second there is no slot: chance alone
  assert.is(startWait(99, 0.5, 0.4), 0.2);
  assert.is(startWait(99, 0.5, 0), 0);
});

test.run();
