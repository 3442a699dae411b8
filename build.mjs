#!/usr/bin/env node
// Builds one minified image per board: node build.mjs [--board NAME] [--app NAME] [--config FILE.json] [--out DIR]
// Every image passes the Espruino-dialect gate (tools/dialect.mjs) and the size table is printed.
import { build as esbuild } from "esbuild";
import { readFileSync, readdirSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { tmpdir } from "node:os";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { checkDialect, formatProblems } from "./tools/dialect.mjs";

const ROOT = dirname(fileURLToPath(import.meta.url));

/** Boards and whether their image runs on Espruino (the host image runs on Node). */
export const BOARDS = {
  host: { espruino: false },
  linux: { espruino: true },
  esp8266: { espruino: true },
  esp32: { espruino: true },
  w5500: { espruino: true },
  quectel: { espruino: true },
  sim800: { espruino: true },
  espat: { espruino: true },
};
export const APPS = ["clock", "gps-server", "module"];
/**
 * Footprint budgets in bytes: the core (lib + the ntptime facade) at 3.8 KB, the size of
 * Espruino's own sntp module (issue 2); the esp8266 app image: issue 2's app fitted 6 KB,
 * issue 4 added persistence, events, Kiss-o'-Death memory and the display hook (7 KB), issue
 * 5 the drift discipline with slewing and leap seconds (8.5 KB). Issue 16 took the image from
 * 989 to under 500 JsVars after its first sync on an ESP8266, by keeping between rounds only
 * state and the code that must stay (firmware/clock.ts), and added the saved record's checks
 * and the one road for every sync (10.4 KB); then split the per-use code in three parts so
 * that a round holds one at a time (PER_USE), and took the local time from the device's own
 * Date (Device.local), which a Memory LCD with a DST zone, a key and three servers needs to
 * fit: the parts' wrappers, the helpers two parts share (the calendar, the discipline's
 * clock, the record's save) and the Date reads are about 1.3 KB more, flash spent for RAM
 * (README, Footprint). Issue 24 made the clock supervise itself (a part cut short by a
 * moment without memory, a stalled round, a lost schedule, a full Storage: each counted,
 * told and recovered from) and answer the REPL busy while a round holds its part: 2.8 KB
 * of per-use code in flash, a few JsVars at rest; with its last resort (the image started
 * again from flash when memory stays short) and memory faults inside an exchange's callbacks,
 * 0.3 KB more; the record written only where Storage has room for it, a server starting up
 * (INIT) retried and a RATE said on the round's line (issue 27), 0.3 KB more. Server names
 * checked without RegExp and the round's numbers written without toFixed, whose classes would
 * stay in the global scope (8 JsVars each), 0.2 KB more. A timer cancelled only while it is
 * still its owner's (boards/espruino.ts disarmTimer) and a socket closed even when its open
 * was cut short (dgramNet), 0.2 KB more. The fault counts in two numbers (4 JsVars at rest,
 * not 9), a callback's arguments worked out before the call (dgramNet) and a datagram's
 * length read by index (lib/checks.ts has): 11 JsVars less for good, 0.15 KB more. Issue 25:
 * the warm start (the crystal's frequency error kept in the record and taken at boot), the
 * clock's state in status() and an rtc fault kind in every image; the RTC's own code only in
 * an image whose config has one: 0.45 KB more. A fitted frequency taken only when its
 * standard error says it knows more than the estimate in use (lib/discipline.ts fit): 0.12 KB;
 * a Kiss-o'-Death RATE's key taken out of the record once it is over, not kept as 0: 14 bytes.
 * A clock moved by someone else (setTime in the owner's code) seen by the discipline's tick,
 * which runs during rounds too, and a warm start steered from the boot: 0.17 KB. Every call
 * into a round's per-use code with its arguments worked out first (a call inside another's
 * arguments, cut short by a moment without memory, keeps the callee's scope: lib/client.ts
 * send): 75 bytes. A sync that proves the clock moved unseen (a setTime preempted) starts
 * the discipline's history again (lib/discipline.ts measure): 81 bytes.
 */
export const BUDGET = { esp8266: 16900, core: 3891 };

/** esbuild features Espruino 2v29 lacks: esbuild then never emits them when it minifies. */
const DEVICE_UNSUPPORTED = [
  "arbitrary-module-namespace-names", "async-await", "async-generator", "bigint", "class-private-accessor",
  "class-private-brand-check", "class-private-field", "class-private-method", "class-private-static-accessor",
  "class-private-static-field", "class-private-static-method", "class-static-blocks", "decorators",
  "default-argument", "destructuring", "dynamic-import", "exponent-operator", "for-await", "generator",
  "import-meta", "logical-assignment", "nested-rest-binding", "new-target", "object-rest-spread",
  "optional-chain", "rest-argument", "array-spread", "top-level-await", "using", "regexp-lookbehind-assertions",
  "regexp-named-capture-groups", "regexp-sticky-and-unicode-flags", "regexp-unicode-property-escapes",
  "regexp-dot-all-flag", "regexp-match-indices", "regexp-set-notation",
];
const ALL_SUPPORTED = Object.fromEntries(DEVICE_UNSUPPORTED.map((f) => [f, true]));
const NONE_SUPPORTED = Object.fromEntries(DEVICE_UNSUPPORTED.map((f) => [f, false]));

/** Config keys without a default: the network and the hardware of particular boards. */
export const BOARD_KEYS = ["wifi", "serial", "apn", "w5500", "display", "gps", "key", "keys", "alarms", "rtc"];

/**
 * The gps-server app: where the receiver is wired on each board that can serve UDP (the AT
 * modems cannot bind a port), as Espruino names ports and pins. On an ESP8266 the only full
 * UART is the USB console's (GPIO3 RX), so the console moves to Telnet (port 23). The Linux
 * build reads a tty and has no pin to watch: it times the NMEA sentences alone.
 */
export const GPS_WIRING = {
  esp8266: { serial: "Serial1", rx: "D3", tx: "D1", pps: "D4", console: "Telnet" },
  esp32: { serial: "Serial2", rx: "D16", tx: "D17", pps: "D4" },
  w5500: { serial: "Serial1", rx: "B7", tx: "B6", pps: "A8" },
  linux: { serial: "Serial1", path: "/dev/ttyACM0", pps: null },
};

/**
 * The server's settings: the receiver's baud rate; NMEA only, the delay from the top of the
 * second to its first sentence (s); the port; how long (s) the time is served as synchronized
 * without a fresh second; per client, one request each `interval` s after a `burst`; clients
 * tracked at once.
 */
export const GPS_DEFAULTS = { baud: 9600, nmeaDelay: 0.1, port: 123, holdover: 300, interval: 2, burst: 8, clients: 32 };

/** firmware/defaults.json: the config every build starts from, and the keys it knows. */
const DEFAULTS = JSON.parse(readFileSync(join(ROOT, "firmware/defaults.json"), "utf8"));

/** The build config: firmware/defaults.json, overridden by a user file, plus the build date. */
export function loadConfig(file, overrides = {}) {
  const defaults = DEFAULTS;
  const user = file ? JSON.parse(readFileSync(file, "utf8")) : {};
  const config = { ...defaults, ...user, ...overrides };
  const known = new Set([...Object.keys(defaults), ...BOARD_KEYS, "pivot"]);
  const unknown = Object.keys(config).filter((k) => !known.has(k));
  if (unknown.length) throw new Error(`unknown config key(s): ${unknown.join(", ")} (known: ${[...known].join(", ")})`);
  if (typeof config.host != "string" || !config.host) throw new Error("config: host must be a non-empty string");
  if (config.display) config.display = displayConfig(config.display);
  if (config.rtc) rtcKeys(config.rtc);
  // The NTP era pivot and the earliest time the device will believe: the build date.
  if (config.pivot == null) config.pivot = Math.floor(Date.now() / 1000);
  return config;
}

/**
 * Each panel's wiring unless the config says otherwise: ports and pins as Espruino names
 * them, defaults on an Espruino Pico (the Memory LCD as espruino.com/MemoryLCD wires it).
 */
export const DISPLAYS = {
  memorylcd: { spi: "SPI1", sck: "B3", mosi: "B5", cs: "B4", extcomin: "B6", width: 168, height: 144 },
  ssd1306: { i2c: "I2C1", scl: "B6", sda: "B7", width: 128, height: 64 },
  ssd1606: { spi: "SPI1", sck: "A5", mosi: "A7", cs: "A6", dc: "A8", reset: "B1", busy: "A1", width: 172, height: 72 },
};

function displayConfig(d) {
  const wiring = DISPLAYS[d && d.type];
  if (!wiring) throw new Error(`config: display.type must be one of ${Object.keys(DISPLAYS).join(", ")} (got ${JSON.stringify(d && d.type)})`);
  const known = ["type", "bs1", "power", "address", ...Object.keys(wiring)];
  const unknown = Object.keys(d).filter((k) => !known.includes(k));
  if (unknown.length) throw new Error(`config: display key(s) ${unknown.join(", ")} are not used by ${d.type} (it takes: ${known.join(", ")})`);
  // The e-paper module drives one panel, the 172x72 GDE021A1.
  if (d.type == "ssd1606" && (d.width || d.height)) throw new Error("config: the ssd1606 display is the 172x72 GDE021A1; width and height are fixed");
  return { ...wiring, ...d };
}

/**
 * The battery-backed RTC's I2C wiring on each Espruino board unless the config says otherwise:
 * the ESP8266's GPIO5/GPIO4 (a NodeMCU's D1/D2), the ESP32's usual 22/21, and on the Pico-class
 * boards I2C1 on B8/B9, clear of the modems' and the W5500's pins. A panel on I2C (the SSD1306)
 * shares its bus: the RTC then takes the panel's port and pins.
 */
export const RTC_WIRING = {
  esp8266: { i2c: "I2C1", scl: "D5", sda: "D4" },
  esp32: { i2c: "I2C1", scl: "D22", sda: "D21" },
  w5500: { i2c: "I2C1", scl: "B8", sda: "B9" },
  quectel: { i2c: "I2C1", scl: "B8", sda: "B9" },
  sim800: { i2c: "I2C1", scl: "B8", sda: "B9" },
  espat: { i2c: "I2C1", scl: "B8", sda: "B9" },
  linux: { i2c: "I2C1", scl: "D5", sda: "D4" },
  // (the simulator's chip: tools/rtc-sim.mjs, npm start -- --rtc)
  host: { i2c: "I2C1", scl: "D5", sda: "D4" },
};
/** The chips (lib/rtc.ts) and the fastest bus each takes: the DS1307 100 kHz, the others 400 kHz. */
export const RTC_BITRATE = { ds3231: 400000, ds1307: 100000, pcf8563: 400000 };

/** The config's rtc, checked (any board): its type and keys. */
function rtcKeys(r) {
  if (!r || !RTC_BITRATE[r.type]) throw new Error(`config: rtc.type must be one of ${Object.keys(RTC_BITRATE).join(", ")} (got ${JSON.stringify(r && r.type)})`);
  const known = ["type", "i2c", "scl", "sda"];
  const unknown = Object.keys(r).filter((k) => !known.includes(k));
  if (unknown.length) throw new Error(`config: rtc key(s) ${unknown.join(", ")} unknown (it takes: ${known.join(", ")})`);
  return r;
}

/**
 * The rtc with the board's wiring (or the I2C panel's, whose bus it shares) and its bus's
 * bitrate; none on the host image (Node has no I2C: a build takes the keys its board uses).
 */
export function rtcConfig(board, config) {
  const r = config.rtc;
  if (!r || !RTC_WIRING[board]) return undefined;
  const d = config.display;
  const panel = d && d.i2c && (!r.i2c || r.i2c == d.i2c) ? { i2c: d.i2c, scl: d.scl, sda: d.sda } : null;
  const w = { ...RTC_WIRING[board], ...panel, ...r };
  if (panel && (w.scl != d.scl || w.sda != d.sda)) throw new Error(`config: rtc on ${w.i2c} must use the ${d.type} panel's pins (scl ${d.scl}, sda ${d.sda}): one port, one wiring`);
  if (panel && r.type == "ds1307") throw new Error(`config: the ds1307 runs at 100 kHz and the ${d.type} panel at 400 kHz: wire the RTC to another I2C port (rtc.i2c, scl, sda)`);
  return { ...w, bitrate: RTC_BITRATE[r.type] };
}

function gpsConfig(board, user = {}) {
  const wiring = GPS_WIRING[board];
  if (!wiring) throw new Error(`the gps-server app needs a board whose UDP socket can bind a port: ${Object.keys(GPS_WIRING).join(", ")} (not ${board})`);
  const g = { ...GPS_DEFAULTS, ...wiring, ...user };
  const known = [...Object.keys(GPS_DEFAULTS), ...Object.keys(GPS_WIRING.esp8266), "path"];
  const unknown = Object.keys(g).filter((k) => !known.includes(k));
  if (unknown.length) throw new Error(`config: gps key(s) ${unknown.join(", ")} unknown (known: ${known.join(", ")})`);
  if (!(g.holdover > 0 && g.interval > 0 && g.burst >= 1 && g.clients >= 1 && g.port > 0 && g.port < 65536))
    throw new Error("config: gps.holdover, interval, burst, clients and port must be positive (port below 65536)");
  return g;
}

/**
 * The build's virtual modules for one board and config. `transient`: building a per-use part
 * itself; `perUse`: the image's per-use parts (perUseCode below), for @exchange, @decision, @transient and @rtc.
 */
function virtualModules(board, config, transient = false, perUse = null) {
  return {
    name: "ntptime-virtual",
    setup(b) {
      b.onResolve({ filter: /^@board$/ }, (a) =>
        transient
          ? { errors: [{ text: `the per-use code must not make the board: ${a.importer} imports @board` }] }
          : { path: join(ROOT, "boards", board + ".ts") });
      // Only a config with several servers carries selection among them.
      b.onResolve({ filter: /^@choose$/ }, () => ({ path: join(ROOT, "firmware", config.servers && config.servers.length ? "choose-many.ts" : "choose-one.ts") }));
      // The host image runs on Node, where there is no panel: its console is the face.
      const panel = config.display && BOARDS[board].espruino ? config.display.type : "none";
      b.onResolve({ filter: /^@display$/ }, () => ({ path: join(ROOT, "displays", panel + ".ts") }));
      // Only a config with keys carries authentication (and the hash) into the image.
      b.onResolve({ filter: /^@auth$/ }, () => ({ path: join(ROOT, "firmware", config.keys ? "auth-key.ts" : "auth-none.ts") }));
      b.onResolve({ filter: /^@sha1$/ }, () => ({ path: join(ROOT, "boards", BOARDS[board].espruino ? "sha1-espruino.ts" : "sha1-node.ts") }));
      // Only a zone with DST carries the rules and their evaluation into the image.
      b.onResolve({ filter: /^@zone$/ }, () => ({ path: join(ROOT, "firmware", config.zone && config.zone.dst ? "zone-dst.ts" : "zone-fixed.ts") }));
      // The per-use parts (@exchange, @decision, @transient, @rtc): each bundled on its own and wrapped in a
      // function, so that its functions are made when a boot, a round or a REPL call needs
      // them and are garbage after (PER_USE below).
      b.onResolve({ filter: /^@(exchange|decision|transient|rtc|use)$/ }, (a) =>
        transient
          ? { errors: [{ text: `a per-use part must not load another: ${a.importer} imports ${a.path}` }] }
          : { path: a.path, namespace: "ntptime-per-use" });
      b.onLoad({ filter: /.*/, namespace: "ntptime-per-use" }, (a) => ({ contents: perUse.parts[a.path], loader: "js", resolveDir: ROOT }));
      // An --entry app's `import { ntptime } from "ntptime"` (types/ntptime.ts): the clock app's object, made before the app runs.
      b.onResolve({ filter: /^ntptime$/ }, () => ({ path: "ntptime", namespace: "ntptime-app" }));
      b.onLoad({ filter: /.*/, namespace: "ntptime-app" }, () => ({ contents: "export const ntptime = global.ntptime;", loader: "js" }));
      // The config's values written into the sources (configText below).
      const define = configDefines(config, board);
      b.onLoad({ filter: /\.ts$/ }, (a) => ({ contents: configText(readFileSync(a.path, "utf8"), define), loader: "ts" }));
    },
  };
}

/** Device modules: built in, or fetched by the espruino tool at upload (the display drivers). */
const EXTERNAL = ["dgram", "Wifi", "Storage", "WIZnet", "crypto", "MemoryLCD", "SSD1306", "SSD1606"];

/**
 * Every config key as esbuild `define`s it: `CONFIG.poll` becomes 64 where the code reads
 * it. A key the config leaves out becomes undefined, so no read reaches a global CONFIG.
 * The panel's keys too, each on its own (`CONFIG.display.spi` becomes "SPI1", undefined
 * without a panel): the clock's tick asks `CONFIG.display.type` every second, where the
 * whole wiring written in would be an object made each time, and kept as a variable of the
 * image by esbuild's own `define`.
 */
export function configDefines(config, board) {
  const keys = new Set([...Object.keys(DEFAULTS), ...BOARD_KEYS, "pivot", "zone", "gps", "image", ...Object.keys(config)]);
  const define = { BOARD: JSON.stringify(board) };
  const value = (v) => (v === undefined ? "undefined" : JSON.stringify(v));
  for (const k of keys) define["CONFIG." + k] = value(config[k]);
  // Seconds a step of a round may take before the supervisor calls it stalled
  // (firmware/clock.ts): one server's exchange at its slowest, the name, then every request of
  // the burst and its retries timing out, with the gaps and back-offs between; and slack.
  const c = config;
  define["CONFIG.stall"] = String(Math.ceil((c.timeout * (1 + c.burst + c.retries) + c.gap * (c.burst + c.retries) + c.backoff * (2 ** c.retries - 1)) / 1000) + 5);
  const panelKeys = new Set(["type", "bs1", "power", "address", ...Object.values(DISPLAYS).flatMap((w) => Object.keys(w))]);
  for (const k of panelKeys) define["CONFIG.display." + k] = value(config.display && config.display[k]);
  for (const k of ["type", "i2c", "scl", "sda", "bitrate"]) define["CONFIG.rtc." + k] = value(config.rtc && config.rtc[k]);
  return define;
}

/**
 * The property names inside the config's objects (zone, wifi, display, gps, keys): their
 * values are written into the code as JSON, whose keys esbuild leaves as they are, so the
 * code that reads them must too. The config's own keys are not among them: every
 * `CONFIG.key` is replaced in the source text before esbuild reads it (configText), so a
 * name shared with an options object (burst, pivot, maxStep) can be shortened there.
 */
function configProps(v, into = new Set()) {
  if (Array.isArray(v)) v.forEach((x) => configProps(x, into));
  else if (v && typeof v == "object") for (const [k, x] of Object.entries(v)) into.add(k), configProps(x, into);
  return into;
}
const nestedConfigProps = (config) => configProps(Object.values(config));

/**
 * A source file with every `CONFIG.key` (and `CONFIG.display.spi`, `CONFIG.display!.spi`)
 * replaced by its value from the defines, in parentheses: done on the text, since esbuild
 * would shorten a mangled key (`CONFIG.burst` to `CONFIG.a`) before its define could match.
 * A read with no define is left for the build's check of unread keys.
 */
export function configText(text, define) {
  return text.replace(/\bCONFIG\.(\w+)(?:!?\.(\w+))?/g, (all, key, sub) => {
    if (sub && define[`CONFIG.${key}.${sub}`] !== undefined) return `(${define[`CONFIG.${key}.${sub}`]})`;
    if (define["CONFIG." + key] === undefined) return all;
    return `(${define["CONFIG." + key]})` + all.slice(("CONFIG." + key).length);
  });
}

/** The config's identity for saved settings: the same config (the build date aside) is the same image. */
export function configImage(config) {
  const { pivot, ...rest } = config;
  return createHash("sha1").update(JSON.stringify(rest)).digest("hex").slice(0, 8);
}

/**
 * The properties esbuild shortens to a letter or two (a third off the core's size): those
 * whose objects never leave the image, read from the code's own types. A member is shortened
 * when its interface's doc comment says `@internal`, or its own does; minus any member of an
 * interface marked `@public` (what a user sees: ntptime.last, status(), the REPL object),
 * unless that member is itself `@internal`. The build fails when one of them is also the name
 * of a device API's member (tools/device-names.json): shortening `x.setup` would shorten
 * Serial1.setup too. (mangled() then leaves out the config's own names.)
 */
export function declaredProps(files = SOURCES(), deviceNames = DEVICE_NAMES()) {
  const internal = new Map();
  const pub = new Set();
  const tagged = (node, tag) => ts.getJSDocTags(node).some((t) => t.tagName.text == tag);
  const nameOf = (m) => (m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) ? m.name.text : null);
  for (const file of files) {
    const src = ts.createSourceFile(file, readFileSync(resolve(ROOT, file), "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (ts.isInterfaceDeclaration(node)) {
        const whole = tagged(node, "internal");
        const isPublic = tagged(node, "public");
        for (const m of node.members) {
          const name = nameOf(m);
          if (!name) continue;
          if (whole || tagged(m, "internal")) internal.set(name, `${file} ${node.name.text}.${name}`);
          else if (isPublic) pub.add(name);
        }
      } else if ((ts.isPropertyAssignment(node) || ts.isMethodDeclaration(node)) && tagged(node, "internal")) {
        const name = nameOf(node);
        if (name) internal.set(name, `${file} ${name}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(src);
  }
  for (const name of pub) internal.delete(name);
  const clash = [...internal].filter(([name]) => deviceNames.has(name)).map(([, where]) => where);
  if (clash.length) throw new Error(`shortened properties that are also device API member names (tools/device-names.json), to be renamed: ${clash.join(", ")}`);
  return [...internal.keys()].sort();
}

/** The image's sources: every module the builds can take in. */
const SOURCES = () =>
  ["lib", "boards", "firmware", "displays"].flatMap((dir) => readdirSync(join(ROOT, dir)).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).map((f) => `${dir}/${f}`));
const DEVICE_NAMES = () => new Set(JSON.parse(readFileSync(join(ROOT, "tools/device-names.json"), "utf8")));
/** (once per process: every image shares them) */
let declared;

/** The mangle pattern for one config: the declared internal properties less the names its objects carry. */
function mangled(config) {
  const keep = nestedConfigProps(config);
  declared = declared || declaredProps();
  return new RegExp("^(" + declared.filter((p) => !keep.has(p)).join("|") + ")$");
}

class DialectError extends Error {}

/**
 * The image's per-use parts: each a global function on Espruino that makes its code and hands back
 * what it exports, beside the image's own wrapper, not inside it: a function's scope chain is
 * stored with it, and each function made inside a wrapped function carries an array of two scopes
 * (about 10 JsVars a function instead of 7, measured on the ESP8266 build). Three parts, so that a
 * round holds one at a time: the exchange with one server (firmware/exchange.ts), the round's end
 * (firmware/decision.ts) and the rest (firmware/transient.ts: boot, the schedule, the REPL); the
 * supervisor's recovery rides with the round's end. With an RTC, its read and writes a fourth
 * (firmware/rtc-use.ts), loaded at power-on and between rounds. `module` is the virtual module the
 * image imports it as. Each global's name is four characters, which its JsVar holds (a name of
 * fifteen took four JsVars more each, for good, measured on the ESP8266 build).
 */
const PER_USE = [
  { module: "@exchange", entry: "firmware/exchange.ts", global: "ntpX", load: "loadExchange", value: "EXCHANGE" },
  { module: "@decision", entry: "firmware/decision.ts", global: "ntpD", load: "loadDecision", value: "DECISION" },
  { module: "@transient", entry: "firmware/transient.ts", global: "ntpT", load: "loadTransient", value: "TRANSIENT" },
  // (only in an image whose config has rtc: another would carry its global for nothing)
  { module: "@rtc", entry: "firmware/rtc-use.ts", global: "ntpR", load: "loadRtc", value: "RTC", when: (config) => !!config.rtc },
];
/**
 * The module's (require("ntptime"), firmware/module.ts): one part, a function of the
 * module's own scope (a Storage module runs in a scope of its own, as the image's wrapper).
 */
const MODULE_USE = [{ module: "@use", entry: "firmware/module-use.ts", global: "ntpU", load: "loadUse", value: "USE" }];
/** Each app's per-use parts (the gps-server and the core probe have none). */
const PARTS = { "firmware/clock.ts": PER_USE, "firmware/module.ts": MODULE_USE };

/**
 * One per-use part, built on its own and wrapped in a function that makes it and hands back
 * its value. On Espruino that function is a global beside the image (`banner`), minified
 * here with the property names the parts before it chose (`names`), which it hands on
 * (`mangleCache`): the image's build takes them over, so all parts agree. On Node it is a
 * module of the image (its imports above the wrapper), which the image's build minifies
 * with the rest.
 */
async function perUsePart(part, { board, config, minify, supported }, names) {
  const espruino = BOARDS[board].espruino;
  const own = espruino && minify;
  const r = await esbuild({
    entryPoints: [join(ROOT, part.entry)],
    bundle: true,
    write: false,
    minify: own,
    // constants folded and dead code dropped in every pass, while the modules are still top-level
    minifySyntax: true,
    mangleProps: own ? mangled(config) : undefined,
    mangleCache: own ? names : undefined,
    define: configDefines(config, board),
    legalComments: "none",
    charset: "utf8",
    format: espruino ? "cjs" : "esm",
    platform: "node",
    target: "es2020",
    supported,
    external: EXTERNAL,
    plugins: [virtualModules(board, config, true)],
    logLevel: "silent",
  });
  let code = r.outputFiles[0].text.replace('"use strict";', "").trim();
  const made = (name) => `function ${name}() {\nvar ${part.value};\n${code}\nreturn ${part.value};\n}\n`;
  // (the global itself, not a function that calls it: one JsVar instead of six, in memory for good)
  if (espruino) return { banner: made(part.global), module: `export const ${part.load} = ${part.global};\n`, mangleCache: r.mangleCache };
  const imports = (code.match(/^import .*;$/gm) || []).join("\n");
  code = code.replace(/^import .*;$/gm, "");
  return { banner: "", module: `${imports}\nexport ${made(part.load)}`, mangleCache: names };
}

/** An app's per-use parts, in order, each taking over the names of those before it. */
async function perUseCode(list, opts) {
  const parts = {};
  let banner = "";
  let names = {};
  for (const part of list) {
    // (a part the config leaves out: its loader undefined, and every use of it folded away with CONFIG)
    if (part.when && !part.when(opts.config)) {
      parts[part.module] = `export const ${part.load} = undefined;\n`;
      continue;
    }
    const p = await perUsePart(part, opts, names);
    parts[part.module] = p.module;
    banner += p.banner;
    names = p.mangleCache;
  }
  return { banner, parts, mangleCache: BOARDS[opts.board].espruino && opts.minify ? names : undefined };
}

async function bundle(entry, { board, config, minify, supported, espruino, app }) {
  const perUse = PARTS[entry] ? await perUseCode(PARTS[entry], { board, config, minify, supported }) : null;
  // A module is evaluated in a scope of its own (require), an image in its wrapper's.
  const module = entry == "firmware/module.ts";
  const r = await esbuild({
    // with an --entry app: the clock app first (it makes global.ntptime), then the app
    entryPoints: app ? undefined : [join(ROOT, entry)],
    stdin: app ? { contents: `import ${JSON.stringify("./" + entry)};\nimport ${JSON.stringify(app)};\n`, resolveDir: ROOT, sourcefile: "entry.js" } : undefined,
    bundle: true,
    write: false,
    minify,
    mangleProps: minify ? mangled(config) : undefined,
    // the names the per-use code was given, so that both parts agree
    mangleCache: perUse ? perUse.mangleCache : undefined,
    define: { ...configDefines(config, board), EXPORTS: "module.exports" },
    legalComments: "none",
    charset: "utf8",
    // An iife bundle wraps require("dgram") in a helper that needs Proxy; a cjs bundle keeps
    // the plain call, and the image is wrapped in a function of its own to keep its names local.
    format: espruino ? "cjs" : "esm",
    banner: espruino ? { js: (perUse ? perUse.banner : "") + (module ? "" : "(function(){") } : undefined,
    footer: espruino && !module ? { js: "})();" } : undefined,
    platform: "node",
    target: "es2020",
    supported,
    external: EXTERNAL,
    plugins: [virtualModules(board, config, false, perUse)],
    logLevel: "silent",
  });
  return r.outputFiles[0].text;
}

/**
 * Builds one image: first readable (esbuild marks each module) for a gate report that names
 * the source, then minified with the device's missing features turned off, gated again.
 */
/** A lib module for the build itself: the TZ string and the keys are parsed here, not on the device. */
const buildLibs = {};
async function buildLib(name) {
  if (!buildLibs[name]) {
    const r = await esbuild({ entryPoints: [join(ROOT, `lib/${name}.ts`)], bundle: true, write: false, format: "esm", logLevel: "silent" });
    buildLibs[name] = await import("data:text/javascript;base64," + Buffer.from(r.outputFiles[0].text).toString("base64"));
  }
  return buildLibs[name];
}
export async function parseTz(tz) {
  return (await buildLib("tz")).parseTz(tz);
}

/**
 * The keys an image carries: config.keys (chrony key-file lines, or the file's path) parsed;
 * for the clock app only config.key, the one it signs with, and for the gps-server all.
 */
export async function imageKeys(app, config) {
  if (config.keys == null) {
    if (config.key != null) throw new Error(`config: key ${config.key} names a key but there are no keys`);
    return undefined;
  }
  const text = typeof config.keys == "string" ? readFileSync(config.keys, "utf8") : Array.isArray(config.keys) ? config.keys.join("\n") : null;
  if (text == null) throw new Error("config: keys must be chrony key-file lines (\"1 SHA1 HEX:...\") or the key file's path");
  const keys = (await buildLib("keys")).parseKeys(text);
  if (typeof keys == "string") throw new Error(`config: keys ${keys}`);
  if (!keys.length) throw new Error("config: keys has no key");
  if (app == "gps-server") return keys;
  const mine = keys.filter((k) => k.id === config.key);
  if (!mine.length) throw new Error(`config: key must be the id of one of the keys (${keys.map((k) => k.id).join(", ")}) for the client to sign with`);
  return mine;
}

/**
 * An --entry app, checked before it is bundled, each message with the app's own file and
 * line: tsc with the declarations it may import (types/ntptime.ts: the ntptime object, its
 * events and alarms; types/espruino.d.ts: the Espruino globals), then the dialect gate on
 * its source. Returns the file's absolute path.
 */
export function checkApp(file) {
  const path = resolve(file);
  const name = relative(process.cwd(), path) || path;
  const options = {
    target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, strict: true, noEmit: true,
    skipLibCheck: true, types: [], lib: ["lib.es2020.d.ts"], baseUrl: ROOT, paths: { ntptime: ["types/ntptime.ts"] },
  };
  const program = ts.createProgram([path, join(ROOT, "types/espruino.d.ts")], options);
  // (only the app's own: the sources behind types/ntptime.ts are the project's tsc's)
  const typeErrors = ts.getPreEmitDiagnostics(program).filter((d) => !d.file || resolve(d.file.fileName) == path).map((d) => {
    const at = d.file ? d.file.getLineAndCharacterOfPosition(d.start) : { line: -1, character: -1 };
    return `${name}:${at.line + 1}:${at.character + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n  ")}`;
  });
  if (typeErrors.length) throw new DialectError(`${name}: tsc found ${typeErrors.length} error(s):\n` + typeErrors.join("\n"));
  const problems = checkDialect(readFileSync(path, "utf8"), name, ts.ScriptKind.TS);
  if (problems.length) throw new DialectError(`${name}: Espruino 2v29 would reject this app:\n` + formatProblems(problems, name));
  return path;
}

export async function buildImage({ board, app = "clock", config, outfile, entry }) {
  if (!BOARDS[board]) throw new Error(`unknown board '${board}' (boards: ${Object.keys(BOARDS).join(", ")})`);
  if (entry && app != "clock") throw new Error("--entry goes with the clock app");
  const appFile = entry ? checkApp(entry) : undefined;
  // an app's image has the alarms unless its config says not
  if (entry && config.alarms == null) config = { ...config, alarms: true };
  const zone = await parseTz(config.tz);
  if (!zone)
    throw new Error(`config: tz ${JSON.stringify(config.tz)} is neither hours (-12 to 14) nor a POSIX TZ string with Mm.w.d rules (e.g. "CET-1CEST,M3.5.0,M10.5.0/3")`);
  config = { ...config, zone };
  if (!APPS.includes(app)) throw new Error(`unknown app '${app}' (apps: ${APPS.join(", ")})`);
  config = { ...config, gps: app == "gps-server" ? gpsConfig(board, config.gps) : undefined, keys: await imageKeys(app, config), rtc: app == "clock" ? rtcConfig(board, config) : undefined };
  if (!config.gps) delete config.gps;
  if (!config.rtc) delete config.rtc;
  if (!config.keys) delete config.keys;
  config.image = configImage(config);
  const espruino = BOARDS[board].espruino;
  const opts = { board, config, espruino };
  const main = `firmware/${app}.ts`;
  for (const [minify, supported, label] of [[false, ALL_SUPPORTED, "source"], [true, NONE_SUPPORTED, "minified"]]) {
    let code = await bundle(main, { ...opts, minify, supported, app: appFile });
    // a config read the build did not replace would be a ReferenceError on the device
    const unread = /\bCONFIG\.(\w+)/.exec(code.replace(/^\s*\/\/.*$/gm, ""));
    if (unread) throw new Error(`${board}: the image still reads CONFIG.${unread[1]}: not a key build.mjs defines`);
    const problems = checkDialect(code, label);
    if (problems.length) {
      writeFileSync(join(tmpdir(), `ntptime-rejected-${board}.js`), code);
      throw new DialectError(`${board}: Espruino 2v29 would reject this ${label} image:\n` + formatProblems(problems, `${board}.js`) +
        `\n(the rejected image is kept in ${join(tmpdir(), `ntptime-rejected-${board}.js`)})`);
    }
    if (minify) {
      // esbuild's cjs output opens with "use strict", which Espruino ignores: 13 bytes saved.
      code = code.replace('(function(){\n"use strict";', "(function(){\n").replace(/^"use strict";/m, "");
      if (outfile) {
        mkdirSync(dirname(outfile), { recursive: true });
        writeFileSync(outfile, code);
      }
      return code;
    }
  }
}

/** The core client alone (lib + the ntptime facade), minified as on the device, for the footprint figure. */
export async function coreSize(config) {
  const code = await bundle("tools/core-entry.ts", { board: "linux", config, minify: true, supported: NONE_SUPPORTED, espruino: true });
  return Buffer.byteLength(code.replace('"use strict";', ""));
}

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] == "--entry" && i + 1 < argv.length) {
      args.entry = argv[++i];
      continue;
    }
    if (argv[i] == "--module") {
      args.module = true;
      continue;
    }
    const m = /^--(board|app|config|out)$/.exec(argv[i]);
    if (!m || i + 1 >= argv.length) throw new Error(`usage: node build.mjs [--board NAME] [--app NAME] [--config FILE.json] [--out DIR] [--entry APP.ts] | --module [--config FILE.json] [--out DIR] (bad argument '${argv[i]}')`);
    args[m[1]] = argv[++i];
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
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
