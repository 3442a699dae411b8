#!/usr/bin/env node
// npm run flash -- --board NAME --port PORT [--app clock|gps-server] [--baud 115200] [--config FILE.json] [--entry APP.ts] [--dry-run]
// Builds the board's image and uploads it with the espruino command line tool, saved to flash
// (SAVE_ON_SEND) so that it runs at power-on.
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BOARDS, buildImage, loadConfig } from "../build.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf("--" + name);
  return i >= 0 ? args[i + 1] : undefined;
};
const board = opt("board");
const port = opt("port");
const baud = opt("baud") || "115200";
const app = opt("app") || "clock";
// a TypeScript app bundled with the clock app into the one image (build.mjs checkApp)
const entry = opt("entry");
if (!board || !port || !BOARDS[board] || !BOARDS[board].espruino || !["clock", "gps-server"].includes(app)) {
  console.error(`usage: npm run flash -- --board ${Object.keys(BOARDS).filter((b) => BOARDS[b].espruino).join("|")} --port /dev/ttyUSB0|tcp://HOST [--app clock|gps-server] [--baud N] [--config FILE.json] [--entry APP.ts] [--dry-run]`);
  process.exit(2);
}
const config = opt("config");
const file = join(root, "dist", `${board}.js`);
try {
  await buildImage({ board, app, config: loadConfig(config && resolve(config)), outfile: file, entry });
} catch (e) {
  console.error(`flash: ${e.message}`);
  process.exit(1);
}
// --no-ble: no Bluetooth scanning; -t: set the board's clock from this machine as a first guess.
const cmd = [join(root, "node_modules", ".bin", "espruino"), "--no-ble", "-t", "-p", port, "-b", baud, "--config", "SAVE_ON_SEND=1", file];
console.log(cmd.join(" "));
if (args.includes("--dry-run")) process.exit(0);
const r = spawnSync(cmd[0], cmd.slice(1), { stdio: "inherit" });
process.exit(r.status ?? 1);
