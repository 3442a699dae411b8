// Device images built with a display config, on the virtual clock: the panels' wiring, what
// they show across a DST change, the sync state, and the e-paper refresh rate.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildImage, loadConfig } from "../../build.mjs";
import { EspruinoVm } from "../helpers/espruino-vm";
import { advance, Behaviour, virtualServer } from "../helpers/virtual-server";
import { Frame, boardGlobals, fakeDisplayModules } from "../helpers/fake-displays";

const CET = "CET-1CEST,M3.5.0,M10.5.0/3";
// 2027-03-28 01:00 UTC: Berlin goes from 02:00 CET to 03:00 CEST
const SPRING = Date.UTC(2027, 2, 28, 1) / 1000;

async function panel(display: Record<string, unknown>, start: number, over: Record<string, unknown> = {}, behave?: Behaviour) {
  const calls: string[] = [];
  let dev: EspruinoVm;
  const fakes = fakeDisplayModules(() => dev.now(), (fn, ms) => dev.context.setTimeout(fn, ms));
  dev = new EspruinoVm({
    virtual: true, clockStart: start, globals: boardGlobals(calls),
    modules: { dgram: virtualServer(() => dev, [], 0, behave), ...fakes.modules },
  });
  const config = loadConfig(undefined, { host: "127.0.0.1:11123", tz: CET, console: false, startDelay: 0, display, ...over });
  dev.load(await buildImage({ board: "linux", config }), "linux.js");
  return { dev, calls, made: fakes.made };
}

const texts = (f: Frame) => f.texts.map((t) => t.s);
const at = (frames: Frame[], re: RegExp) => frames.find((f) => f.texts.some((t) => re.test(t.s)));

test("SSD1306 across Berlin's spring change: 01:59:59 UTC+1, then 03:00:00 UTC+2, redrawn every second", async () => {
  const p = await panel({ type: "ssd1306" }, SPRING - 10);
  await advance(p.dev, 20 * 1000);
  p.dev.dispose();
  assert.equal(p.calls, ['I2C1.setup {"scl":"B6","sda":"B7","bitrate":400000}']);
  assert.equal(p.made.map((m) => [m.module, m.args]), [["SSD1306", ["I2C1", { height: 64 }]]]);
  const frames = p.made[0].g.frames;
  assert.ok(frames.length >= 18 && frames.length <= 21, `${frames.length} frames in 20 s`);
  assert.equal(texts(at(frames, /^01:59:59$/)!), ["Sun 2027-03-28", "01:59:59", "UTC+1", "synced"]);
  assert.equal(texts(at(frames, /^03:00:00$/)!), ["Sun 2027-03-28", "03:00:00", "UTC+2", "synced"]);
  assert.not.ok(at(frames, /^02:/), "02:xx does not exist that night");
  // the first frame can come before the first sync
  assert.ok(frames.every((f) => ["synced", "not synced"].includes(f.texts[3].s)));
});

test("the sync state: not synced before the first sync, stale after four polls at maxPoll without one", async () => {
  let silent = true;
  const p = await panel({ type: "ssd1306", height: 32 }, SPRING, { poll: 16, maxPoll: 32 }, () => (silent ? "silent" : "ok"));
  const state = () => {
    const frames = p.made[0].g.frames;
    return frames[frames.length - 1].texts[3].s;
  };
  await advance(p.dev, 10 * 1000);
  assert.is(state(), "not synced");
  silent = false;
  await advance(p.dev, 60 * 1000);
  assert.is(state(), "synced");
  // the last good sync was 70 s into the test at the latest: stale 4 x 32 s after it
  silent = true;
  await advance(p.dev, 60 * 1000);
  assert.is(state(), "synced");
  await advance(p.dev, 150 * 1000);
  p.dev.dispose();
  assert.is(state(), "stale");
  assert.equal(p.made[0].args, ["I2C1", { height: 32 }]);
});

test("Memory LCD: SPI LSB first at 4 MHz, SCS and EXTCOMIN pins, black on white, the configured size", async () => {
  const p = await panel({ type: "memorylcd", width: 400, height: 240, cs: "A1" }, SPRING - 3600 * 24);
  await advance(p.dev, 5 * 1000);
  p.dev.dispose();
  assert.equal(p.calls, ['SPI1.setup {"sck":"B3","mosi":"B5","order":"lsb","baud":4000000}']);
  assert.equal(p.made[0].args, ["SPI1", "A1", "B6", 400, 240]);
  const g = p.made[0].g;
  assert.equal(g.calls.slice(0, 3), ["setBgColor 1", "setColor 0", "clear"]);
  assert.equal(texts(g.frames[g.frames.length - 1]).slice(0, 3), ["Sat 2027-03-27", g.frames[g.frames.length - 1].texts[1].s, "UTC+1"]);
  assert.is(g.frames[g.frames.length - 1].texts[1].scale, 8);
});

test("e-paper (SSD1606): hours and minutes, refreshed once a minute at most and never during a refresh", async () => {
  const p = await panel({ type: "ssd1606", power: "B4" }, SPRING - 30 * 60);
  await advance(p.dev, 45 * 60 * 1000);
  p.dev.dispose();
  const m = p.made[0];
  assert.equal(m.args, [{ displayType: "GDE021A1", spi: "SPI1", cs1Pin: "A6", dcPin: "A8", resetPin: "B1", busyPin: "A1", bs1Pin: undefined, powerPin: "B4" }]);
  assert.equal(m.g.calls.slice(0, 4), ["power on", "setRotation 1", "setColor 0", "clear 255"]);
  // the first picture at boot, then one a minute: 45 or 46 in 45 minutes
  assert.ok(m.refreshes.length >= 45 && m.refreshes.length <= 46, `${m.refreshes.length} refreshes`);
  for (let i = 2; i < m.refreshes.length; i++) assert.ok(m.refreshes[i] - m.refreshes[i - 1] >= 59, `refreshes ${m.refreshes[i] - m.refreshes[i - 1]} s apart`);
  const shown = m.g.frames.map((f) => f.texts[1].s);
  assert.ok(shown.includes("01:59") && shown.includes("03:00") && !shown.some((s) => s.startsWith("02:")), shown.join(" "));
  assert.ok(shown.every((s) => /^\d\d:\d\d$/.test(s)));
});

test("a boot connects the panel again; the build refuses an unknown display or a key its type does not use", async () => {
  const p = await panel({ type: "ssd1306" }, SPRING);
  await advance(p.dev, 2 * 1000);
  p.dev.boot();
  await advance(p.dev, 2 * 1000);
  p.dev.dispose();
  assert.is(p.made.length, 2);
  assert.ok(p.made[1].g.frames.length >= 1, "the new panel is drawn");
  assert.throws(() => loadConfig(undefined, { display: { type: "st7789" } }), /display.type must be one of memorylcd, ssd1306, ssd1606/);
  assert.throws(() => loadConfig(undefined, { display: { type: "ssd1306", extcomin: "B6" } }), /extcomin are not used by ssd1306/);
});

test.run();
