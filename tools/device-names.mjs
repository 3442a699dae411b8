#!/usr/bin/env node
// Writes tools/device-names.json: every member name a device API has, for the build's
// mangle check (build.mjs): a property the build shortens must not be one that the
// interpreter, a module or Node reads or offers. (Globals are not members: the build
// shortens property names only.) The names come from
// - Espruino 2v29's own API declarations: the JSON block above each built-in in its
//   jswrap_*.c sources (../shared/espruino's tarball), Wifi and WIZnet included: methods,
//   static methods and properties;
// - the Espruino modules the image loads (../shared/espruino/modules: exports and the
//   members they use);
// - the keys of the objects the interpreter hands back;
// - JavaScript's built-ins and the Node objects the host image touches, as Node has them.
//   node tools/device-names.mjs
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import dgram from "node:dgram";
import { EventEmitter } from "node:events";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const SHARED = join(ROOT, "..", "shared", "espruino");
const names = new Set();
const IDENT = /^[A-Za-z_$][\w$]*$/;

// /*JSON{ "type" : "method", "class" : "Serial", "name" : "setup", ... } description */
const tarball = readdirSync(SHARED).find((f) => /^espruino-.*-src\.tar\.gz$/.test(f));
if (!tarball) throw new Error(`no Espruino source tarball in ${SHARED}`);
const sources = execFileSync("tar", ["-xzOf", join(SHARED, tarball), "--wildcards", "*jswrap*.c"], { encoding: "latin1", maxBuffer: 1 << 28 });
for (const block of sources.match(/\/\*JSON\{[\s\S]*?\*\//g) || []) {
  const type = /"type"\s*:\s*"(\w+)"/.exec(block);
  const name = /"name"\s*:\s*"([^"]+)"/.exec(block);
  if (type && name && /^(method|staticmethod|property|staticproperty)$/.test(type[1]) && IDENT.test(name[1])) names.add(name[1]);
}

// (not sntp.js: the footprint's reference, never loaded by an image)
for (const f of readdirSync(join(SHARED, "modules")).filter((f) => f.endsWith(".js") && f != "sntp.js")) {
  const text = readFileSync(join(SHARED, "modules", f), "utf8");
  for (const m of text.matchAll(/\.([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
}

// Keys of the plain objects the interpreter and its modules hand back (rinfo of dgram,
// WIZnet getIP, Wifi details, process.memory(), setWatch's event): jswrap declares no
// member for them.
const HANDED_BACK = [
  "address", "port", "size", "family", "ip", "subnet", "netmask", "gateway", "gw", "dns", "mac", "ssid", "password",
  "authMode", "status", "state", "phylink", "free", "usage", "total", "history", "gc", "gctime", "blocksize",
  "time", "lastTime", "data",
];
for (const k of HANDED_BACK) names.add(k);

// JavaScript's built-ins and the Node objects the host image touches, as Node has them.
const walk = (o) => {
  for (const k of Object.getOwnPropertyNames(o)) if (IDENT.test(k)) names.add(k);
};
const BUILT_INS = [Object, Function, Array, String, Number, Boolean, Math, JSON, Date, RegExp, Error, Promise, ArrayBuffer, DataView,
  Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array, Buffer, EventEmitter, dgram.Socket];
for (const v of BUILT_INS) {
  walk(v);
  if (v.prototype) walk(v.prototype);
}
walk(Object.getPrototypeOf(Uint8Array.prototype));
walk(process);

const list = [...names].sort();
writeFileSync(join(ROOT, "tools/device-names.json"), "[\n" + list.map((n) => JSON.stringify(n)).join(",\n") + "\n]\n");
console.log(`tools/device-names.json: ${list.length} names`);
