#!/usr/bin/env node
// Runs every uvu suite under test/ (TypeScript through tools/ts-register.mjs) and closes with
// one "N passed, N failed, N skipped" line. Extra arguments narrow the file pattern.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const pattern = process.argv[2] || "\\.test\\.ts$";
const child = spawn(process.execPath, ["--import", "./tools/ts-register.mjs", "node_modules/uvu/bin.js", "test", pattern, "-c", "false"], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"],
});
let out = "";
child.stdout.on("data", (d) => {
  out += d;
  process.stdout.write(d);
});
child.on("close", (code) => {
  const n = (label) => Number((new RegExp(label + ":\\s+(\\d+)").exec(out) || [])[1] || 0);
  const total = n("Total");
  const passed = n("Passed");
  const skipped = n("Skipped");
  const failed = Math.max(total - passed - skipped, code ? 1 : 0);
  console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(code || (total == 0 ? 1 : 0));
});
