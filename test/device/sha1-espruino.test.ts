// The device's hash (boards/sha1-espruino.ts) on the ESP8266-sized interpreter (1600 JsVars):
// Espruino's crypto.SHA1 keeps its result in a flat string, 3 JsVars in a row; in a heap with
// hundreds of JsVars free but none of them in a run of three, crypto.SHA1 alone gives
// nothing, and the board's hash still gives the right digest: from crypto.SHA1 once the
// console's history is given back, or from the hash in JavaScript. It never calls E.defrag,
// which breaks the code running from RAM at that moment. A keyed clock whose console has been
// used gives the history back at the first such failure, and crypto.SHA1 makes its digests.
// Without the interpreter the test is skipped with the reason (in CI it fails).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { Device, deviceMissing, sleep } from "../helpers/device";
import { guarded } from "../helpers/skip";
import { CONFIGS, startClock } from "../helpers/clock-device";
import { peersMissing } from "../helpers/chrony";

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

const MSG = Array.from({ length: 68 }, (_, i) => (i * 37) & 255);
const WANT = Array.from(createHash("sha1").update(Uint8Array.from(MSG)).digest());

/** The board's hash on the device, its message M, BYTES() to read a digest; after `lines` lines typed at the REPL, memory in pieces. */
async function inPieces(dev: Device, lines: number) {
  await dev.upload({ image: await bundle(), save: false });
  await sleep(500);
  dev.type(`global.M=new Uint8Array(${JSON.stringify(MSG)});global.BYTES=function(a){var o=[];for(var i=0;i<a.length;i++)o.push(a[i]);return o;}`);
  assert.equal(await dev.eval<number[]>("BYTES(SHA(M))"), WANT, "the digest at rest");
  for (let i = 0; i < lines; i++) dev.type(`"${String(i).padStart(4, "0")}${"abcdefghij".repeat(9)}".length`);
  dev.type(FRAGMENT);
  await sleep(1000);
  const free = await dev.eval<number>("process.memory().free");
  assert.ok(free > 300, `${free} JsVars free after fragmenting`);
  assert.is(await dev.eval("require('crypto').SHA1(M)===undefined"), true, "crypto.SHA1 alone finds no run of three JsVars");
}

deviceTest("a heap in pieces: crypto.SHA1 alone runs out of memory for its result, the board's hash gives the digest", async () => {
  const dev = await Device.create("esp8266", 120);
  try {
    await inPieces(dev, 0);
    assert.equal(await dev.eval<number[]>("BYTES(SHA(M))"), WANT, "the digest in a heap in pieces");
    assert.not.match(dev.out, /OUT OF MEMORY|Uncaught/, dev.tail());
  } finally {
    await dev.stop();
  }
});

// E.defrag at the start of a line typed after sixty others, in a heap in pieces, broke the
// rest of it: "Uncaught ReferenceError: "p" is not defined" where it said print (measured).
// The hash asks for no E.defrag, whatever its layout.
deviceTest("the hash in a heap in pieces, called from a line typed at the REPL: no E.defrag, and the line runs on to its end", async () => {
  const dev = await Device.create("esp8266", 120);
  try {
    await inPieces(dev, 60);
    dev.type(`E.defrag=function(){global.DEFRAG=1;}`);
    dev.type(`global.D=SHA(M);global.Z=" and the rest of a long line, read after the hash: "+"abcdefghijklmnopqrstuvwxyz".length`);
    assert.equal(await dev.eval<number[]>("BYTES(D)"), WANT, "the digest");
    assert.is(await dev.eval<string>("Z"), " and the rest of a long line, read after the hash: 26");
    assert.is(await dev.eval("typeof global.DEFRAG"), "undefined", "E.defrag called");
    assert.not.match(dev.out, /OUT OF MEMORY|Uncaught/, dev.tail());
  } finally {
    await dev.stop();
  }
});

const clockTest = guarded("sha1-espruino.test.ts", deviceMissing(["esp8266"]) || peersMissing());

// The console's history lives in free memory (process.memory() counts it free) and is given
// back one line at a time to single JsVars, never to a flat string: in a heap holding it,
// crypto.SHA1 fails at rest. Then the hash in JavaScript would make every digest, at a cost a
// keyed round at its peak may not have (the fault soak's full config, once).
clockTest("a keyed clock whose console was used (its history in free memory): the first crypto.SHA1 short of a run gives the history back, and crypto.SHA1 makes the digests again", async () => {
  const c = await startClock(CONFIGS.full, { life: 300, size: "esp8266" });
  try {
    const d = c.dev;
    // Lines typed at the REPL, each one different, as the soak's probes are; ten at a time, so
    // that all of them are typed between two rounds, 15 s apart (a round in between takes
    // history back for its peak: typed one at a time, they took 12 s here, and in CI a round
    // came in between and left 121 JsVars of it).
    const typing = d.out.length;
    for (let i = 0; i < 150; i += 10) {
      for (let k = i; k < i + 9; k++) d.type(`(function(m){return {use:m.usage,free:m.free,n:${k}};})(process.memory()).n`);
      await d.eval<number>(`(function(m){return {use:m.usage,free:m.free,n:${i + 9}};})(process.memory()).n`);
    }
    const held = await d.eval<number>("process.memory().history");
    assert.not.match(d.out.slice(typing), /servers answered/, "a round while the lines were typed");
    assert.ok(held > 150, `history ${held} JsVars`);
    const from = d.out.length;
    for (let k = 0; k < 2; k++) await d.waitFor(/^ntptime: \d of \d servers answered/, 40000);
    await sleep(300);
    const failures = (d.out.slice(from).match(/Not enough memory for result/g) || []).length;
    // (the heap this makes: crypto.SHA1 found no run of three, once; put together by E.defrag alone
    // it found none again, and the JavaScript hash made the digest: history 105 after, measured)
    assert.is(failures, 1, d.tail());
    const left = await d.eval<number>("process.memory().history");
    assert.ok(left < 60, `history ${left} JsVars after the rounds (${held} before)`);
    assert.not.match(d.out.slice(from), /OUT OF MEMORY|failed/, d.tail());
  } finally {
    await c.stop();
  }
});

test.run();
