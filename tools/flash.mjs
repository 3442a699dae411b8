#!/usr/bin/env node
// npm run flash -- --board NAME --port PORT [--app clock|gps-server] [--baud 115200] [--config FILE.json] [--entry APP.ts] [--dry-run]
// Builds the board's image and uploads it with the espruino command line tool, saved to flash
// (SAVE_ON_SEND) so that it runs at power-on.
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BOARDS, buildImage, loadConfig } from "../build.mjs";
import { cli } from "./cli.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const USAGE = `npm run flash -- --board ${Object.keys(BOARDS).filter((b) => BOARDS[b].espruino).join("|")} --port /dev/ttyUSB0|tcp://HOST [--app clock|gps-server] [--baud N] [--config FILE.json] [--entry APP.ts] [--dry-run]
  --port     the Espruino board's own USB serial, or tcp://HOST:23 for a network console
  --entry    a TypeScript app built into the clock image (build/app.mjs checkApp)
  --dry-run  build, and print the upload command without running it`;
const a = cli("flash", USAGE, {
  board: { type: "string" },
  port: { type: "string" },
  baud: { type: "string", default: "115200" },
  app: { type: "string", default: "clock" },
  config: { type: "string" },
  entry: { type: "string" },
  "dry-run": { type: "boolean" },
});
const { board, port, baud, app, entry, config } = a;
if (!board || !port || !BOARDS[board] || !BOARDS[board].espruino || !["clock", "gps-server"].includes(app)) {
  console.error(USAGE);
  process.exit(2);
}
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
if (a["dry-run"]) process.exit(0);
const r = spawnSync(cmd[0], cmd.slice(1), { stdio: "inherit" });
process.exit(r.status ?? 1);
