import { test } from "uvu";
import * as assert from "uvu/assert";
import { ANSWER, DROP, KISS, createLimiter } from "../../lib/ratelimit";

test("a burst of 8 at once, then the 9th told RATE and the rest dropped", () => {
  const l = createLimiter(2, 8, 4);
  const v = Array.from({ length: 12 }, () => l.check("10.0.0.1", 100));
  assert.equal(v, [0, 0, 0, 0, 0, 0, 0, 0, KISS, DROP, DROP, DROP]);
  assert.is(l.check("10.0.0.2", 100), ANSWER, "another client is not affected");
});

test("a client at the allowed rate is always answered", () => {
  const l = createLimiter(2, 8, 4);
  for (let t = 0; t < 1000; t += 2) assert.is(l.check("10.0.0.1", t), ANSWER);
});

test("a client that keeps hammering stays limited; one that pauses gets its credit back", () => {
  const l = createLimiter(2, 8, 4);
  for (let t = 0; t < 60; t += 0.5) l.check("10.0.0.1", t);
  assert.is(l.check("10.0.0.1", 60), DROP);
  assert.is(l.check("10.0.0.1", 60 + 21), ANSWER, "(8 + 2) intervals later the bucket is full");
});

test("the table is bounded: idle clients make room, and when all are busy new ones share one entry", () => {
  const l = createLimiter(2, 2, 3);
  for (const ip of ["a", "b", "c"]) l.check(ip, 0);
  // all three busy: d and e share the overflow entry
  assert.is(l.check("d", 0.1), ANSWER);
  assert.is(l.check("e", 0.1), ANSWER);
  assert.is(l.check("d", 0.1), KISS);
  assert.is(l.clients(0.1, 10), 3);
  // later, a, b and c are idle again: f gets an entry of its own
  assert.is(l.check("f", 100), ANSWER);
  assert.is(l.check("f", 100), ANSWER);
  assert.is(l.check("f", 100), KISS);
  assert.is(l.clients(100, 10), 1);
});

test("a clock stepped back cannot lock a client out for longer than the cap", () => {
  const l = createLimiter(2, 8, 4);
  for (let i = 0; i < 20; i++) l.check("10.0.0.1", 1e9);
  assert.is(l.check("10.0.0.1", 1000), DROP);
  assert.is(l.check("10.0.0.1", 1000 + 21), ANSWER);
});

test.run();
