// The saved record across a power cut in the middle of its write (firmware/settings.ts):
// Espruino's Storage writes a file's header with its length, then its bytes in order, so a
// cut leaves the bytes written so far and erased flash (0xFF) after them. At every point of
// the write, the next boot either reads the whole record or sets the damaged one aside and
// starts from the build config: never a part of it, never a crash.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkSaved } from "../../firmware/settings";

const IMAGE = "35d2e5b2";
const RECORD = JSON.stringify({ image: IMAGE, denied: { "time.bad:123": "DENY" }, rate: 256, host: "time.example:123", tz: 8 });

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
        assert.equal(s, { image: IMAGE, denied: { "time.bad:123": "DENY" }, rate: 256, host: "time.example:123", tz: 8 });
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
  assert.is(take({ image: "0badf00d", denied: {}, freq: -49.875 }).freq, undefined);
  const kept: string[] = [];
  assert.equal(checkSaved(JSON.stringify({ image: IMAGE, freq: "50" }), IMAGE, () => {}, (t) => kept.push(t)), { image: IMAGE, denied: {} });
  assert.is(kept.length, 1);
});

test.run();
