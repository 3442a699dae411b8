// The face off the device (tools/face.mjs: displays/render.ts on a one-bit canvas, for
// `npm start -- --display`) against Espruino's own Graphics drawing the same face in the
// real interpreter, pixel for pixel, on every panel size the clock drives.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build } from "esbuild";
import { join } from "node:path";
import { FACES, blocks, canvas, inInterpreter, png, renderer, viewOf } from "../../tools/face.mjs";
import { deviceMissing } from "../helpers/device";
import { guarded } from "../helpers/skip";
import { inflateSync } from "node:zlib";

const deviceTest = guarded("face.test.ts", deviceMissing(["linux"]));
const ROOT = join(import.meta.dirname, "../..");

const VIEWS = [
  { t: [2027, 3, 28, 3, 0, 0, 6], zone: "UTC+2", state: "synced" },
  { t: [2026, 12, 31, 23, 59, 59, 3], zone: "UTC-3:30", state: "not synced" },
  { t: [2027, 7, 1, 1, 59, 60, 3], zone: "UTC+5:45", state: "stale" },
];
const SIZES = [...Object.entries(FACES).map(([name, f]) => ({ name, ...f })), { name: "memorylcd 400x240", width: 400, height: 240, seconds: true }, { name: "memorylcd 96x96", width: 96, height: 96, seconds: true }];

deviceTest("every panel size and view: the canvas draws what Espruino 2v29's Graphics draws, pixel for pixel", async () => {
  const render = await renderer();
  const code = (await build({ entryPoints: [join(ROOT, "displays/render.ts")], bundle: true, write: false, format: "iife", globalName: "FACE", target: "es2020", logLevel: "silent" })).outputFiles[0].text;
  let frames = 0;
  for (const s of SIZES)
    for (const v of VIEWS) {
      const script = `${code}\nvar g=Graphics.createArrayBuffer(${s.width},${s.height},1,{msb:true});FACE.render(g,${JSON.stringify(v)},${s.seconds});print("FRAME "+btoa(g.buffer));`;
      const device = Buffer.from(inInterpreter(script, "FRAME"), "base64");
      const c = canvas(s.width, s.height);
      render(c, v, s.seconds);
      const ink = c.buffer.reduce((n: number, b: number) => n + (b.toString(2).split("1").length - 1), 0);
      assert.ok(ink > 200, `${s.name}: ${ink} pixels of ink`);
      assert.is(device.length, c.buffer.length);
      const diff = [...device].findIndex((b, i) => b != c.buffer[i]);
      assert.is(diff, -1, `${s.name} ${JSON.stringify(v)}: first differing byte ${diff}\n${blocks(c).join("\n")}`);
      frames++;
    }
  assert.is(frames, SIZES.length * VIEWS.length);
});

deviceTest("the terminal and PNG forms of one frame, and the console line read back as a view", async () => {
  const render = await renderer();
  const c = canvas(128, 64);
  render(c, viewOf("2027-03-28 03:00:00 UTC+2")!, true);
  const lines = blocks(c);
  assert.is(lines.length, 32);
  assert.ok(lines.every((l: string) => [...l].length == 128));
  const p = png(c);
  assert.equal([...p.subarray(1, 4)], [80, 78, 71]);
  // IDAT inflated: one filter byte and 128 grey bytes a row, black where the canvas has ink
  const at = p.indexOf(Buffer.from("IDAT"));
  const raw = inflateSync(p.subarray(at + 4, at + 4 + p.readUInt32BE(at - 4)));
  assert.is(raw.length, 64 * 129);
  for (let y = 0; y < 64; y++) for (let x = 0; x < 128; x++) assert.is(raw[y * 129 + 1 + x] == 0, !!c.pixel(x, y));
  assert.equal(viewOf("2026-11-22 03:16:40 UTC+8 (not synced)"), { t: [2026, 11, 22, 3, 16, 40, 6], zone: "UTC+8", state: "not synced" });
  assert.is(viewOf("ntptime: 127.0.0.1:123 ..."), null);
});

test.run();
