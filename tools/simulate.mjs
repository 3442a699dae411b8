#!/usr/bin/env node
// `npm start`: the main job with no hardware and no internet. Starts an SNTP server on
// loopback, builds the host image pointed at it, and runs that image as a simulated device
// whose clock starts near 1970, as an ESP8266's does at power-on. Ends after --seconds N
// (default 20; 0 runs until Ctrl-C). The machine's own clock is never touched. With
// --display memorylcd|ssd1306|ssd1606 the panel's face is drawn in the terminal, redrawn in
// place each second, by the renderer the device runs (tools/face.mjs); --png FILE writes
// the frame to FILE too.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildImage, loadConfig } from "../build.mjs";
import { startNtpServer } from "./ntp-server.mjs";
import { FACES, blocks, canvas, font, png, renderer, viewOf } from "./face.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf("--" + name);
  return i >= 0 ? args[i + 1] : def;
};
const seconds = Number(opt("seconds", 20));
const offset = Number(opt("offset", 0));
const tz = Number(opt("tz", 8));
const display = opt("display");
const pngFile = opt("png");
if (display && !FACES[display]) {
  console.error(`simulator: --display takes ${Object.keys(FACES).join(", ")}`);
  process.exit(2);
}

const server = await startNtpServer({ offset });
const config = loadConfig(undefined, { host: "127.0.0.1:" + server.port, tz, poll: 15 });
const out = join(root, "dist", "sim");
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "package.json"), '{"type":"module"}');
const file = join(out, "host.js");
await buildImage({ board: "host", config, outfile: file });

console.log(`simulator: SNTP server on 127.0.0.1:${server.port} (machine time${offset ? ` ${offset >= 0 ? "+" : ""}${offset} s` : ""}), device image ${file}`);
console.log(`simulator: the device clock starts at 1970 like an ESP8266 after power-on; ${seconds ? `stopping after ${seconds} s` : "Ctrl-C to stop"}\n`);
const device = spawn(process.execPath, [file], { stdio: ["inherit", display ? "pipe" : "inherit", "inherit"], env: { ...process.env, NTPTIME_RTC: "0" } });
if (display) {
  // the console's line a second becomes the panel's frame; the other lines stay below it
  const face = FACES[display];
  const render = await renderer();
  font();
  const notes = [];
  let rest = "";
  process.stdout.write("\x1b[2J");
  device.stdout.on("data", (d) => {
    rest += d;
    const lines = rest.split("\n");
    rest = lines.pop();
    for (const line of lines) {
      const view = viewOf(line);
      if (!view) {
        // (the last four, shown under the face)
        if (notes.push(line) > 4) notes.shift();
        continue;
      }
      const c = canvas(face.width, face.height);
      render(c, view, face.seconds);
      if (pngFile) writeFileSync(pngFile, png(c));
      const frame = blocks(c).map((l) => "\x1b[7m" + l + "\x1b[0m");
      process.stdout.write("\x1b[H" + `${display} ${face.width}x${face.height}: ${line}\x1b[K\n` + frame.join("\n") + "\n" + notes.map((n) => n.slice(0, 160) + "\x1b[K").join("\n") + "\n\x1b[J");
    }
  });
}
const stop = async (code) => {
  device.kill();
  await server.close();
  console.log(`\nsimulator: stopped; the server answered ${server.requests} requests`);
  process.exit(code);
};
if (seconds > 0) setTimeout(() => stop(0), seconds * 1000);
process.on("SIGINT", () => stop(0));
device.on("exit", (code) => code && stop(code));
