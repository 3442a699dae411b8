#!/usr/bin/env node
// Runs every uvu suite under test/ (TypeScript through tools/ts-register.mjs) and closes with
// one "N passed, N failed, N skipped" line. An argument narrows the suites: a RegExp on the
// path under test/ ("^unit/": npm run test:unit; the kinds: docs/testing.md).
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));

// The real interpreters (../shared/espruino): unless the environment names them, the cached
// builds are found (or built) here. Without them the real-interpreter suites skip and say so
// (in CI they fail).
const script = join(root, "..", "shared", "espruino", "build.sh");
const names = ["ESPRUINO_BIN", "ESPRUINO_ESP8266_BIN", "ESPRUINO_PICO_BIN"];
if (names.some((n) => !process.env[n]) && existsSync(script)) {
  const r = spawnSync("bash", [script], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  for (const m of (r.stdout || "").matchAll(/^(ESPRUINO_\w+)=(.+)$/gm)) if (!process.env[m[1]]) process.env[m[1]] = m[2];
  if (r.status) console.log(`test: ${script} failed (exit ${r.status}): the real-interpreter suites cannot run`);
}
console.log("test: interpreters " + names.map((n) => `${n}=${process.env[n] || "(none)"}`).join(" ") + (process.env.CI == "true" ? " (CI: no suite may skip)" : ""));
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
  // Each failure's suite and name again at the end, where a log cut to its head and tail keeps them
  let suite = "";
  const failures = [];
  for (const line of out.split("\n")) {
    if (/^\S+\.test\.ts$/.test(line)) suite = line;
    const m = /^\s+FAIL\s+(".*")$/.exec(line);
    if (m) failures.push(`  ${suite} ${m[1]}`);
  }
  if (failures.length) console.log("\nfailed:\n" + failures.join("\n"));
  // In CI every tool is installed: a skip there means a test did not run, which is a failure.
  const ciSkips = process.env.CI == "true" && skipped > 0;
  if (ciSkips) console.log(`\ntest: ${skipped} skipped in CI, where nothing may skip`);
  console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(code || (total == 0 || ciSkips ? 1 : 0));
});
