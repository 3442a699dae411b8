// The bench's fleet simulation, small: every device syncs once it has started, a batch of
// consecutive MACs spreads over startDelay, and the server's count per second is right.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadConfig } from "../../build.mjs";
import { FleetConfig, fleet } from "../../bench/fleet";

const FLEET = loadConfig("examples/fleet.json") as FleetConfig;
const DEFAULTS = loadConfig(undefined) as FleetConfig;

test("a batch of 480 on the fleet config: two a second at most, all synced within startDelay", () => {
  const f = fleet(480, FLEET, (i) => 0x0a1b00 + i, 900, 1);
  assert.is(f.synced, 480);
  // the last device starts just before startDelay; its sync ends one gap after its answer
  assert.ok(f.allSynced < FLEET.startDelay + 0.2 + FLEET.gap / 1000, String(f.allSynced));
  assert.ok(f.peak >= 2 && f.peak <= 3, `peak ${f.peak}`);
  // one exchange per round: 480 first rounds, then a round `poll` after each start
  assert.ok(f.requests >= 480 * 2 && f.requests <= 480 * 3, String(f.requests));
});

test("the fleet config: a device's second round comes after the last device's first (poll over startDelay), so the two never add up", () => {
  assert.ok(FLEET.poll > FLEET.startDelay);
});

test("the defaults: 200 devices within 5 s, four exchanges each, so a peak of hundreds", () => {
  const f = fleet(200, DEFAULTS, (i) => 0x0a1b00 + i, 60, 1);
  assert.is(f.synced, 200);
  assert.ok(f.allSynced < 8, String(f.allSynced));
  assert.ok(f.peak > 100, `peak ${f.peak}`);
  assert.is(f.requests, 800);
});

test("repeatable from the seed", () => {
  const a = fleet(300, FLEET, (i) => i * 7919, 900, 5);
  const b = fleet(300, FLEET, (i) => i * 7919, 900, 5);
  assert.equal(a, b);
});

test.run();
