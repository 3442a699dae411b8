// The device's hash (boards/sha1-espruino.ts) on the ESP8266-sized interpreter (1600 JsVars):
// Espruino's crypto.SHA1 keeps its result in a flat string, 3 JsVars in a row; in a heap with
// hundreds of JsVars free but none of them in a run of three (as in the fault soak, where
// the console's history fills the rest), crypto.SHA1 alone gives nothing, and the board's
// hash still gives the right digest: from crypto.SHA1 once the heap is put together
// (E.defrag), or on a firmware without it from the hash in JavaScript.
// Without the interpreter the test is skipped with the reason (in CI it fails).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { Device, deviceMissing, sleep } from "../helpers/device";
import { guarded } from "../helpers/skip";

const deviceTest = guarded("sha1-espruino.test.ts", deviceMissing(["esp8266"]));

/** boards/sha1-espruino.ts as the device runs it, its sha1 a global. */
async function bundle() {
  const r = await build({ stdin: { contents: `import { sha1 } from "./boards/sha1-espruino";\nglobal.SHA=sha1;\n`, resolveDir: process.cwd(), sourcefile: "sha1.ts", loader: "ts" }, bundle: true, write: false, format: "cjs", platform: "node", external: ["crypto"], target: "es2020", logLevel: "silent" });
  return r.outputFiles[0].text;
}

/**
 * Memory in pieces: an array of numbers to within 80 JsVars free, each number then replaced
 * by an integer (kept in its index's own JsVar: every other JsVar freed, one at a time), then
 * crypto.SHA1's results kept until it finds no run of three.
 */
const FRAGMENT = `global.H=[];while(process.memory(false).free>80)H.push(1.5);for(var i=0;i<H.length;i++)H[i]=0;global.R=[];var r;while(R.length<100&&(r=require("crypto").SHA1("x")))R.push(r);`;

for (const defrag of [true, false])
deviceTest(`a heap in pieces: crypto.SHA1 alone runs out of memory for its result, the board's hash gives the digest (${defrag ? "the heap put together" : "a firmware without E.defrag: in JavaScript"})`, async () => {
  const dev = await Device.create("esp8266", 120);
  try {
    await dev.upload({ image: await bundle(), save: false });
    await sleep(500);
    const msg = Array.from({ length: 68 }, (_, i) => (i * 37) & 255);
    const want = Array.from(createHash("sha1").update(Uint8Array.from(msg)).digest());
    dev.type(`global.M=new Uint8Array(${JSON.stringify(msg)});global.BYTES=function(a){var o=[];for(var i=0;i<a.length;i++)o.push(a[i]);return o;}`);
    assert.equal(await dev.eval<number[]>("BYTES(SHA(M))"), want, "the digest at rest");
    if (!defrag) dev.type("E.defrag=undefined;");
    dev.type(FRAGMENT);
    await sleep(1000);
    const free = await dev.eval<number>("process.memory().free");
    assert.ok(free > 300, `${free} JsVars free after fragmenting`);
    assert.is(await dev.eval("require('crypto').SHA1(M)===undefined"), true, "crypto.SHA1 alone finds no run of three JsVars");
    assert.equal(await dev.eval<number[]>("BYTES(SHA(M))"), want, "the digest in a heap in pieces");
    // (put together, the heap has its run of three for crypto.SHA1 again; left in pieces, not)
    assert.is(await dev.eval("require('crypto').SHA1(M)!==undefined"), defrag, defrag ? "the heap put together" : "the heap still in pieces");
    assert.not.match(dev.out, /OUT OF MEMORY|Uncaught/, dev.tail());
  } finally {
    await dev.stop();
  }
});

test.run();
