// Server selection by interval intersection: falsetickers out, majority or nothing.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Answer, select } from "../../lib/select";

const a = (server: string, offset: number, delay = 0.02): Answer => ({ server, offset, delay });
const names = (xs: Answer[]) => xs.map((x) => x.server).sort();

test("one falseticker among three is rejected; the best of the rest wins", () => {
  const c = select([a("A", 0.101, 0.03), a("B", 2.6, 0.01), a("C", 0.098, 0.02)], 0.005);
  assert.is(c.reason, "");
  assert.equal(names(c.agree), ["A", "C"]);
  assert.equal(names(c.reject), ["B"]);
  assert.is(c.best!.server, "C");
});

test("two against two, or every one alone, is no majority", () => {
  assert.is(select([a("A", 0), a("B", 0.001), a("C", 5), a("D", 5.001)], 0.005).reason, "nomajority");
  assert.is(select([a("A", 0), a("B", 1), a("C", 2)], 0.005).reason, "nomajority");
  assert.is(select([], 0.005).reason, "none");
});

test("one server is its own majority; two that agree are kept", () => {
  assert.is(select([a("A", 3)], 0.005).best!.server, "A");
  const two = select([a("A", 0.5, 0.1), a("B", 0.54, 0.02)], 0.005);
  assert.equal(names(two.agree), ["A", "B"]);
});

test("intervals that only touch still intersect; the floor widens tiny loopback delays", () => {
  // [0 - 0.01, 0 + 0.01] and [0.02 - 0.01, ...] meet at 0.01
  assert.is(select([a("A", 0, 0.02), a("B", 0.02, 0.02), a("C", 9)], 0).reason, "");
  assert.is(select([a("A", 0, 0.0002), a("B", 0.003, 0.0002), a("C", 9)], 0).reason, "nomajority");
  assert.is(select([a("A", 0, 0.0002), a("B", 0.003, 0.0002), a("C", 9)], 0.005).reason, "");
});

test("a chain where A meets B and B meets C but A misses C: the deepest overlap decides", () => {
  const c = select([a("A", 0, 0.02), a("B", 0.015, 0.02), a("C", 0.03, 0.02), a("D", 0.022, 0.002)], 0);
  assert.equal(names(c.agree), ["B", "C", "D"]);
  assert.equal(names(c.reject), ["A"]);
});

test.run();
