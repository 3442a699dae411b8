#!/usr/bin/env node
// `npm start`: the main job with no hardware and no internet. Starts an SNTP server on
// loopback, builds the host image pointed at it, and runs that image as a simulated device
// whose clock starts near 1970, as an ESP8266's does at power-on. Ends after --seconds N
// (default 20; 0 runs until Ctrl-C). The machine's own clock is never touched. With
// --display memorylcd|ssd1306|ssd1606 the panel's face is drawn in the terminal, redrawn in
// place each second, by the renderer the device runs (tools/face.mjs); --png FILE writes
// the frame to FILE too. With --rtc the device has a DS3231 on I2C (tools/rtc-sim.mjs), new
// and never set: it syncs and writes the chip, then loses its power and its network together
// (the process killed, the server closed), and powers on again: the face is right at once,
// from the chip, and says so (rtc) until a server confirms it.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildImage, loadConfig } from "../build.mjs";
import { startNtpServer } from "./ntp-server.mjs";
import { cli } from "./cli.mjs";
import { FACES, blocks, canvas, font, png, renderer, viewOf } from "./face.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const USAGE = `npm start [-- --seconds N] [--offset S] [--tz H] [--display ${Object.keys(FACES).join("|")}] [--png FILE] [--rtc]
  --seconds  how long it runs (20; 0: until Ctrl-C)
  --offset   seconds the server runs ahead of this machine (0)
  --tz       the display zone, hours east of UTC (8)
  --display  the panel's face drawn in the terminal; --png FILE writes the frame too
  --rtc      a DS3231 on the device's I2C, across a power cut with the network off`;
const a = cli("simulator", USAGE, {
  seconds: { type: "string", default: "20" },
  offset: { type: "string", default: "0" },
  tz: { type: "string", default: "8" },
  display: { type: "string" },
  png: { type: "string" },
  rtc: { type: "boolean", default: false },
});
const seconds = Number(a.seconds);
const offset = Number(a.offset);
const tz = Number(a.tz);
const display = a.display;
const pngFile = a.png;
const rtc = a.rtc;
if (display && !FACES[display]) {
  console.error(`simulator: --display takes ${Object.keys(FACES).join(", ")}`);
  process.exit(2);
}

const server = await startNtpServer({ offset });
const config = loadConfig(undefined, { host: "127.0.0.1:" + server.port, tz, poll: 15, rtc: rtc ? { type: "ds3231" } : undefined });
const out = join(root, "dist", "sim");
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "package.json"), '{"type":"module"}');
const file = join(out, "host.js");
await buildImage({ board: "host", config, outfile: file });

// With the RTC, the board's flash and the chip's battery: files that outlive the process, new for each run.
const store = join(out, "store");
const chipFile = join(out, "ds3231.json");
const env = { ...process.env, NTPTIME_RTC: "0" };
if (rtc) {
  rmSync(store, { recursive: true, force: true });
  rmSync(chipFile, { force: true });
  mkdirSync(store, { recursive: true });
  Object.assign(env, { NTPTIME_STORE: store, NTPTIME_RTC_CHIP: chipFile });
}
const argv = rtc ? ["--import", join(root, "tools", "rtc-sim.mjs"), file] : [file];

console.log(`simulator: SNTP server on 127.0.0.1:${server.port} (machine time${offset ? ` ${offset >= 0 ? "+" : ""}${offset} s` : ""}), device image ${file}`);
console.log(`simulator: the device clock starts at 1970 like an ESP8266 after power-on${rtc ? ", a DS3231 on its I2C never set" : ""}; ${seconds ? `stopping after ${seconds} s` : "Ctrl-C to stop"}\n`);

const face = display && FACES[display];
const render = display && (await renderer());
if (display) {
  font();
  process.stdout.write("\x1b[2J");
}
const notes = [];
/** A console line of the device: on the terminal, or with a display, the face it draws (the other lines kept below it). */
function show(line) {
  const view = display && viewOf(line);
  if (!view) {
    if (!display) return console.log(line);
    // (the last four, shown under the face)
    if (notes.push(line) > 4) notes.shift();
    return;
  }
  const c = canvas(face.width, face.height);
  render(c, view, face.seconds);
  if (pngFile) writeFileSync(pngFile, png(c));
  const frame = blocks(c).map((l) => "\x1b[7m" + l + "\x1b[0m");
  process.stdout.write("\x1b[H" + `${display} ${face.width}x${face.height}: ${line}\x1b[K\n` + frame.join("\n") + "\n" + notes.map((n) => n.slice(0, 160) + "\x1b[K").join("\n") + "\n\x1b[J");
}

let device;
/** Power on: the image runs, its console shown line by line. */
function powerOn() {
  device = spawn(process.execPath, argv, { stdio: ["inherit", "pipe", "inherit"], env });
  let rest = "";
  device.stdout.on("data", (d) => {
    rest += d;
    const lines = rest.split("\n");
    rest = lines.pop();
    for (const line of lines) {
      // (the chip's time read at power-on, against this machine's, which the chip was written from)
      const m = rtc && /^clock: time from the ds3231, (\S+),/.exec(line);
      show(line);
      if (m) show(`simulator: the device clock set from the chip: ${(Date.parse(m[1]) - Date.now()).toFixed(0)} ms from this machine's time (the console line's own delay included)`);
    }
  });
  device.on("exit", (code) => code && stop(code));
}
const stop = async (code) => {
  if (device) device.removeAllListeners("exit").kill("SIGKILL");
  await server.close().catch(() => {});
  console.log(`\nsimulator: stopped; the server answered ${server.requests} requests`);
  process.exit(code);
};
process.on("SIGINT", () => stop(0));

powerOn();
if (rtc) {
  // the first sync writes the chip (at the top of a second): then the power and the network go
  const until = Date.now() + 60000;
  // (the chip's file read while the device may be writing it: a torn read is "not yet")
  const written = () => {
    try {
      return existsSync(chipFile) && JSON.parse(readFileSync(chipFile, "utf8")).written;
    } catch {
      return false;
    }
  };
  while (!written() && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
  if (!written()) {
    show("simulator: the device did not write its DS3231 within 60 s");
    await stop(1);
  }
  await new Promise((r) => setTimeout(r, 2500));
  device.removeAllListeners("exit").kill("SIGKILL");
  await server.close();
  show("simulator: power cut, and the network gone with it (the server closed); power on again in 3 s");
  await new Promise((r) => setTimeout(r, 3000));
  powerOn();
}
if (seconds > 0) setTimeout(() => stop(0), seconds * 1000);
