import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { BOARDS, BOARD_KEYS, BUDGET, GPS_DEFAULTS, GPS_WIRING, buildImage, coreSize, loadConfig } from "../build.mjs";
import { checkDialect } from "../tools/dialect.mjs";

test("every board builds, passes the dialect gate and the footprint budgets", async () => {
  const config = loadConfig();
  for (const board of ["host", "linux", "esp8266", "esp32", "w5500", "quectel", "sim800", "espat"]) assert.ok(board in BOARDS, board);
  for (const board of Object.keys(BOARDS)) {
    const code = await buildImage({ board, config });
    assert.equal(checkDialect(code), [], board);
    if (BUDGET[board]) assert.ok(code.length <= BUDGET[board], `${board}: ${code.length} > ${BUDGET[board]}`);
  }
  const core = await coreSize(config);
  assert.ok(core <= BUDGET.core, `core ${core} > ${BUDGET.core}`);
});

test("device images wrap their names in a function and keep require() plain", async () => {
  const code = await buildImage({ board: "esp8266", config: loadConfig() });
  assert.ok(code.startsWith("(function(){\n") && code.trimEnd().endsWith("})();"));
  assert.match(code, /require\("Wifi"\)/);
  assert.match(code, /require\("dgram"\)/);
  assert.not.match(code, /__require|Proxy/);
});

test("the config: defaults, overrides, the build date as pivot, unknown keys refused", () => {
  const c = loadConfig(undefined, { host: "pool.ntp.org:123", tz: 8 });
  assert.equal([c.host, c.tz, c.burst], ["pool.ntp.org:123", 8, 4]);
  assert.ok(Math.abs(c.pivot - Date.now() / 1000) < 60);
  assert.throws(() => loadConfig(undefined, { hots: "x" }), /unknown config key\(s\): hots/);
  assert.throws(() => loadConfig(undefined, { host: "" }), /host must be a non-empty string/);
});

test("examples/full.json has every config key, the README documents each, and it builds for every board", async () => {
  const keys = [...Object.keys(JSON.parse(readFileSync("firmware/defaults.json", "utf8"))), ...BOARD_KEYS];
  const example = JSON.parse(readFileSync("examples/full.json", "utf8"));
  assert.equal(Object.keys(example).sort(), [...keys].sort());
  const readme = readFileSync("README.md", "utf8");
  for (const k of keys) assert.ok(readme.includes("| `" + k + "` |"), `README has no row for ${k}`);
  const config = loadConfig("examples/full.json");
  for (const board of Object.keys(BOARDS)) assert.equal(checkDialect(await buildImage({ board, config })), [], board);
  // the gps-server app: every key of its gps object in the example and the README, and an image for each board that can serve
  const gpsKeys = [...new Set([...Object.keys(GPS_DEFAULTS), ...Object.keys(GPS_WIRING.esp8266), "path"])];
  for (const k of gpsKeys) assert.ok(readme.includes("| `gps." + k + "` |"), `README has no row for gps.${k}`);
  assert.equal(Object.keys(example.gps).sort(), gpsKeys.filter((k) => k != "path").sort());
  for (const board of Object.keys(GPS_WIRING)) assert.equal(checkDialect(await buildImage({ board, app: "gps-server", config })), [], board);
});

test("the gps-server app: refused on a board that cannot bind UDP, and for an unknown gps key; within the esp8266 budget", async () => {
  let err: Error | null = null;
  await buildImage({ board: "quectel", app: "gps-server", config: loadConfig() }).catch((e) => (err = e));
  assert.match(String(err), /gps-server app needs a board whose UDP socket can bind a port: esp8266, esp32, w5500, linux \(not quectel\)/);
  err = null;
  await buildImage({ board: "esp8266", app: "gps-server", config: loadConfig(undefined, { gps: { ppps: "D5" } }) }).catch((e) => (err = e));
  assert.match(String(err), /gps key\(s\) ppps unknown/);
  const code = await buildImage({ board: "esp8266", app: "gps-server", config: loadConfig() });
  assert.ok(Buffer.byteLength(code) <= BUDGET.esp8266, `${Buffer.byteLength(code)} bytes`);
});

test("unknown boards are refused by name", async () => {
  let err: Error | null = null;
  await buildImage({ board: "toaster", config: loadConfig() }).catch((e) => (err = e));
  assert.match(String(err), /unknown board 'toaster'/);
});

test.run();
