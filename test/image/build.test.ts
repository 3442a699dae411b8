import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import vm from "node:vm";
import ts from "typescript";
import { dirname, join, normalize } from "node:path";
import { BYTES_BEGIN, BYTES_DOC, bytesTable } from "../../build/sizes.mjs";
import { BOARDS, BOARD_KEYS, BUDGET, GPS_DEFAULTS, GPS_WIRING, buildImage, checkApp, configDefines, configText, coreSize, declaredProps, DISPLAYS, imageKeys, loadConfig, rtcConfig, RTC_BITRATE, RTC_WIRING } from "../../build.mjs";
import { checkDialect } from "../../tools/dialect.mjs";
import { DEFAULTS, SCHEMA, TABLES, withTable } from "../../build/config.mjs";
import { SOURCES } from "../../build/mangle.mjs";

test("every board builds, passes the dialect gate and the footprint budgets", async () => {
  const config = loadConfig();
  for (const board of ["host", "linux", "esp8266", "esp32", "w5500", "quectel", "sim800", "espat"]) assert.ok(board in BOARDS, board);
  for (const board of Object.keys(BOARDS)) {
    const code = await buildImage({ board, config });
    assert.equal(checkDialect(code), [], board);
    if (BUDGET[board]) assert.ok(code.length <= BUDGET[board], `${board}: ${code.length} > ${BUDGET[board]}`);
    // the round's fallback to a modem's own NTP command (firmware/modem-ntp.ts): in the image
    // exactly when boards.mjs says the board's modem has one, which its dialect's ntp() is
    const modemClock = !!(BOARDS as Record<string, { modemClock?: boolean }>)[board].modemClock;
    assert.is(/\bntp: \(at, host, cb\)/.test(readFileSync(`boards/${board}.ts`, "utf8")), modemClock, `${board}: boards.mjs modemClock`);
    assert.is(code.includes("via modem NTP"), modemClock, `${board}: the modem NTP fallback`);
  }
  const core = await coreSize(config);
  assert.ok(core <= BUDGET.core, `core ${core} > ${BUDGET.core}`);
});

test("docs/footprint.md's bytes table is the builds' (node build.mjs --docs makes it)", async () => {
  const text = readFileSync(BYTES_DOC, "utf8");
  assert.ok(text == withTable(text, await bytesTable(BUDGET), BYTES_BEGIN), `${BYTES_DOC}: its bytes table is not the builds': node build.mjs --docs`);
});

test("device images wrap their names in a function, beside one global for each part, and keep require() plain", async () => {
  const code = await buildImage({ board: "esp8266", config: loadConfig() });
  // function ntpX() {...} function ntpC() {...} function ntpD() {...} function ntpT() {...}, then (function(){ ...the image... })();
  const wrapped = code.indexOf("}\n(function(){\n");
  assert.ok(code.startsWith("function ntpX() {\n") && wrapped > 0 && code.trimEnd().endsWith("})();"));
  // declared in a fresh context (not run), the part before the wrapper makes the parts' globals and nothing else
  // (atob: each part takes the scope from its functions that name nothing of it, build/leaves.mjs)
  const context = vm.createContext({ atob });
  vm.runInContext(code.slice(0, wrapped + 2), context);
  assert.equal(Object.keys(context), ["atob", "ntpX", "ntpC", "ntpD", "ntpT"]);
  // each part made (in that context): the exchange, a round's choice and its end hand back a function, the rest its methods
  assert.equal(["ntpX()", "ntpC()", "ntpD()", "ntpT()"].map((c) => typeof vm.runInContext(c, context)), ["function", "function", "function", "object"]);
  const gps = await buildImage({ board: "esp8266", app: "gps-server", config: loadConfig() });
  assert.ok(gps.startsWith("(function(){\n") && gps.trimEnd().endsWith("})();"), "the gps-server app has no parts");
  assert.match(code, /require\("Wifi"\)/);
  assert.match(code, /require\("dgram"\)/);
  assert.not.match(code, /__require|Proxy/);
});

test("the config is written into the sources' text, so a config key's name is shortened where an options object carries it", async () => {
  const config = loadConfig(undefined, { display: { type: "memorylcd", spi: "SPI2" }, servers: ["a.example"] });
  const define = configDefines(config, "esp8266");
  assert.is(configText("f(CONFIG.burst, CONFIG.display!.spi!, CONFIG.display.type, CONFIG.servers.length, CONFIG.nothing)", define),
    'f((4), ("SPI2")!, ("memorylcd"), (["a.example"]).length, CONFIG.nothing)');
  // maxStep and stepThreshold are config keys and RoundOptions members: shortened in the image
  const code = await buildImage({ board: "esp8266", config: loadConfig(undefined, { servers: ["a.example"] }) });
  assert.not.match(code, /maxStep|stepThreshold|CONFIG/);
});

test("the config: defaults, overrides, the build date as pivot, unknown keys refused", () => {
  const c = loadConfig(undefined, { host: "pool.ntp.org:123", tz: 8 });
  assert.equal([c.host, c.tz, c.burst], ["pool.ntp.org:123", 8, 4]);
  assert.ok(Math.abs(c.pivot - Date.now() / 1000) < 60);
  assert.throws(() => loadConfig(undefined, { hots: "x" }), /unknown config key "hots" \(did you mean "host"\?\); known: host, tz, /);
  assert.throws(() => loadConfig(undefined, { host: "" }), /host must be a non-empty string/);
});

test("the config schema: every problem named with its path and what is allowed; a config may name the schema", () => {
  assert.throws(() => loadConfig(undefined, { poll: "often" }), /^config: poll must be a number \(got "often"\)$/);
  assert.throws(() => loadConfig(undefined, { wifi: { ssid: "lab", pasword: "x" } }), /unknown wifi key "pasword" \(did you mean "password"\?\)/);
  assert.throws(() => loadConfig(undefined, { gps: { port: 70000 } }), /gps.port must be <= 65535 \(got 70000\)/);
  assert.throws(() => loadConfig(undefined, { tz: 20 }), /tz must be a number from -12 to 14 or a non-empty string \(got 20\)/);
  assert.throws(() => loadConfig(undefined, { burst: 2.5, console: "yes" }), /burst must be a whole number \(got 2.5\); console must be true or false \(got "yes"\)/);
  assert.throws(() => loadConfig(undefined, { wifi: {} }), /wifi.ssid is required/);
  // a user's file: each problem on one line naming the file (and where JSON is broken, its line and column)
  const dir = mkdtempSync(join(tmpdir(), "config-"));
  try {
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const broken = file("broken.json", '{\n  "poll": 64,\n}\n');
    assert.throws(() => loadConfig(broken), (e: Error) => e.message.startsWith(broken + ":3:1: not JSON: ") && !e.message.includes("\n"));
    const typo = file("typo.json", '{ "pol": 64 }');
    assert.throws(() => loadConfig(typo), (e: Error) => e.message.startsWith(typo + ': unknown config key "pol" (did you mean "poll"?)'));
    const type = file("type.json", '{ "poll": "often" }');
    assert.throws(() => loadConfig(type), (e: Error) => e.message == type + ': poll must be a number (got "often")');
  } finally {
    rmSync(dir, { recursive: true });
  }
  // an editor's "$schema" is taken and left out of the image's config
  assert.not.ok("$schema" in loadConfig(undefined, { $schema: "../firmware/config.schema.json" }));
  // the panels and chips the schema allows are those the build wires
  assert.equal(SCHEMA.properties.display.properties.type.enum, Object.keys(DISPLAYS));
  assert.equal(SCHEMA.properties.rtc.properties.type.enum, Object.keys(RTC_BITRATE));
  // the firmware's Config type has the schema's keys, and besides them only what the build derives
  const program = ts.createProgram(["firmware/config.ts"], { strict: true, noEmit: true });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile("firmware/config.ts")!;
  const decl = file.statements.find((st): st is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(st) && st.name.text == "Config")!;
  const typed = checker.getPropertiesOfType(checker.getTypeAtLocation(decl)).map((p) => p.name).sort();
  const derived = ["pivot", "stall", "zone"];
  assert.equal(typed.filter((k) => !derived.includes(k)), Object.keys(SCHEMA.properties).filter((k) => k != "$schema").sort(), "firmware/config.ts Config against firmware/config.schema.json");
  // the docs' tables are the schema's (node build/config.mjs --docs makes them)
  for (const t of TABLES) {
    const text = readFileSync(t.file, "utf8");
    assert.ok(text == withTable(text, t.make()), `${t.file}: its table is not the schema's: node build/config.mjs --docs`);
  }
});

test("examples/full.json has every config key, docs/config.md documents each, and it builds for every board", async () => {
  const keys = [...Object.keys(DEFAULTS), ...BOARD_KEYS];
  const example = JSON.parse(readFileSync("examples/full.json", "utf8"));
  assert.equal(Object.keys(example).filter((k) => k != "$schema").sort(), [...keys].sort());
  const doc = readFileSync("docs/config.md", "utf8");
  for (const k of keys) assert.ok(doc.includes("| `" + k + "` |"), `docs/config.md has no row for ${k}`);
  const config = loadConfig("examples/full.json");
  for (const board of Object.keys(BOARDS)) assert.equal(checkDialect(await buildImage({ board, config })), [], board);
  // the gps-server app: every key of its gps object in the example and docs/gps-server.md, and an image for each board that can serve
  const gpsKeys = [...new Set([...Object.keys(GPS_DEFAULTS), ...Object.keys(GPS_WIRING.esp8266), "path"])];
  const gpsDoc = readFileSync("docs/gps-server.md", "utf8");
  for (const k of gpsKeys) assert.ok(gpsDoc.includes("| `gps." + k + "` |"), `docs/gps-server.md has no row for gps.${k}`);
  assert.equal(Object.keys(example.gps).sort(), gpsKeys.filter((k) => k != "path").sort());
  for (const board of Object.keys(GPS_WIRING)) assert.equal(checkDialect(await buildImage({ board, app: "gps-server", config })), [], board);
});

test("rtc: each board's wiring unless the config says otherwise, an I2C panel's bus shared, and a clear error for a wrong type, an unknown key, a DS1307 on a 400 kHz panel's bus and pins of its own on the panel's port", async () => {
  assert.equal(rtcConfig("esp8266", loadConfig(undefined, { rtc: { type: "ds3231" } })), { ...RTC_WIRING.esp8266, type: "ds3231", bitrate: 400000 });
  assert.equal(rtcConfig("w5500", loadConfig(undefined, { rtc: { type: "ds1307", scl: "B6", sda: "B7" } })), { i2c: "I2C1", scl: "B6", sda: "B7", type: "ds1307", bitrate: 100000 });
  const oled = { type: "ssd1306", i2c: "I2C2", scl: "B10", sda: "B3" };
  assert.equal(rtcConfig("w5500", loadConfig(undefined, { display: oled, rtc: { type: "pcf8563" } })), { i2c: "I2C2", scl: "B10", sda: "B3", type: "pcf8563", bitrate: 400000 });
  // the host image's chip is the simulator's (npm start -- --rtc: tools/rtc-sim.mjs on its I2C1)
  assert.equal(rtcConfig("host", loadConfig(undefined, { rtc: { type: "ds3231" } })), { ...RTC_WIRING.host, type: "ds3231", bitrate: 400000 });
  assert.throws(() => loadConfig(undefined, { rtc: { type: "ds3232" } }), /rtc.type must be one of ds3231, ds1307, pcf8563 \(got "ds3232"\)/);
  assert.throws(() => loadConfig(undefined, { rtc: { type: "ds3231", sdl: "D5" } }), /unknown rtc key "sdl" \(did you mean "scl"\?\); known: type, i2c, scl, sda/);
  assert.throws(() => rtcConfig("w5500", loadConfig(undefined, { display: oled, rtc: { type: "ds1307" } })), /ds1307 runs at 100 kHz/);
  assert.throws(() => rtcConfig("w5500", loadConfig(undefined, { display: oled, rtc: { type: "ds3231", scl: "B8" } })), /must use the ssd1306 panel's pins/);
  // the image carries the chip's code only with rtc; the default image none of it
  const withRtc = await buildImage({ board: "esp8266", config: loadConfig(undefined, { rtc: { type: "pcf8563" } }) });
  const without = await buildImage({ board: "esp8266", config: loadConfig() });
  assert.match(withRtc, /time from the /);
  assert.not.match(without, /time from the |pcf8563|ds3231/);
});

test("the gps-server app: refused on a board that cannot bind UDP, and for an unknown gps key; within the esp8266 budget", async () => {
  let err: Error | null = null;
  await buildImage({ board: "quectel", app: "gps-server", config: loadConfig() }).catch((e) => (err = e));
  assert.match(String(err), /gps-server app needs a board whose UDP socket can bind a port: esp8266, esp32, w5500, linux \(not quectel\)/);
  assert.throws(() => loadConfig(undefined, { gps: { ppps: "D5" } }), /unknown gps key "ppps" \(did you mean "pps"\?\)/);
  const code = await buildImage({ board: "esp8266", app: "gps-server", config: loadConfig() });
  assert.ok(Buffer.byteLength(code) <= BUDGET.esp8266, `${Buffer.byteLength(code)} bytes`);
  // the REPL left where it is (gps.console null, as npm run footprint runs it), and no PPS (pps null)
  const kept = await buildImage({ board: "esp8266", app: "gps-server", config: loadConfig(undefined, { gps: { console: null, pps: null } }) });
  assert.match(kept, /console:null/);
  assert.match(code, /console:"Telnet"/);
});

test("the shortened properties come from the types: @internal interfaces and members, less what @public interfaces show", () => {
  const names = declaredProps();
  for (const internal of ["sec", "frac", "vn", "assoc", "t1", "burst", "clock", "setNow", "disc", "pollEvery", "onPulse"]) assert.ok(names.includes(internal), internal);
  // ntptime.last, status() and the REPL object keep their names; so do device APIs the code calls
  for (const shown of ["leap", "stratum", "refid", "offset", "delay", "host", "last", "status", "next", "interval", "settime", "log", "port", "setup", "write"])
    assert.not.ok(names.includes(shown), shown);
});

test("a shortened property that is also a device API member fails the build, naming where it is declared", () => {
  const dir = mkdtempSync(join(tmpdir(), "ntptime-mangle-"));
  try {
    const file = join(dir, "types.ts");
    writeFileSync(file, `/** @internal */\nexport interface Wiring {\n  pin: number;\n  setup: number;\n}\nexport interface Shown {\n  /** @internal */\n  write: number;\n}\n`);
    assert.throws(() => declaredProps([file], new Set(["setup", "write"])), (e: Error) => /Wiring\.setup/.test(e.message) && /Shown\.write/.test(e.message) && !/pin/.test(e.message));
    assert.equal(declaredProps([file], new Set()), ["pin", "setup", "write"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("unknown boards are refused by name", async () => {
  let err: Error | null = null;
  await buildImage({ board: "toaster", config: loadConfig() }).catch((e) => (err = e));
  assert.match(String(err), /unknown board 'toaster'/);
});

test("keys: chrony key-file lines or the file's path; the clock image carries only `key`, the gps-server all; mistakes refused", async () => {
  const lines = ["1 SHA1 HEX:00112233445566778899aabbccddeeff00112233", "2 SHA1 ASCII:second"];
  const dir = mkdtempSync(join(tmpdir(), "ntptime-keys-"));
  const file = join(dir, "chrony.keys");
  writeFileSync(file, "# chronyc keygen\n" + lines.join("\n") + "\n");
  try {
    for (const keys of [lines, file]) {
      assert.equal(await imageKeys("clock", { key: 2, keys }), [{ id: 2, secret: [115, 101, 99, 111, 110, 100] }]);
      assert.equal((await imageKeys("gps-server", { keys }))!.map((k: { id: number }) => k.id), [1, 2]);
    }
    const clock = await buildImage({ board: "esp8266", config: loadConfig(undefined, { key: 2, keys: lines }) });
    assert.ok(clock.includes("[115,101,99,111,110,100]") && !clock.includes("[0,17,34"), "the clock image holds key 2 alone");
    assert.ok(clock.includes('require("crypto")'));
    assert.not.ok((await buildImage({ board: "esp8266", config: loadConfig() })).includes("crypto"), "no key, no crypto");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const refused = async (c: Record<string, unknown>, app: string, re: RegExp) => {
    let err: unknown = null;
    await imageKeys(app, c).catch((e: unknown) => (err = e));
    assert.match(String(err), re);
  };
  await refused({ key: 1 }, "clock", /key 1 names a key but there are no keys/);
  await refused({ key: 3, keys: lines }, "clock", /key must be the id of one of the keys \(1, 2\)/);
  await refused({ keys: lines }, "clock", /key must be the id/);
  await refused({ keys: ["1 MD5 HEX:00"] }, "gps-server", /keys line 1: key type MD5 is not supported/);
  await refused({ keys: [] }, "gps-server", /keys has no key/);
  await refused({ keys: 7 }, "gps-server", /keys must be chrony key-file lines/);
});

test("--entry: an app is type-checked and gated with its own file and line in every message, then bundled after the clock app", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ntptime-app-"));
  try {
    const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
    const typed = file("typed.ts", 'import { ntptime } from "ntptime";\n\nntptime.at(7, () => {});\nntptime.on("missed", (a, at) => print(a.when + at));\n');
    assert.throws(() => checkApp(typed), (e: Error) => /typed\.ts:3:12: Argument of type 'number' is not assignable to parameter of type 'string'/.test(e.message) && !/:4:/.test(e.message));
    const dialect = file("dialect.ts", 'import { ntptime } from "ntptime";\nconst o = ntptime.last?.offset;\nfunction f(a = 1): number { return a; }\ntype T = (...a: number[]) => void;\nprint(o, f());\n');
    assert.throws(() => checkApp(dialect), (e: Error) => /dialect\.ts:2:11: optional chaining/.test(e.message) && /dialect\.ts:3:12: default parameter/.test(e.message) && !/:4:/.test(e.message));
    for (const app of ["examples/alarm-clock.ts", "examples/logger.ts"]) checkApp(app);
    // the app runs after the clock app made ntptime, and the image has the alarms unless the config says not
    const good = file("good.ts", 'import { ntptime } from "ntptime";\nprint("APP " + typeof ntptime.at + " " + ntptime.host);\n');
    const image = await buildImage({ board: "linux", config: loadConfig(undefined, { host: "192.0.2.1" }), entry: good });
    assert.ok(image.indexOf("APP ") > image.indexOf("ntptime="), "the app after the clock app");
    const off = await buildImage({ board: "linux", config: loadConfig(undefined, { alarms: false }), entry: good });
    assert.ok(off.length < image.length - 2000, `${off.length} bytes without alarms, ${image.length} with`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the source's imports form no circle: a record's type or a board's interface does not import the firmware that uses it", () => {
  const files = SOURCES();
  const deps = new Map(
    files.map((f) => [f, [...readFileSync(f, "utf8").matchAll(/^import [^;]*? from "(\.[^"]+)"/gm)].map((m) => normalize(join(dirname(f), m[1]) + ".ts")).filter((t) => existsSync(t))]),
  );
  // depth first, the files on the path in order: an import of one of them closes a circle
  const done = new Set<string>();
  const circles: string[] = [];
  const visit = (f: string, path: string[]) => {
    if (path.includes(f)) return void circles.push([...path.slice(path.indexOf(f)), f].join(" -> "));
    if (done.has(f)) return;
    for (const d of deps.get(f) || []) visit(d, [...path, f]);
    done.add(f);
  };
  for (const f of files) visit(f, []);
  assert.equal(circles, []);
});

test("the source writes one statement per statement: no comma expressions (esbuild makes them itself when it minifies)", () => {
  const found: string[] = [];
  const comma = (e: ts.Node | undefined) => !!e && ts.isBinaryExpression(e) && e.operatorToken.kind == ts.SyntaxKind.CommaToken;
  for (const f of SOURCES()) {
    const src = ts.createSourceFile(f, readFileSync(f, "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node) => {
      const body = ts.isArrowFunction(n) && ts.isParenthesizedExpression(n.body) ? n.body.expression : undefined;
      if ((ts.isExpressionStatement(n) && comma(n.expression)) || comma(body)) found.push(`${f}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1}`);
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
  assert.equal(found, []);
});

test.run();
