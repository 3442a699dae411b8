// The config an image is built from, described once: firmware/config.schema.json gives every
// key's type, bounds, default and meaning. From it come the defaults, the build's checks (ajv,
// with messages that name the key, its path and what is allowed) and docs/config.md's table:
//   node build/config.mjs --docs     writes the table into docs/config.md
//   node build/config.mjs --check F  checks a config file and prints it with the defaults
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cli } from "../tools/cli.mjs";
import { createHash } from "node:crypto";
import Ajv from "ajv";
import { BOARDS, GPS_WIRING, RTC_BITRATE, RTC_WIRING } from "../boards/boards.mjs";
import { DISPLAYS } from "../displays/wiring.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/** @type {{ properties: Record<string, any> } & Record<string, any>} */
export const SCHEMA = JSON.parse(readFileSync(join(ROOT, "firmware/config.schema.json"), "utf8"));

/** The config every build starts from: the schema's defaults of the top-level keys. @type {Record<string, unknown>} */
export const DEFAULTS = Object.fromEntries(
  Object.entries(SCHEMA.properties)
    .filter(([, p]) => "default" in p)
    .map(([k, p]) => [k, p.default]),
);
/** Config keys without a default: the network and the hardware of particular boards. */
export const BOARD_KEYS = Object.keys(SCHEMA.properties).filter((k) => k != "$schema" && !(k in DEFAULTS));
/** The gps-server app's settings that have defaults (its wiring is per board: boards/boards.mjs GPS_WIRING). @type {Record<string, number>} */
export const GPS_DEFAULTS = Object.fromEntries(
  Object.entries(SCHEMA.properties.gps.properties)
    .filter(([, p]) => "default" in p)
    .map(([k, p]) => [k, p.default]),
);

// (x-default: the docs' default column for a key whose default is not a value: "per board")
const ajv = new Ajv({ allErrors: true, strict: true, keywords: ["x-default"] });
const validate = ajv.compile(SCHEMA);

/** Levenshtein distance, for the known key nearest a typo. */
function distance(a, b) {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1].toLowerCase() == b[j - 1].toLowerCase() ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/** The schema of the object at an ajv instance path ("/display"). */
function schemaAt(path) {
  let s = SCHEMA;
  for (const part of path.split("/").filter(Boolean)) s = (s.properties && s.properties[part]) || (s.items) || {};
  return s;
}

const TYPES = { number: "a number", integer: "a whole number", string: "a string", boolean: "true or false", object: "an object", array: "a list", null: "null" };

/** One ajv error as a sentence: the key's path, what is wrong, and what is allowed. */
function sentence(e, config) {
  const at = e.instancePath.split("/").filter(Boolean).join(".");
  const value = e.instancePath.split("/").filter(Boolean).reduce((v, k) => (v == null ? v : v[k]), config);
  const got = ` (got ${JSON.stringify(value)})`;
  switch (e.keyword) {
    case "additionalProperties": {
      const key = e.params.additionalProperty;
      const known = Object.keys(schemaAt(e.instancePath).properties || {}).filter((k) => k != "$schema");
      const near = known.map((k) => [distance(key, k), k]).sort((p, q) => p[0] - q[0])[0];
      const where = at ? `${at} key` : "config key";
      return `unknown ${where} "${key}"` + (near && near[0] <= Math.max(2, key.length / 3) ? ` (did you mean "${near[1]}"?)` : "") + `; known: ${known.join(", ")}`;
    }
    case "required":
      return `${at ? at + "." : ""}${e.params.missingProperty} is required`;
    case "enum":
      return `${at} must be one of ${e.params.allowedValues.join(", ")}${got}`;
    case "type":
      return `${at} must be ${[].concat(e.params.type).map((t) => TYPES[t] || t).join(" or ")}${got}`;
    case "minLength":
      return `${at} must be a non-empty string${got}`;
    case "anyOf": {
      const s = schemaAt(e.instancePath);
      return `${at} must be ${s.anyOf.map((a) => (a.type == "array" ? "a list of strings" : a.type == "string" ? "a non-empty string" : `a ${a.type}` + (a.minimum != null ? ` from ${a.minimum} to ${a.maximum}` : ""))).join(" or ")}${got}`;
    }
    default:
      return `${at} ${e.message}${got}`;
  }
}

/**
 * The config checked against the schema; throws one error naming every problem. The
 * errors inside an anyOf (each branch's own) are left out for the anyOf's own sentence.
 * @template {Record<string, unknown>} T
 * @param {T} config
 * @returns {T}
 */
export function checkConfig(config) {
  if (validate(config)) return config;
  const errors = validate.errors.filter((e) => !/\/anyOf\/\d+\//.test(e.schemaPath));
  const text = [...new Set(errors.map((e) => sentence(e, config)))];
  throw new Error("config: " + text.join("; "));
}

/** A description's docs/ references as the docs page's own links. */
const linked = (text) => text.replace(/\(docs\/([\w-]+\.md)(#[\w-]+)?([^)]*)\)/g, (_, page, anchor = "", rest) => `([${page.replace(/\.md$/, "")}](${page}${anchor})${rest})`);

/** A docs table of the schema's `properties`, each key written `prefix` + its name. */
function table(properties, prefix) {
  const rows = ["| key | default | meaning |", "|---|---|---|"];
  for (const [k, p] of Object.entries(properties)) {
    if (k == "$schema") continue;
    const def = "default" in p ? "`" + JSON.stringify(p.default) + "`" : p["x-default"] || "none";
    rows.push(`| \`${prefix}${k}\` | ${def} | ${linked(p.description)} |`);
  }
  return rows.join("\n");
}

/** docs/config.md's table of every key, from the schema. */
export const configTable = () => table(SCHEMA.properties, "");
/** The gps-server's keys, for docs/gps-server.md's table. */
export const gpsTable = () => table(SCHEMA.properties.gps.properties, "gps.");

/** Where each generated table sits in the docs: between these lines. */
export const TABLES = [
  { file: "docs/config.md", make: configTable },
  { file: "docs/gps-server.md", make: gpsTable },
];
const BEGIN = "<!-- generated from firmware/config.schema.json by node build/config.mjs --docs: edit the schema -->";
const END = "<!-- end of the generated table -->";

/**
 * A docs page's text with its generated table made anew between the `begin` line and the end
 * marker (throws where the markers are missing).
 * @param {string} text
 * @param {string} table
 * @param {string} [begin]
 * @returns {string}
 */
export function withTable(text, table, begin = BEGIN) {
  const a = text.indexOf(begin);
  const b = text.indexOf(END, a);
  if (a < 0 || b < a) throw new Error("no generated table's markers");
  return text.slice(0, a + begin.length) + "\n" + table + "\n" + text.slice(b);
}

/**
 * The build config: the schema's defaults (build/config.mjs), overridden by a user file and
 * checked against the schema, plus the build date (`pivot`, which a test may set).
 * @param {string} [file]
 * @param {Record<string, unknown>} [overrides]
 * @returns {Record<string, any>}
 */
export function loadConfig(file, overrides = {}) {
  const user = file ? readJson(file) : {};
  const { pivot, $schema, ...given } = { ...user, ...overrides };
  let config;
  try {
    // (a key given as undefined, an override's way of saying "not this one", is left out)
    config = checkConfig({ ...DEFAULTS, ...JSON.parse(JSON.stringify(given)) });
    if (config.display) config.display = displayConfig(config.display);
  } catch (e) {
    // a user's file named in the message: "my.json: poll must be a number (got "often")"
    throw file ? new Error(e.message.replace(/^config: /, file + ": ")) : e;
  }
  // The NTP era pivot and the earliest time the device will believe: the build date.
  config.pivot = pivot != null ? pivot : Math.floor(Date.now() / 1000);
  return config;
}

/** A config file's JSON; not JSON: an error naming the file, the line and the column. */
function readJson(file) {
  const text = readFileSync(file, "utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec(e.message);
    const before = at ? text.slice(0, +at[1]).split("\n") : null;
    const where = before ? `:${before.length}:${before[before.length - 1].length + 1}` : "";
    throw new Error(`${file}${where}: not JSON: ${e.message.replace(/ in JSON at position \d+.*$/, "")}`);
  }
}

/** The panel's wiring with its type's defaults; the keys its type takes (the schema checked the rest). */
function displayConfig(d) {
  const wiring = DISPLAYS[d.type];
  const known = ["type", "bs1", "power", "address", ...Object.keys(wiring)];
  const unknown = Object.keys(d).filter((k) => !known.includes(k));
  if (unknown.length) throw new Error(`config: display key(s) ${unknown.join(", ")} are not used by ${d.type} (it takes: ${known.join(", ")})`);
  // The e-paper module drives one panel, the 172x72 GDE021A1.
  if (d.type == "ssd1606" && (d.width || d.height)) throw new Error("config: the ssd1606 display is the 172x72 GDE021A1; width and height are fixed");
  return { ...wiring, ...d };
}

/**
 * The rtc with the board's wiring (or the I2C panel's, whose bus it shares) and its bus's
 * bitrate; none on the host image (Node has no I2C: a build takes the keys its board uses).
 * @param {string} board
 * @param {Record<string, any>} config
 * @returns {Record<string, unknown> | undefined}
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

export function gpsConfig(board, user = {}) {
  const wiring = GPS_WIRING[board];
  if (!wiring) throw new Error(`the gps-server app needs a board whose UDP socket can bind a port: ${Object.keys(GPS_WIRING).join(", ")} (not ${board})`);
  return { ...GPS_DEFAULTS, ...wiring, ...user };
}

/**
 * Every config key as esbuild `define`s it: `CONFIG.poll` becomes 64 where the code reads
 * it. A key the config leaves out becomes undefined, so no read reaches a global CONFIG.
 * The panel's keys too, each on its own (`CONFIG.display.spi` becomes "SPI1", undefined
 * without a panel): the clock's tick asks `CONFIG.display.type` every second, where the
 * whole wiring written in would be an object made each time, and kept as a variable of the
 * image by esbuild's own `define`.
 * @param {Record<string, any>} config
 * @param {string} board
 * @returns {Record<string, string>}
 */
export function configDefines(config, board) {
  const keys = new Set([...Object.keys(DEFAULTS), ...BOARD_KEYS, "pivot", "zone", "gps", "image", ...Object.keys(config)]);
  /** @type {Record<string, string>} */
  const define = { BOARD: JSON.stringify(board), BOARD_MODEM_CLOCK: String(!!BOARDS[board].modemClock) };
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
export const nestedConfigProps = (config) => configProps(Object.values(config));

/**
 * A source file with every `CONFIG.key` (and `CONFIG.display.spi`, `CONFIG.display!.spi`)
 * replaced by its value from the defines, in parentheses: done on the text, since esbuild
 * would shorten a mangled key (`CONFIG.burst` to `CONFIG.a`) before its define could match.
 * A read with no define is left for the build's check of unread keys.
 * @param {string} text
 * @param {Record<string, string>} define
 * @returns {string}
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

if (process.argv[1] && fileURLToPath(import.meta.url) == process.argv[1]) {
  const a = cli(
    "config",
    `node build/config.mjs --docs | --check FILE.json
  --docs   writes the tables of docs/config.md and docs/gps-server.md from firmware/config.schema.json
  --check  checks a config file against the schema and prints it with the defaults`,
    { docs: { type: "boolean" }, check: { type: "string" } },
  );
  if (a.docs) {
    for (const t of TABLES) {
      const file = join(ROOT, t.file);
      writeFileSync(file, withTable(readFileSync(file, "utf8"), t.make()));
      console.log("wrote the table of " + t.file);
    }
  } else if (a.check) {
    const { $schema, ...config } = JSON.parse(readFileSync(a.check, "utf8"));
    try {
      console.log(JSON.stringify(checkConfig({ ...DEFAULTS, ...config }), null, 2));
    } catch (e) {
      console.error(`${a.check}: ${e.message}`);
      process.exit(1);
    }
  } else {
    console.error("node build/config.mjs --docs | --check FILE.json (--help)");
    process.exit(2);
  }
}
