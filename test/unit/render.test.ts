// The clock face on each panel size, recorded through a Graphics-like recorder.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { render, View } from "../../displays/render";
import { Recorder, overlap } from "../helpers/fake-displays";
import { civil } from "../../lib/calendar";

// 2027-03-28 00:59:59 UTC, a Sunday: Berlin's last second of winter time, 01:59:59 UTC+1.
const T = Date.UTC(2027, 2, 28, 0, 59, 59) / 1000;
const view = (t: number, zone: string, state: string): View => ({ t: civil(t), zone, state });

function draw(w: number, h: number, v: View, seconds = true) {
  const g = new Recorder(w, h, () => 0);
  render(g, v, seconds);
  g.flip();
  return g.frames[0].texts;
}

test("a 128x64 SSD1306: date on top, the time at twice the font, zone and state in the bottom corners", () => {
  const texts = draw(128, 64, view(T + 3600, "UTC+1", "synced"));
  assert.equal(texts, [
    { s: "Sun 2027-03-28", x: 22, y: 0, scale: 1 },
    { s: "01:59:59", x: 16, y: 24, scale: 2 },
    { s: "UTC+1", x: 0, y: 56, scale: 1 },
    { s: "synced", x: 92, y: 56, scale: 1 },
  ]);
});

test("a second later the same panel shows summer time", () => {
  const texts = draw(128, 64, view(T + 1 + 7200, "UTC+2", "synced"));
  assert.equal(texts.map((t) => t.s), ["Sun 2027-03-28", "03:00:00", "UTC+2", "synced"]);
});

test("every panel size: all text on the panel, nothing overlapping, the time the largest", () => {
  const sizes: [number, number, boolean][] = [[128, 64, true], [128, 32, true], [96, 96, true], [168, 144, true], [400, 240, true], [172, 72, false]];
  const states = ["synced", "stale", "not synced"];
  for (const [w, h, seconds] of sizes)
    for (const state of states)
      for (const zone of ["UTC+0", "UTC-3:30", "UTC+10:30"]) {
        // the recorder throws on text off the panel
        const texts = draw(w, h, view(T, zone, state), seconds);
        assert.is(texts.length, 4);
        for (let i = 0; i < texts.length; i++)
          for (let j = i + 1; j < texts.length; j++)
            assert.not.ok(overlap(texts[i], texts[j]), `${w}x${h} ${zone} ${state}: "${texts[i].s}" overlaps "${texts[j].s}"`);
        const time = texts[1];
        assert.ok(texts.every((t) => t.scale <= time.scale), `${w}x${h}: the time is not the largest`);
        assert.is(time.s, seconds ? "00:59:59" : "00:59");
      }
});

test("sizes: the time fills the width of a 400x240 Memory LCD; a 96 px panel stacks state above zone", () => {
  const big = draw(400, 240, view(T, "UTC+1", "synced"));
  assert.is(big[1].scale, 8);
  assert.is(big[0].scale, 2);
  const small = draw(96, 96, view(T, "UTC+10:30", "not synced"));
  assert.equal(small.slice(2).map((t) => [t.s, t.y]), [["UTC+10:30", 88], ["not synced", 80]]);
});

test("e-paper (172x72 turned): hours and minutes only, five times the font", () => {
  const texts = draw(172, 72, view(T, "UTC+0", "stale"), false);
  assert.equal(texts[1], { s: "00:59", x: 11, y: 16, scale: 5 });
});

test.run();
