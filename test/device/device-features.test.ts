// Every feature config on the device: the linux image (the 64-bit interpreter) uploaded with
// the espruino tool, saved to flash and power-cycled as a user does (test/helpers/device.ts),
// against real chronyd in the device's network namespace: several servers with a
// falseticker, a DST zone, each display through its real Espruino module, a key, settings
// and a Kiss-o'-Death DENY across a power cycle.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildImage, loadConfig } from "../../build.mjs";
import { Chronyd, freePort, peersMissing, startChronyd } from "../helpers/chrony";
import { Device, deviceMissing, realModule, sleep } from "../helpers/device";
import { guarded } from "../helpers/skip";
import { offsetAt, parseTz } from "../../lib/tz";
import { civil } from "../../lib/calendar";
import { PANELS } from "../helpers/stand-ins";
import { GOOD, KEY, clockError, startClock } from "../helpers/clock-device";

const FILE = "device-features.test.ts";
const deviceTest = guarded(FILE, deviceMissing(["linux", "esp8266"]) || peersMissing());

/** A device and the linux image of `over` for `fn` to upload; the device is stopped after. */
async function onDevice(over: Record<string, unknown>, fn: (dev: Device, image: string) => Promise<void>) {
  const dev = await Device.create("linux");
  try {
    await fn(dev, await buildImage({ board: "linux", config: loadConfig(undefined, { console: false, startDelay: 1, gap: 100, ...over }) }));
  } finally {
    await dev.stop();
  }
}

const offsetOf = (line: string) => +(/offset (-?[\d.]+) s/.exec(line) || [])[1];
/**
 * The device clock less this machine's, read at the console (clock-device clockError: against
 * the middle of the round trip, on Date.now()), the shortest of three round trips, good to
 * `within` (half that round trip; the console's answers take tens of ms, and more on a loaded
 * machine).
 */
const probe = async (dev: Device) => {
  let best = { error: 0, within: Infinity };
  for (let i = 0; i < 3; i++) {
    const e = await clockError(dev, 0);
    if (e.within < best.within) best = e;
  }
  return { ahead: best.error, within: best.within };
};
const ahead = async (dev: Device) => (await probe(dev)).ahead;

deviceTest("servers: three chronyds, one 60 s off: the falseticker is rejected on the device and the clock lands on the two", async () => {
  const dev = await Device.create("linux");
  const servers: Chronyd[] = [];
  try {
    for (const offset of [2, 2, 62]) servers.push(await startChronyd({ offset, wrap: dev.ns([]) }));
    const [a, b, c] = servers.map((s) => "127.0.0.1:" + s.port);
    const image = await buildImage({ board: "linux", config: loadConfig(undefined, { console: false, startDelay: 1, gap: 100, host: a, servers: [b, c] }) });
    await dev.upload({ image });
    const line = (await dev.waitFor(/^ntptime: \d of \d servers.*/, 30000))[0];
    assert.match(line, new RegExp(`3 of 3 servers answered, 2 agree, rejected ${c.replace(/\./g, "\\.")} \\(6\\d\\.\\d+ s\\)`), line);
    assert.ok(Math.abs(offsetOf(line) - 2) < 0.005, line);
    assert.ok(Math.abs((await ahead(dev)) - 2) < 0.05, dev.tail());
    // the schedule's next round runs too (the first one used to end in a ReferenceError)
    assert.not.match(dev.out, /Uncaught|ReferenceError/);
    const status = await dev.eval("ntptime.status()");
    assert.equal(status.servers, [a, b, c]);
    assert.is(status.last.reason, "");
  } finally {
    for (const s of servers) await s.stop();
    await dev.stop();
  }
});

deviceTest("a DST zone: booted from flash, ntptime.localtime() (the interpreter's own Date under E.setDST) agrees with lib/tz every hour of 2027", async () => {
  const TZ = "CET-1CEST,M3.5.0,M10.5.0/3";
  await onDevice({ host: "127.0.0.1:9", retries: 0, startDelay: 600, tz: TZ }, async (dev, image) => {
    await dev.upload({ image });
    await dev.waitFor(/^clock: board linux/, 5000);
    const from = Date.UTC(2027, 0, 1) / 1000;
    const to = Date.UTC(2028, 0, 1) / 1000;
    // the device's answers, 8760 of them as one string of "y,m,d,h,mi,wd,yd;" per hour
    const got = (await dev.eval<string>(`(function(){var s="";for(var t=${from};t<${to};t+=3600){var l=ntptime.localtime(t);s+=[l[0],l[1],l[2],l[3],l[4],l[6],l[7]].join(",")+";";}return s;})()`, 90000)).split(";");
    const zone = parseTz(TZ)!;
    let n = 0;
    let bad = 0;
    for (let t = from; t < to; t += 3600, n++) {
      const c = civil(t + offsetAt(zone, t) * 60);
      if (got[n] != [c[0], c[1], c[2], c[3], c[4], c[6], c[7]].join(",")) bad++;
    }
    assert.is(n, 8760);
    assert.is(bad, 0, `${bad} hours disagree`);
    // summer: UTC+2 at noon UTC on 1 July 2027
    assert.equal((await dev.eval<number[]>(`ntptime.localtime(${Date.UTC(2027, 6, 1, 12) / 1000})`)).slice(3, 5), [14, 0]);
  });
});

/**
 * A stand-in panel bus in .boot0 (it runs before the image at every boot): SPI1 and I2C1
 * record what the real display module sends. `ink` counts the bytes of pixel data that are
 * not background (a Memory LCD's rows: white is 1; an SSD1306's data: dark is 0).
 */
const BUS = `global.PANEL = { bus: "", writes: 0, bytes: 0, ink: 0 };
var panelData = function (a, from, blank) {
  if (typeof a == "number") { PANEL.bytes++; return; }
  for (var i = from; i < a.length; i++) { PANEL.bytes++; if (blank >= 0 && a[i] != blank) PANEL.ink++; }
};
SPI1.setup = function () { PANEL.bus = "SPI1"; };
SPI1.send = SPI1.write = function () {
  PANEL.writes++;
  for (var i = 0; i < arguments.length; i++) { var a = arguments[i]; panelData(a, 0, a && a.buffer ? 255 : -1); }
};
I2C1.setup = function () { PANEL.bus = "I2C1"; };
I2C1.writeTo = function (addr, d) { PANEL.writes++; PANEL.addr = addr; if (d && d.length && d[0] == 0x40) panelData(d, 1, 0); else panelData(d, 0, -1); };
`;

/** bytes in one frame of each panel's buffer */
const FRAME: Record<string, number> = { memorylcd: (168 / 8) * 144, ssd1306: (128 * 64) / 8, ssd1606: (172 * 72) / 4 };
for (const type of Object.keys(PANELS)) {
  const { module, display } = PANELS[type];
  const frame = FRAME[type];
  deviceTest(`display ${type}: the image draws through Espruino's real ${module} module, booted from flash`, async () => {
    await onDevice({ host: "127.0.0.1:9", retries: 0, startDelay: 600, display }, async (dev, image) => {
      await dev.upload({ image, storage: { ".boot0": BUS, [module]: realModule(module) } });
      await dev.waitFor(/^clock: board linux/, 5000);
      await sleep(type == "ssd1606" ? 4000 : 2500);
      const p = await dev.eval("PANEL");
      assert.is(p.bus, display.spi || display.i2c, JSON.stringify(p));
      assert.ok(p.bytes >= frame, `${type}: ${p.bytes} bytes sent, a frame is ${frame}: ${JSON.stringify(p)}\n${dev.tail()}`);
      if (type != "ssd1606") assert.ok(p.ink > 20 && p.ink < frame * 0.9, `${type}: the face drew ${p.ink} bytes of ink of ${frame}`);
      if (type == "ssd1306") assert.is(p.addr, 0x3c);
      assert.not.match(dev.out, /Uncaught|OUT OF MEMORY/);
    });
  });
}

deviceTest("a key: signed with the interpreter's crypto.SHA1, chronyd's signed replies set the clock; with a wrong secret, nothing is set", async () => {
  const dev = await Device.create("linux");
  let server: Chronyd | null = null;
  try {
    server = await startChronyd({ offset: 3.5, keys: KEY, wrap: dev.ns([]) });
    const config = (keys: string[]) => loadConfig(undefined, { console: false, startDelay: 1, gap: 100, retries: 1, timeout: 500, backoff: 200, host: "127.0.0.1:" + server!.port, key: 1, keys });
    await dev.upload({ image: await buildImage({ board: "linux", config: config([KEY]) }) });
    await dev.waitFor(/^clock: board linux, .*, key 1$/, 5000);
    const line = (await dev.waitFor(/^ntptime: .*/, 15000))[0];
    assert.ok(Math.abs(offsetOf(line) - 3.5) < 0.005, line);
    assert.ok(Math.abs((await ahead(dev)) - 3.5) < 0.05);
    // the same device, reflashed with key 1's secret changed: chronyd stays silent
    await dev.upload({ image: await buildImage({ board: "linux", config: config([KEY.slice(0, -1) + "C"]) }) });
    const before = await probe(dev);
    assert.match((await dev.waitFor(/^ntptime: .*/, 15000))[0], /failed: timeout/);
    const after = await probe(dev);
    // (not moved beyond what the two readings can tell: a step would be 3.5 s)
    const bound = 0.01 + before.within + after.within;
    assert.ok(Math.abs(after.ahead - before.ahead) < bound, `the clock was not moved: ${before.ahead.toFixed(4)} s ahead before, ${after.ahead.toFixed(4)} s after (bound ${bound.toFixed(4)} s)`);
  } finally {
    if (server) await server.stop();
    await dev.stop();
  }
});

deviceTest("servers and a key: a keyed chronyd and one without the key; every round is signed, only the keyed answer counts", async () => {
  const dev = await Device.create("linux");
  const servers: Chronyd[] = [];
  try {
    servers.push(await startChronyd({ offset: 2, keys: KEY, wrap: dev.ns([]) }));
    servers.push(await startChronyd({ offset: 40, wrap: dev.ns([]) }));
    const [keyed, plain] = servers.map((s) => "127.0.0.1:" + s.port);
    const image = await buildImage({ board: "linux", config: loadConfig(undefined, { console: false, startDelay: 1, gap: 100, retries: 1, timeout: 500, backoff: 200, host: keyed, servers: [plain], key: 1, keys: [KEY] }) });
    await dev.upload({ image });
    // chronyd stays silent to a request signed with a key it does not have
    const line = (await dev.waitFor(/^ntptime: \d of 2 servers.*/, 20000))[0];
    assert.match(line, new RegExp(`^ntptime: 1 of 2 servers answered, 1 agree, best ${keyed.replace(/\./g, "\\.")} `), line);
    assert.ok(Math.abs(offsetOf(line) - 2) < 0.005, line);
    assert.ok(Math.abs((await ahead(dev)) - 2) < 0.05);
  } finally {
    for (const s of servers) await s.stop();
    await dev.stop();
  }
});

deviceTest("Storage: sethost and settime(hours) survive a power cycle; a server that said DENY is never asked again, after one either", async () => {
  const dev = await Device.create("linux");
  let server: Chronyd | null = null;
  try {
    server = await startChronyd({ wrap: dev.ns([]) });
    const kissPort = await freePort();
    const good = "127.0.0.1:" + server.port;
    const deny = "127.0.0.1:" + kissPort;
    // (right after the upload the image runs once from RAM, as on a board; the kiss server
    // starts after the power cycle, so the first round it can answer is the flash boot's)
    await dev.upload({ image: await buildImage({ board: "linux", config: loadConfig(undefined, { console: false, startDelay: 4, gap: 100, host: good, servers: [deny] }) }) });
    const kiss = await dev.startScript(["test/helpers/kiss-server.ts", String(kissPort), "DENY", "90"], /LISTENING/);
    // the first round from flash: the kiss fails that server and puts it on the denied list
    const first = (await dev.waitFor(/^ntptime: \d of \d servers.*/, 20000))[0];
    assert.match(first, /1 of 2 servers answered/, `${first}\n${kiss.out}\n${dev.tail()}`);
    assert.equal(Object.keys((await dev.eval("ntptime.status()")).denied), [deny], kiss.out + dev.tail());
    const asked = (kiss.out.match(/REQUEST/g) || []).length;
    assert.is(asked, 1, "a kiss ends the exchange at once");
    // the REPL's settings
    assert.is(await dev.eval(`ntptime.sethost(${JSON.stringify(good)})`), 0);
    dev.type("ntptime.settime(5.5)");
    await dev.waitFor(/^ntptime: .*offset/, 15000);
    await dev.powerCycle();
    await dev.waitFor(/^clock: board linux/, 5000);
    assert.is(await dev.eval("ntptime.host"), good);
    assert.is(await dev.eval("ntptime.tz"), 5.5);
    assert.equal((await dev.eval<number[]>("ntptime.localtime(0)")).slice(3, 5), [5, 30]);
    assert.equal(Object.keys((await dev.eval("ntptime.status()")).denied), [deny], dev.tail());
    // the next round after the power cycle asks the good server only
    await dev.waitFor(/^ntptime: .*/, 20000);
    assert.is((kiss.out.match(/REQUEST/g) || []).length, asked, "the denied server was asked again after the power cycle");
  } finally {
    if (server) await server.stop();
    await dev.stop();
  }
});

deviceTest("a server starting up (Kiss-o'-Death INIT for its first two replies, as ntpsec answers in its first seconds): the esp8266 image asks again after the backoff, and the same round syncs", async () => {
  const c = await startClock({}, { size: "esp8266", relay: { seed: 1 } });
  try {
    await c.answer!("kod INIT 2");
    const line = (await c.dev.waitFor(/^ntptime: .*(offset|failed)/, 40000)).input;
    assert.match(line, GOOD, line);
    const last = await c.dev.eval<{ reason: string; sent: number; good: number; kiss?: string }>("ntptime.last");
    assert.is(last.reason, "");
    assert.is(last.kiss, undefined);
    // two kisses, each asked again after the backoff; then the burst's four answers
    assert.is(last.sent, last.good + 2, JSON.stringify(last));
    assert.is(last.good, 4);
  } finally {
    await c.stop();
  }
});

deviceTest("a server that answers an empty datagram (Espruino's Linux build closes the socket on one, with no error): the exchange ends 'socket' without an exception, and the next round syncs", async () => {
  const c = await startClock({}, { size: "esp8266", relay: { seed: 1 } });
  try {
    await c.answer!("empty");
    const line = (await c.dev.waitFor(/^ntptime: .*(offset|failed)/, 40000)).input;
    assert.match(line, /failed: socket$/);
    await c.answer!("pass");
    await c.dev.waitFor(GOOD, 40000);
    // (a send on the closed socket threw: Error's class was in the global scope since)
    assert.is(await c.dev.eval<number>(`Object.keys(global).indexOf("Error")`), -1);
  } finally {
    await c.stop();
  }
});

test.run();
