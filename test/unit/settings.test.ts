// The saved record across a power cut in the middle of its write (firmware/settings.ts):
// Espruino's Storage writes a file's header with its length, then its bytes in order, so a
// cut leaves the bytes written so far and erased flash (0xFF) after them. At every point of
// the write, the next boot either reads the whole record or sets the damaged one aside and
// starts from the build config: never a part of it, never a crash.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkSaved, saveFreq } from "../../firmware/settings";
import { Resident } from "../../firmware/state";
import { DISCIPLINE_LENGTH, measure, warm } from "../../lib/discipline";

const IMAGE = "35d2e5b2";
const RECORD = JSON.stringify({ image: IMAGE, denied: { "time.bad:123": "DENY" }, rate: 256, host: "time.example:123", tz: 8, freq: -49.875, skew: 0.052 });

for (const erased of [false, true]) {
  test(`a power cut at every byte of the record's write${erased ? " (the rest erased flash, 0xFF)" : ""}: read whole, or set aside`, () => {
    let whole = 0;
    let aside = 0;
    for (let k = 0; k <= RECORD.length; k++) {
      const text = RECORD.slice(0, k) + (erased ? "\xff".repeat(RECORD.length - k) : "");
      const logs: string[] = [];
      const kept: string[] = [];
      const s = checkSaved(text, IMAGE, (l) => logs.push(l), (t) => kept.push(t));
      if (k == RECORD.length) {
        assert.equal(s, { image: IMAGE, denied: { "time.bad:123": "DENY" }, rate: 256, host: "time.example:123", tz: 8, freq: -49.875, skew: 0.052 });
        whole++;
        continue;
      }
      // cut short: nothing of it taken, the text set aside as it was, one line said
      assert.equal(s, { image: IMAGE, denied: {} }, `cut at ${k}: ${JSON.stringify(s)}`);
      assert.equal(kept, [text]);
      assert.is(logs.length, 1);
      aside++;
    }
    assert.equal([whole, aside], [1, RECORD.length]);
  });
}

test("an empty file (a cut before the first byte) is set aside too; no file is a first boot", () => {
  const kept: string[] = [];
  assert.equal(checkSaved("", IMAGE, () => {}, (t) => kept.push(t)), { image: IMAGE, denied: {} });
  assert.equal(kept, [""]);
  assert.equal(checkSaved(undefined, IMAGE, () => {}, () => assert.unreachable("nothing to set aside")), { image: IMAGE, denied: {} });
});

test("the saved frequency error: this image's is taken, another image's is not, and a wrong type is a damaged record", () => {
  const take = (v: object) => checkSaved(JSON.stringify(v), IMAGE, () => {}, () => {});
  assert.is(take({ image: IMAGE, denied: {}, freq: -49.875 }).freq, -49.875);
  assert.is(take({ image: IMAGE, denied: {}, freq: -49.875, skew: 0.052 }).skew, 0.052);
  assert.not.ok("skew" in take({ image: IMAGE, denied: {}, freq: -49.875 }), "a record from before the skew was kept: none made up");
  assert.equal(take({ image: IMAGE, denied: {}, freq: -49.875, skew: -1 }), { image: IMAGE, denied: {} }, "a skew below zero is a damaged record");
  assert.is(take({ image: "0badf00d", denied: {}, freq: -49.875 }).freq, undefined);
  const kept: string[] = [];
  assert.equal(checkSaved(JSON.stringify({ image: IMAGE, freq: "50" }), IMAGE, () => {}, (t) => kept.push(t)), { image: IMAGE, denied: {} });
  assert.is(kept.length, 1);
});

test("the frequency is saved with its standard error once known within 1 ppm; again after an hour when it moved 1 ppm or is known better; never twice in an hour", () => {
  let now = 1_780_000_000;
  const writes: string[] = [];
  const r = { saved: { image: IMAGE, denied: {} }, dev: { clock: () => now }, store: { write: (_n: string, t: string) => writes.push(t) } } as unknown as Resident;
  // the discipline as four syncs leave it, its frequency `ppm` known to `skew` ppm: a warm
  // start's, the syncs (a second apart) too close together to fit another
  const known = (ppm: number, skew: number) => {
    const clk = { clock: () => now, moveBy: () => {} };
    r.disc = new Float64Array(DISCIPLINE_LENGTH);
    warm(r.disc, clk, ppm * 1e-6, skew * 1e-6);
    for (let i = 0; i < 4; i++) {
      measure(r.disc, clk, { stepThreshold: 0.128 }, 0, 0.001);
      now += 1;
    }
  };
  const step = (ppm: number, skew: number, hours: number) => {
    now += hours * 3600;
    known(ppm, skew);
    saveFreq(r);
    return writes.length ? JSON.parse(writes[writes.length - 1]) : null;
  };
  assert.is(step(-50, 1.5, 0), null, "not known within 1 ppm");
  assert.equal(step(-50, 0.8, 0), { image: IMAGE, denied: {}, freq: -50, skew: 0.8 });
  step(-48, 0.1, 0.5);
  assert.is(writes.length, 1, "within the hour: not again");
  step(-50.2, 0.8, 1);
  assert.is(writes.length, 1, "an hour on, moved 0.2 ppm and known to 0.8 as before: not again");
  assert.equal(step(-50.2, 0.7, 0), { image: IMAGE, denied: {}, freq: -50.2, skew: 0.7 }, "known better");
  step(-50.2, 0.7, 1);
  assert.is(writes.length, 2, "known no better: not again");
  assert.equal(step(-51.3, 0.9, 0), { image: IMAGE, denied: {}, freq: -51.3, skew: 0.9 }, "moved more than 1 ppm");
  assert.is(writes.length, 3);
});

test.run();
