// One image: esbuild with the config folded into the sources, the board's and the config's
// alternatives as virtual modules, the parts each a function of its own, property
// names shortened as the types say, and the dialect gate on the readable and the minified code.
import { build as esbuild } from "esbuild";
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { checkDialect, formatProblems } from "../tools/dialect.mjs";
import { BOARDS } from "../boards/boards.mjs";
import { configDefines, configImage, configText, gpsConfig, rtcConfig } from "./config.mjs";
import { mangled } from "./mangle.mjs";
import { DialectError, checkApp } from "./app.mjs";
import { leafFunctions, unscope } from "./leaves.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

export const APPS = ["clock", "gps-server", "module"];
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

/**
 * The build's virtual modules for one board and config. `inPart`: building a part itself;
 * `parts`: the app's parts (appParts below), for the imports of @part/exchange and the rest.
 */
function virtualModules(board, config, inPart = false, parts = null) {
  return {
    name: "ntptime-virtual",
    setup(b) {
      b.onResolve({ filter: /^@board$/ }, (a) =>
        inPart
          ? { errors: [{ text: `a part must not make the board: ${a.importer} imports @board` }] }
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
      // The parts on Node (@part/exchange, ...): each a module of the image that exports its
      // loader, injected where the code names it (PARTS below).
      b.onResolve({ filter: /^@part\// }, (a) =>
        inPart
          ? { errors: [{ text: `a part must not load another: ${a.importer} imports ${a.path}` }] }
          : { path: a.path, namespace: "ntptime-part" });
      b.onLoad({ filter: /.*/, namespace: "ntptime-part" }, (a) => ({ contents: parts.modules[a.path], loader: "js", resolveDir: ROOT }));
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
 * The parts: code made when it is used and garbage after, its text in flash. Each is a global
 * function on Espruino that makes its code and hands back what its entry sets (`value`),
 * named by the code as its loader (`load`, a global of firmware/virtual.d.ts that the build
 * defines as the part's own: no variable of the image holds it, a JsVar each for good), beside
 * the image's own wrapper, not inside it: a function's scope chain is stored with it,
 * and each function made inside a wrapped function carries an array of two scopes (about 10
 * JsVars a function instead of 7, measured on the ESP8266 build). The clock app's, so that a
 * round holds one at a time: the exchange with one server, the round's end (with the
 * supervisor's recovery) and the control part (start, boot, the schedule, the REPL); with an
 * RTC, the chip's read and writes, loaded at power-on and between rounds. The module
 * (require("ntptime")) has two, functions of the module's own scope (a Storage module runs in
 * a scope of its own, as the image's wrapper), whose scope the module takes away as it loads
 * (bundle below). Each entry is firmware/parts/<name>.ts, its
 * import `@part/<name>`; each global's name is four characters, which its JsVar holds (a name
 * of fifteen took four JsVars more each, for good, measured on the ESP8266 build). `when`: the
 * configs that have the part; `lean`: a part in memory while a server is asked, the round's
 * most, whose functions that name nothing of its scope are made without it (build/leaves.mjs:
 * at the ESP8266 size 10 JsVars fewer at the module's most and 4 at the esp8266 image's, for
 * about 70 bytes a part, which the parts made at other moments do not spend).
 */
const part = (name, global, load, value, { when, lean } = {}) => ({ module: "@part/" + name, entry: `firmware/parts/${name}.ts`, global, load, value, when, lean });
export const PARTS = {
  "firmware/clock.ts": [
    part("exchange", "ntpX", "loadExchange", "EXCHANGE", { lean: true }),
    part("decide", "ntpC", "loadDecide", "DECIDE"),
    part("end", "ntpD", "loadEnd", "END"),
    part("control", "ntpT", "loadControl", "CONTROL"),
    // (only in an image whose config has rtc: another would carry its global for nothing)
    part("rtc", "ntpR", "loadRtc", "RTC", { when: (config) => !!config.rtc }),
  ],
  "firmware/module.ts": [part("module", "ntpU", "loadModule", "MODULE"), part("module-ask", "ntpQ", "loadModuleAsk", "MODULE_ASK", { lean: true })],
};

/**
 * One part, built on its own and wrapped in a function that makes it and hands back
 * its value. On Espruino that function is a global beside the image (`banner`), minified
 * here with the property names the parts before it chose (`names`), which it hands on
 * (`mangleCache`): the image's build takes them over, so all parts agree. On Node it is a
 * module of the image (its imports above the wrapper), which the image's build minifies
 * with the rest.
 */
async function buildPart(part, { board, config, minify, supported }, names) {
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
  const other = LOADERS.find((name) => new RegExp(`\\b${name}\\b`).test(code));
  if (other) throw new Error(`a part must not load another: ${part.entry} names ${other}`);
  const leaves = espruino && part.lean ? unscope(leafFunctions(code, [part.value])) : "";
  const made = (name) => `function ${name}() {\nvar ${part.value};\n${code}\n${leaves}return ${part.value};\n}\n`;
  // (the global itself, not a function that calls it: one JsVar instead of six, in memory for good)
  if (espruino) return { banner: made(part.global), mangleCache: r.mangleCache };
  const imports = (code.match(/^import .*;$/gm) || []).join("\n");
  code = code.replace(/^import .*;$/gm, "");
  return { banner: "", module: `${imports}\nexport ${made(part.load)}`, mangleCache: names };
}

/** Every part's loader, as the code names it. */
const LOADERS = Object.values(PARTS).flatMap((list) => list.map((part) => part.load));

/**
 * An app's parts, in order, each taking over the names of those before it: on Espruino the
 * functions (`banner`) and each loader defined as its part's global (`define`); on Node the
 * modules to inject.
 */
async function appParts(list, opts) {
  const modules = {};
  const define = {};
  let banner = "";
  let names = {};
  for (const part of list) {
    // (a part the config leaves out: its loader undefined, and every use of it folded away with CONFIG)
    if (part.when && !part.when(opts.config)) {
      modules[part.module] = `export const ${part.load} = undefined;\n`;
      define[part.load] = "undefined";
      continue;
    }
    const p = await buildPart(part, opts, names);
    if (p.module) modules[part.module] = p.module;
    define[part.load] = part.global;
    banner += p.banner;
    names = p.mangleCache;
  }
  const espruino = BOARDS[opts.board].espruino;
  return { banner, modules, define: espruino ? define : {}, inject: espruino ? [] : Object.keys(modules), mangleCache: espruino && opts.minify ? names : undefined };
}

async function bundle(entry, { board, config, minify, supported, espruino, app }) {
  const parts = PARTS[entry] ? await appParts(PARTS[entry], { board, config, minify, supported }) : null;
  // A module is evaluated in a scope of its own (require), an image in its wrapper's.
  const module = entry == "firmware/module.ts";
  // So a module's parts are functions of its scope, and a function keeps the scopes it was made
  // in (Espruino's hidden "\xFFsco", src/jsutils.h JSPARSE_FUNCTION_SCOPE_NAME): each function
  // a part made would carry an array of both, 3 JsVars more while it lives (the exchange's 15
  // and its closures), and every call under way a copy of it. The parts name nothing of the
  // module's scope (they are handed what they use), so the module takes it from each as it
  // loads, and their functions keep one scope, as the clock images' global parts' do (58 JsVars
  // fewer at the first request at the ESP8266 size, test/device/module.test.ts), as
  // build/leaves.mjs unscope writes it.
  const unscoped = espruino && module && parts ? unscope(PARTS[entry].map((p) => p.global)) : "";
  const r = await esbuild({
    // with an --entry app: the clock app first (it makes global.ntptime), then the app
    entryPoints: app ? undefined : [join(ROOT, entry)],
    stdin: app ? { contents: `import ${JSON.stringify("./" + entry)};\nimport ${JSON.stringify(app)};\n`, resolveDir: ROOT, sourcefile: "entry.js" } : undefined,
    bundle: true,
    write: false,
    minify,
    mangleProps: minify ? mangled(config) : undefined,
    // the names the parts' code was given, so that all agree
    mangleCache: parts ? parts.mangleCache : undefined,
    define: { ...configDefines(config, board), EXPORTS: "module.exports", ...(parts ? parts.define : {}) },
    inject: parts ? parts.inject : undefined,
    legalComments: "none",
    charset: "utf8",
    // An iife bundle wraps require("dgram") in a helper that needs Proxy; a cjs bundle keeps
    // the plain call, and the image is wrapped in a function of its own to keep its names local.
    format: espruino ? "cjs" : "esm",
    banner: espruino ? { js: (parts ? parts.banner : "") + unscoped + (module ? "" : "(function(){") } : undefined,
    footer: espruino && !module ? { js: "})();" } : undefined,
    platform: "node",
    target: "es2020",
    supported,
    external: EXTERNAL,
    plugins: [virtualModules(board, config, false, parts)],
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
/** @param {string} tz a POSIX TZ string @returns {Promise<any>} the zone, lib/tz.ts parseTz */
export async function parseTz(tz) {
  return (await buildLib("tz")).parseTz(tz);
}

/**
 * The keys an image carries: config.keys (chrony key-file lines, or the file's path) parsed;
 * for the clock app only config.key, the one it signs with, and for the gps-server all.
 * @param {string} app
 * @param {Record<string, any>} config
 * @returns {Promise<{ id: number; secret: number[] }[] | undefined>}
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
 * One image of `app` for `board` from `config` (loadConfig's), written to `outfile` when given;
 * `entry`: an app of the user's bundled after the clock app. Resolves the image's text.
 * @param {{ board: string; app?: string; config: Record<string, any>; outfile?: string; entry?: string }} o
 * @returns {Promise<string>}
 */
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

/**
 * The core client alone (lib + the ntptime facade), minified as on the device, for the footprint figure.
 * @param {Record<string, any>} config
 * @returns {Promise<number>}
 */
export async function coreSize(config) {
  const code = await bundle("tools/core-entry.ts", { board: "linux", config, minify: true, supported: NONE_SUPPORTED, espruino: true });
  return Buffer.byteLength(code.replace('"use strict";', ""));
}

