#!/usr/bin/env node
// The build's entry: node build.mjs --help. One minified image per board, each through the
// Espruino-dialect gate (tools/dialect.mjs), and the size table. The parts, in build/: the
// config (config.mjs, from firmware/config.schema.json), the bundle with its virtual modules
// and the parts (bundle.mjs), the shortened names (mangle.mjs), an --entry app's checks
// (app.mjs); the boards and panels with their wiring beside them (boards/boards.mjs,
// displays/wiring.mjs).
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { cli } from "./tools/cli.mjs";
import { BOARDS, GPS_WIRING, RTC_BITRATE, RTC_WIRING } from "./boards/boards.mjs";
import { DISPLAYS } from "./displays/wiring.mjs";
import { BOARD_KEYS, GPS_DEFAULTS, configDefines, configText, loadConfig, rtcConfig, withTable } from "./build/config.mjs";
import { declaredProps } from "./build/mangle.mjs";
import { DialectError, checkApp } from "./build/app.mjs";
import { APPS, buildImage, coreSize, imageKeys, parseTz } from "./build/bundle.mjs";
import { BYTES_BEGIN, BYTES_DOC, bytesTable } from "./build/sizes.mjs";
import { readFileSync, writeFileSync } from "node:fs";

export { APPS, BOARDS, BOARD_KEYS, DISPLAYS, GPS_DEFAULTS, GPS_WIRING, RTC_BITRATE, RTC_WIRING };
export { buildImage, checkApp, configDefines, configText, coreSize, declaredProps, imageKeys, loadConfig, parseTz, rtcConfig };

const ROOT = dirname(fileURLToPath(import.meta.url));

/**
 * Footprint budgets in bytes, for the default config: the core (lib + the ntptime facade)
 * within the size of Espruino's own sntp module, and the esp8266 clock image (where its bytes
 * go: docs/footprint.md). A change that needs more raises the budget and says why in its
 * commit; the history is in the git log.
 * @type {Record<string, number>}
 */
export const BUDGET = { esp8266: 17450, core: 3891 };

const USAGE = `node build.mjs [--board NAME] [--app clock|gps-server] [--config FILE.json] [--out DIR] [--entry APP.ts]
node build.mjs --module [--config FILE.json] [--out DIR]
node build.mjs --docs
  --board   one board (${Object.keys(BOARDS).join(", ")}); every board by default
  --app     the clock (default) or the gps-server app
  --config  the config (docs/config.md; checked against firmware/config.schema.json)
  --out     where the images go (dist/ by default)
  --entry   a TypeScript app built into the clock image (docs/module-and-apps.md)
  --module  require("ntptime"): the module alone, dist/ntptime.js
  --docs    writes the bytes table of ${BYTES_DOC} from the builds`;

async function main() {
  const args = cli("build", USAGE, {
    board: { type: "string" },
    app: { type: "string" },
    config: { type: "string" },
    out: { type: "string" },
    entry: { type: "string" },
    module: { type: "boolean" },
    docs: { type: "boolean" },
  });
  if (args.docs) {
    const file = join(ROOT, BYTES_DOC);
    writeFileSync(file, withTable(readFileSync(file, "utf8"), await bytesTable(BUDGET), BYTES_BEGIN));
    console.log(`wrote the bytes table of ${BYTES_DOC}`);
    return;
  }
  const config = loadConfig(args.config && resolve(args.config));
  const out = resolve(args.out || join(ROOT, "dist"));
  if (args.module) {
    // require("ntptime") on any Espruino board: one file, for the Web IDE's modules folder or Storage
    const code = await buildImage({ board: "linux", app: "module", config, outfile: join(out, "ntptime.js") });
    console.log(`ntptime.js  ${Buffer.byteLength(code)} bytes\nwritten to ${out}`);
    return;
  }
  // every board, or with the gps-server app every board that can serve
  const boards = args.board ? [args.board] : Object.keys(args.app == "gps-server" ? GPS_WIRING : BOARDS);
  const rows = [];
  for (const board of boards) {
    const outfile = join(out, `${board}.js`);
    const code = await buildImage({ board, app: args.app, config, outfile, entry: args.entry });
    rows.push([`${board}.js`, Buffer.byteLength(code), BUDGET[board]]);
  }
  rows.push(["core (lib + ntptime facade)", await coreSize(config), BUDGET.core]);
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(`${"image".padEnd(w)}  bytes  budget`);
  let over = false;
  for (const [name, size, budget] of rows) {
    const bad = budget && size > budget;
    over ||= bad;
    console.log(`${name.padEnd(w)}  ${String(size).padStart(5)}  ${budget ? String(budget).padStart(6) + (bad ? "  OVER" : "") : ""}`);
  }
  console.log(`written to ${out}`);
  // The budgets are for the default config; a user's (a DST zone, a display) may exceed them.
  if (over && !args.config && !args.entry) throw new Error("an image is over its footprint budget");
  if (over) console.log("(the budgets apply to the default config; this build used " + (args.entry ? "the app " + args.entry : args.config) + ")");
}

if (process.argv[1] && resolve(process.argv[1]) == fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e instanceof DialectError ? e.message : `build failed: ${e.message}`);
    process.exit(1);
  });
}
