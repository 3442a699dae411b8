// The clock face off the device: displays/render.ts (the renderer the images run) drawn onto
// a one-bit canvas that behaves as Espruino's Graphics.createArrayBuffer(w, h, 1, {msb:true})
// for the calls the face makes, with the 6x8 bitmap font every Espruino build has. The font
// is Espruino's: it is not in this project, so it is read from the interpreter itself
// (../shared/espruino, built once by its build.sh), which draws each character once.
import { spawnSync } from "node:child_process";
import { deflateSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { DISPLAYS } from "../displays/wiring.mjs";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/** The panels a config may name, at the size the clock draws them by default (displays/wiring.mjs); the e-paper shows no seconds (displays/ssd1606.ts). */
export const FACES = Object.fromEntries(Object.entries(DISPLAYS).map(([type, w]) => [type, { width: w.width, height: w.height, seconds: type != "ssd1606" }]));

/** The Espruino Linux interpreter: $ESPRUINO_BIN, or built (and cached) by ../shared/espruino/build.sh. */
export function interpreter() {
  if (process.env.ESPRUINO_BIN) return process.env.ESPRUINO_BIN;
  const r = spawnSync("bash", [join(ROOT, "..", "shared", "espruino", "build.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const m = /ESPRUINO_BIN=("?)([^"\n]+)\1/.exec(r.stdout || "");
  if (!m) throw new Error("no Espruino interpreter: ../shared/espruino/build.sh did not build one (its font draws the face)");
  return m[2];
}

/** Runs a script in the interpreter (stdin closed, killed after `ms`) and gives the text after `tag `. */
export function inInterpreter(script, tag, ms = 10000) {
  const r = spawnSync(interpreter(), ["-e", script], { encoding: "latin1", timeout: ms, killSignal: "SIGKILL", input: "" });
  const m = new RegExp("^" + tag + " (\\S+)", "m").exec(r.stdout || "");
  if (!m) throw new Error(`the interpreter did not answer ${tag}: ${(r.stdout || "").slice(-500)} ${r.error || ""}`);
  return m[1];
}

let glyphs = null;
/** Each printable ASCII character of the 6x8 font as 8 rows of 6 bits, drawn by the interpreter once. */
export function font() {
  if (glyphs) return glyphs;
  const n = 95;
  const b64 = inInterpreter(`var g=Graphics.createArrayBuffer(${6 * n},8,1,{msb:true});g.setFont("6x8",1);for(var c=32;c<127;c++)g.drawString(String.fromCharCode(c),(c-32)*6,0);print("GLYPHS "+btoa(g.buffer));`, "GLYPHS");
  const bits = Buffer.from(b64, "base64");
  glyphs = [];
  for (let c = 0; c < n; c++) {
    const rows = [];
    for (let y = 0; y < 8; y++) {
      let row = 0;
      for (let x = 0; x < 6; x++) {
        // (pixels packed row after row with no padding, msb first)
        const i = y * 6 * n + c * 6 + x;
        row = (row << 1) | ((bits[i >> 3] >> (7 - (i & 7))) & 1);
      }
      rows.push(row);
    }
    glyphs.push(rows);
  }
  return glyphs;
}

/** A one-bit canvas with the Graphics calls the face makes (displays/render.ts Canvas), msb first as Espruino packs it. */
export function canvas(width, height) {
  const buffer = new Uint8Array(Math.ceil((width * height) / 8));
  let scale = 1;
  const set = (x, y) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const i = y * width + x;
    buffer[i >> 3] |= 0x80 >> (i & 7);
  };
  return {
    buffer, width, height,
    getWidth: () => width,
    getHeight: () => height,
    clear: () => buffer.fill(0),
    flip: () => {},
    setFont: (name, s) => {
      if (name != "6x8") throw new Error("only the 6x8 font");
      scale = s || 1;
    },
    drawString: (s, x, y) => {
      const f = font();
      for (let i = 0; i < s.length; i++) {
        const g = f[s.charCodeAt(i) - 32] || f[0];
        for (let gy = 0; gy < 8; gy++)
          for (let gx = 0; gx < 6; gx++)
            if ((g[gy] >> (5 - gx)) & 1) for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) set(x + (i * 6 + gx) * scale + dx, y + gy * scale + dy);
      }
    },
    pixel: (x, y) => (buffer[(y * width + x) >> 3] >> (7 - ((y * width + x) & 7))) & 1,
  };
}

/** displays/render.ts as the images bundle it: `render(g, view, seconds)`. */
export async function renderer() {
  const r = await build({ entryPoints: [join(ROOT, "displays/render.ts")], bundle: true, write: false, format: "esm", logLevel: "silent" });
  return (await import("data:text/javascript;base64," + Buffer.from(r.outputFiles[0].text).toString("base64"))).render;
}

/** The face as terminal text: two pixel rows per line in half blocks, ink dark on a light panel. */
export function blocks(c) {
  const lines = [];
  for (let y = 0; y < c.height; y += 2) {
    let line = "";
    for (let x = 0; x < c.width; x++) {
      const top = c.pixel(x, y);
      const bottom = y + 1 < c.height ? c.pixel(x, y + 1) : 0;
      line += top && bottom ? "█" : top ? "▀" : bottom ? "▄" : " ";
    }
    lines.push(line);
  }
  return lines;
}

/** One frame as a PNG: 8-bit greyscale, ink black on white (RFC 2083). */
export function png(c) {
  const rows = [];
  for (let y = 0; y < c.height; y++) {
    const row = Buffer.alloc(c.width + 1);
    for (let x = 0; x < c.width; x++) row[x + 1] = c.pixel(x, y) ? 0 : 255;
    rows.push(row);
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    for (let k = 0; k < 8; k++) n = n & 1 ? 0xedb88320 ^ (n >>> 1) : n >>> 1;
    return n >>> 0;
  });
  const crc = (b) => {
    let x = 0xffffffff;
    for (const v of b) x = crcTable[(x ^ v) & 255] ^ (x >>> 8);
    return (x ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(c.width, 0);
  ihdr.writeUInt32BE(c.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
}

/** The console line the clock prints each second ("2026-11-22 03:16:40 UTC+8 (not synced)") as the face's view, or null. */
export function viewOf(line) {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) (UTC\S*)(?: \((stale|not synced|rtc)\))?$/.exec(line);
  if (!m) return null;
  const t = m.slice(1, 7).map(Number);
  const weekday = (new Date(Date.UTC(t[0], t[1] - 1, t[2])).getUTCDay() + 6) % 7;
  return { t: [...t, weekday], zone: m[7], state: m[8] || "synced" };
}
