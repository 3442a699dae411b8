// The poll interval policy on its own: doubling while the clock holds, floor after a step,
// exponential backoff on failure, RATE, and the 15 s floor of RFC 4330 s10.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { nextPoll } from "../lib/poll";

const L = { poll: 64, maxPoll: 1024 };

test("a clock that holds doubles the interval up to maxPoll", () => {
  const seen: number[] = [];
  let t = 64;
  for (let i = 0; i < 6; i++) seen.push((t = nextPoll(t, L, 0.002, 0, false)));
  assert.equal(seen, [128, 256, 512, 1024, 1024, 1024]);
});

test("a step (offset above 128 ms) goes back to poll", () => {
  assert.is(nextPoll(1024, L, 0.2, 0, false), 64);
  assert.is(nextPoll(1024, L, -5, 0, false), 64);
});

test("failures back off from poll, doubling, capped", () => {
  assert.equal([0, 1, 2, 3, 4, 5, 30].map((f) => nextPoll(1024, L, undefined, f, false)), [64, 128, 256, 512, 1024, 1024, 1024]);
});

test("RATE quadruples, capped", () => {
  assert.is(nextPoll(64, L, undefined, 0, true), 256);
  assert.is(nextPoll(512, L, 0, 0, true), 1024);
});

test("never below 15 s, whatever the config says", () => {
  assert.is(nextPoll(1, { poll: 1, maxPoll: 1 }, 0, 0, false), 15);
  assert.is(nextPoll(1, { poll: 1, maxPoll: 2 }, undefined, 0, false), 15);
});

test.run();
