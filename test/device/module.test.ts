// The Espruino module (node build.mjs --module, dist/ntptime.js) as its users load it:
// require("ntptime") from a Storage file, or from the project's modules folder as the Web
// IDE and the espruino tool send it, in the real Espruino 2v29 interpreter, against a
// chronyd 3.5 s ahead (test/helpers/device.ts).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildImage, loadConfig } from "../../build.mjs";
import { Chronyd, freePort, peersMissing, startChronyd } from "../helpers/chrony";
import { Device, deviceMissing } from "../helpers/device";
import { wifiModule } from "../helpers/stand-ins";
import { guarded } from "../helpers/skip";
import { realtime } from "../helpers/realtime";

const SHIFT = 3.5;
const FILE = "module.test.ts";
const moduleCode = () => buildImage({ board: "linux", app: "module", config: loadConfig(undefined, { gap: 100 }) });

/** docs/module-and-apps.md's three lines, and the events a user hooks. */
const app = (host: string) => `var ntptime = require("ntptime");
ntptime.on("sync", function (r) { print("SYNC " + r.offset.toFixed(3)); });
ntptime.on("step", function (was, now) { print("STEP " + (now - was).toFixed(3)); });
ntptime.sethost(${JSON.stringify(host)});
ntptime.settime().then(function (r) { print("SETTIME " + r); });
`;

const deviceTest = guarded(FILE, deviceMissing() || peersMissing());

deviceTest("from a Storage file on the ESP8266-sized interpreter: three lines set the clock, Wifi.getHostByName resolves the name", async () => {
  const dev = await Device.create("esp8266");
  let server: Chronyd | null = null;
  try {
    server = await startChronyd({ offset: SHIFT, wrap: dev.ns([]) });
    // the user's own code has joined the network; the module resolves "localhost" through Wifi
    await dev.upload({ image: app("localhost:" + server.port), storage: { ntptime: await moduleCode(), Wifi: wifiModule({ localhost: "127.0.0.1" }) } });
    const line = (await dev.waitFor(/^ntptime: .*/, 20000))[0];
    assert.match(line, new RegExp(`^ntptime: localhost:${server.port} 127\\.0\\.0\\.1:${server.port} stratum \\d offset 3\\.\\d+ s delay [\\d.]+ s, step \\d{4}-`));
    const offset = +/offset (-?[\d.]+)/.exec(line)![1];
    assert.ok(Math.abs(offset - SHIFT) < 0.005, line);
    await dev.waitFor(/^STEP 3\.5/, 2000);
    await dev.waitFor(/^SYNC 3\.5/, 2000);
    assert.is((await dev.waitFor(/^SETTIME (\d)/, 2000))[1], "0");
    const ahead = (await dev.eval<number>("getTime()")) - realtime();
    assert.ok(Math.abs(ahead - SHIFT) < 0.1, `the device clock is ${ahead} s ahead`);
    // The REPL API: host, sethost, time, localtime with settime(tz), last.
    assert.is(await dev.eval(`ntptime.sethost("bad host")`), 1);
    assert.is(await dev.eval("ntptime.host"), "localhost:" + server.port);
    dev.type("ntptime.time().then(function (t) { print('TIME ' + (t - getTime()).toFixed(4)); })");
    const diff = +(await dev.waitFor(/^TIME (-?[\d.]+)/, 10000))[1];
    assert.ok(Math.abs(diff) < 0.005, `time() after settime(): ${diff} s from the device clock`);
    // Calls made while a sync is under way wait for it, one sync at a time, each answered in
    // turn (the REPL's part and the exchange's are loaded a timer apart: firmware/module.ts).
    dev.type("ntptime.time().then(function (t) { print('Q1 ' + (t > 0)); }); ntptime.settime().then(function (r) { print('Q2 ' + r); }); ntptime.time().then(function (t) { print('Q3 ' + (t > 0)); })");
    assert.is((await dev.waitFor(/^Q\d .*/, 15000))[0], "Q1 true");
    assert.is((await dev.waitFor(/^Q\d .*/, 15000))[0], "Q2 0");
    assert.is((await dev.waitFor(/^Q\d .*/, 15000))[0], "Q3 true");
    dev.type("ntptime.settime(8).then(function (r) { print('TZ ' + r); })");
    assert.is((await dev.waitFor(/^TZ (\d)/, 10000))[1], "0");
    const local = await dev.eval<number[]>("ntptime.localtime()");
    const d = new Date((realtime() + SHIFT + 8 * 3600) * 1000);
    assert.equal(local.slice(0, 4), [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours()]);
    assert.is(await dev.eval("new Date().getHours()"), d.getUTCHours(), "the device's own Date follows settime(8)");
    const last = await dev.eval("ntptime.last");
    assert.is(last.reason, "");
    assert.is(last.applied, "step");
    assert.is(last.server, "127.0.0.1:" + server.port);
  } finally {
    if (server) await server.stop();
    await dev.stop();
  }
});

// The end of a sync is made a timer after the exchange, once the exchange's part is garbage:
// the sync's abort, kept with its call, is a closure of the exchange and held the whole part
// until it was let go (the most in use was 819 while it was kept to the end, 649 after:
// npm run footprint). The parts' functions carry one scope, not the module's too (616 with
// it here, 559 without). The figure is read inside the callbacks (Device.peakDuring). At
// rest the module keeps no Date class (its console line's time is lib/calendar.ts isoTime),
// and with an address for a host no Storage or Wifi among its modules (3 JsVars each, for
// good).
deviceTest("a settime() on the ESP8266 size: the exchange's part is garbage when the end's is made, the round gives back all it took, and nothing stays that the module has no use for", async () => {
  const dev = await Device.create("esp8266");
  let server: Chronyd | null = null;
  try {
    server = await startChronyd({ offset: SHIFT, wrap: dev.ns([]) });
    const image = `var ntptime = require("ntptime");\nntptime.sethost("127.0.0.1:${server.port}");\nntptime.settime();\nprint("clock: ready");\n`;
    await dev.upload({ image, storage: { ntptime: await moduleCode() } });
    await dev.waitFor(/^ntptime: .*step/, 20000);
    // (a settime() typed at the REPL, then another, read: the console takes 2 JsVars at its first line)
    const settime = async () => {
      dev.type("ntptime.settime()");
      await dev.waitFor(/^ntptime: .*offset/, 10000);
      await new Promise((r) => setTimeout(r, 300));
    };
    await settime();
    const rest = (await dev.memory()).usage;
    const peak = await dev.peakDuring(settime);
    assert.ok(peak < 590, `${peak} JsVars in use at most during a settime(), ${rest} at rest`);
    assert.is((await dev.memory()).usage, rest, "in use after the sync");
    assert.not.ok((await dev.eval<string[]>("Object.keys(global)")).includes("Date"), "Date in the global scope");
    assert.equal(await dev.eval<string[]>(`Object.keys(global[atob("/w==")].modules)`), ["ntptime", "dgram"]);
  } finally {
    if (server) await server.stop();
    await dev.stop();
  }
});

deviceTest("a sync whose exchange could not load for want of memory: the next call ends it as stalled and syncs (ESP8266 size)", async () => {
  const dev = await Device.create("esp8266");
  let server: Chronyd | null = null;
  try {
    server = await startChronyd({ offset: SHIFT, wrap: dev.ns([]) });
    // (replies wait 0.5 s at most: CONFIG.stall, the slowest a sync can take, is 17 s)
    const code = await buildImage({ board: "linux", app: "module", config: loadConfig(undefined, { gap: 100, timeout: 500 }) });
    const image = `var ntptime = require("ntptime");\nntptime.sethost("127.0.0.1:${server.port}");\nvar hog = [];\nprint("clock: ready");\n`;
    await dev.upload({ image, storage: { ntptime: code } });
    await dev.waitFor(/^clock: ready/, 10000);
    // The call is queued and its REPL part is garbage; then the user's code takes the memory
    // before the exchange's part loads, a timer later, and gives it back 2 s after. (100 left,
    // less than the part takes: when it took about 200, with 150 left memory ran out as an
    // arrow function's parameters were made, and the Linux build failed its assertion
    // jsvIsString(v) in src/jsvar.c jsvMakeFunctionParameter and exited.)
    dev.type(`ntptime.settime().then(function (r) { print("S1 " + r); }); while (process.memory().free > 100) hog.push(hog.length); print("HOG")`);
    await dev.waitFor(/^HOG/, 20000);
    await dev.waitFor(/^Execution Interrupted during event processing/, 5000);
    await new Promise((r) => setTimeout(r, 2000));
    dev.type("hog = []");
    // Before the stall bound a call waits behind it; after it, the stalled call fails and the clock syncs.
    await new Promise((r) => setTimeout(r, 16000));
    assert.not.match(dev.out, /^S1 /m);
    dev.type(`ntptime.settime().then(function (r) { print("S2 " + r); })`);
    assert.match((await dev.waitFor(/^ntptime: .*/, 5000))[0], /failed: stalled$/);
    assert.is((await dev.waitFor(/^S1 .*/, 2000))[0], "S1 1");
    assert.match((await dev.waitFor(/^ntptime: .*/, 10000))[0], /offset 3\.\d+ s .*step/);
    assert.is((await dev.waitFor(/^S2 .*/, 2000))[0], "S2 0");
  } finally {
    if (server) await server.stop();
    await dev.stop();
  }
});

deviceTest("a server that does not answer: settime() gives 1, ntptime.last says timeout, the clock is not touched", async () => {
  const dev = await Device.create("linux");
  try {
    const port = await freePort();
    await dev.upload({ image: app("127.0.0.1:" + port), storage: { ntptime: await moduleCode() } });
    const line = (await dev.waitFor(/^ntptime: .*/, 30000))[0];
    assert.match(line, new RegExp(`^ntptime: 127\\.0\\.0\\.1:${port} .* failed: timeout$`));
    assert.is((await dev.waitFor(/^SETTIME (\d)/, 2000))[1], "1");
    assert.ok(Math.abs((await dev.eval<number>("getTime()")) - realtime()) < 0.5);
    assert.is((await dev.eval("ntptime.last")).reason, "timeout");
    assert.not.match(dev.out, /STEP|SYNC/);
  } finally {
    await dev.stop();
  }
});

deviceTest("from the project's modules folder, as the Web IDE and the espruino tool send it (Modules.addCached), sent to RAM", async () => {
  const dev = await Device.create("linux");
  let server: Chronyd | null = null;
  try {
    server = await startChronyd({ offset: SHIFT, wrap: dev.ns([]) });
    // the tool looks in ./modules beside the upload for a module the board does not have
    mkdirSync(join(dev.dir, "modules"), { recursive: true });
    writeFileSync(join(dev.dir, "modules", "ntptime.js"), await moduleCode());
    // (sent to RAM, the code runs while the tool's Telnet console is still connected: the sync waits until it has gone)
    const delayed = "setTimeout(function () {\n" + app("127.0.0.1:" + server.port) + "}, 4000);\n";
    await dev.upload({ image: delayed, save: false, modules: join(dev.dir, "modules") });
    // (the tool set the clock at upload, with the console's latency: the offset is what is left)
    await dev.waitFor(/^ntptime: .*offset.*step/, 20000);
    assert.is((await dev.waitFor(/^SETTIME (\d)/, 2000))[1], "0");
    const ahead = (await dev.eval<number>("getTime()")) - realtime();
    assert.ok(Math.abs(ahead - SHIFT) < 0.1, `the device clock is ${ahead} s ahead`);
    // the tool sent it as a cached module, not a Storage file
    assert.ok((await dev.eval<string[]>("Modules.getCached()")).includes("ntptime"));
    assert.not.ok(await dev.storageFile("ntptime"));
    // a firmware without Wifi (this one, a WIZnet Pico's) is not asked for it with a throw:
    // the Error class would stay in the global scope for good
    assert.not.ok((await dev.eval<string[]>("Object.keys(global)")).includes("Error"), "Error in the global scope");
  } finally {
    if (server) await server.stop();
    await dev.stop();
  }
});

test.run();
