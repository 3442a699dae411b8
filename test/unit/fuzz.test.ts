// The fuzzer's short run (npm run fuzz does a million): 60,000 inputs over the four targets
// from a fixed seed, and as many from a fresh one (printed, to replay), must give no
// exception, nothing accepted that the oracles refuse and nothing refused that they accept. Then the inputs the fuzzer found
// that were once accepted, kept as cases.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fuzz } from "../../tools/fuzz";
import { atEngine, count, fields } from "../../boards/at";
import { createNmea } from "../../lib/nmea";

for (const seed of [1, (Date.now() % 1e9) >>> 0]) {
  test(`fuzz, seed ${seed}: no exception, nothing invalid accepted, nothing valid refused`, () => {
    const r = fuzz(60000, seed);
    for (const [target, s] of Object.entries(r)) {
      assert.is(s.exceptions, 0, `${target} (seed ${seed}): ${s.examples.join("; ")}`);
      assert.is(s.acceptedInvalid, 0, `${target} (seed ${seed}): ${s.examples.join("; ")}`);
      assert.is(s.refusedValid, 0, `${target} (seed ${seed}): ${s.examples.join("; ")}`);
      assert.ok(s.accepted > 0 && s.accepted < s.inputs, `${target}: ${s.accepted} of ${s.inputs} accepted`);
    }
  });
}

test("found by the fuzzer: a frame length that is not a whole number, an empty connect id, are no frames", () => {
  let feed: (d: string) => void = () => {};
  const got: string[] = [];
  const at = atEngine({ write: () => {}, on: (_e, fn) => (feed = fn) }, { clock: () => 0, after: () => 1, disarm: () => {} });
  at.frame({ head: "+IPD,", stop: ":", size: (h) => count(fields(h)[1]), got: (d) => got.push(d) });
  at.frame({ head: '+QIURC: "recv",', stop: "\n", size: (h) => (fields(h).length == 5 && count(fields(h)[1]) == 0 ? count(fields(h)[2]) : -1), got: (d) => got.push(d) });
  for (const s of ['+IPD,4(,"1.2.3.4",123:abcd\r\n', '+IPD,,"1.2.3.4",123:\r\n', '+QIURC: "recv", ,4,"1.2.3.4",123\r\nabcd\r\n', '+QIURC: "recv",0,%8,"1.2.3.4",123\r\n\r\n']) feed(s);
  assert.equal(got, []);
  feed('+IPD,4,"1.2.3.4",123:abcd\r\n');
  assert.equal(got, ["abcd"]);
  assert.equal([count("48"), count(""), count(" "), count("3.5"), count("-1"), count(undefined)], [48, -1, -1, -1, -1, -1]);
});

test("found by the fuzzer: a talker that is not two letters ($G@ZDA) is not a sentence", () => {
  const got: string[] = [];
  const nmea = createNmea(1790000000, 0, (s) => got.push(s.type));
  nmea.feed("$G@ZDA,142030.00,14,10,2026,00,00*70\r\n$GPZDA,142030.00,14,10,2026,00,00*60\r\n", 0);
  assert.equal(got, ["ZDA"]);
  assert.is(nmea.stats.other, 1);
});

test.run();
