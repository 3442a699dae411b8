// The built images in a runtime that behaves like Espruino, against a loopback SNTP server.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildImage, loadConfig } from "../../build.mjs";
import { startNtpServer, NtpServer } from "../../tools/ntp-server.mjs";
import { EspruinoVm } from "../helpers/espruino-vm";
import { fakeWifi } from "../helpers/fake-modules";

let server: NtpServer;
const OFFSET = 12.25; // the server is this far ahead of the machine clock

test.before(async () => {
  server = await startNtpServer({ offset: OFFSET });
});
test.after(async () => {
  await server.close();
});

function image(board: string, over: Record<string, unknown> = {}) {
  return buildImage({ board, config: loadConfig(undefined, { host: "127.0.0.1:" + server.port, console: false, startDelay: 0, ...over }) });
}

test("linux image boots, syncs in a burst within 2.5 s and steps the device clock", async () => {
  const dev = new EspruinoVm({ clockStart: Date.now() / 1000 - 1000 });
  try {
    const code = await image("linux");
    const t0 = Date.now();
    dev.load(code, "linux.js");
    const line = await dev.waitFor(/^ntptime: /, 4000);
    // four exchanges 500 ms apart, and 500 ms more for a conflicting answer to the last
    assert.ok(Date.now() - t0 < 2500, `sync took ${Date.now() - t0} ms`);
    assert.match(line, new RegExp(`^ntptime: 127\\.0\\.0\\.1:${server.port} 127\\.0\\.0\\.1:${server.port} stratum 1 offset 1012\\.2\\d+ s`));
    assert.is(dev.steps.length, 1);
    // the device clock now reads the server's time
    assert.ok(Math.abs(dev.now() - (Date.now() / 1000 + OFFSET)) < 0.005, String(dev.now() - Date.now() / 1000));
    assert.is(dev.eval("ntptime.last.good"), 4);
  } finally {
    dev.dispose();
  }
});

test("REPL: ntptime.host, sethost and settime through the device runtime", async () => {
  const dev = new EspruinoVm();
  try {
    dev.load(await image("linux", { host: "ntp.aliyun.com" }), "linux.js");
    assert.is(dev.eval("ntptime.host"), "ntp.aliyun.com");
    assert.is(dev.eval("ntptime.sethost('not a host')"), 1);
    assert.is(dev.eval("ntptime.host"), "ntp.aliyun.com");
    assert.is(dev.eval(`ntptime.sethost('127.0.0.1:${server.port}')`), 0);
    const r = await dev.eval("ntptime.settime(8)");
    assert.is(r, 0);
    assert.equal(dev.zones.includes(8), true);
    const lt = dev.eval("ntptime.localtime()");
    const utc = new Date((Date.now() / 1000 + OFFSET) * 1000);
    assert.is(lt[3], (utc.getUTCHours() + 8) % 24);
    assert.is(await dev.eval("ntptime.settime('x')"), 1);
  } finally {
    dev.dispose();
  }
});

test("settime never rejects: a silent server resolves 1 and the clock stays", async () => {
  const dev = new EspruinoVm();
  try {
    dev.load(await image("linux", { host: "127.0.0.1:9", timeout: 200, retries: 1, backoff: 100 }), "linux.js");
    const line = await dev.waitFor(/^ntptime: /, 3000);
    assert.match(line, /failed: timeout$/);
    assert.equal(dev.steps, []);
    assert.is(dev.eval("ntptime.last.reason"), "timeout");
  } finally {
    dev.dispose();
  }
});

test("esp8266: Wi-Fi failure is reported and retried, DNS failure is a 'dns' result", async () => {
  const dev = new EspruinoVm({ modules: { Wifi: fakeWifi("auth failed") } });
  try {
    dev.load(await image("esp8266", { wifi: { ssid: "lab", password: "bad" } }), "esp8266.js");
    await dev.waitFor(/^esp8266: wifi: auth failed, trying again in 30 s$/, 2000);
  } finally {
    dev.dispose();
  }
  const dns = new EspruinoVm({ modules: { Wifi: fakeWifi() } });
  try {
    dns.load(await image("esp8266", { host: "nx.test", wifi: { ssid: "lab" } }), "esp8266.js");
    assert.match(await dns.waitFor(/^ntptime: /, 3000), /^ntptime: nx\.test nx\.test failed: dns$/);
  } finally {
    dns.dispose();
  }
});

test("the console clock prints local time once a second", async () => {
  const dev = new EspruinoVm();
  try {
    dev.load(await image("linux", { console: true, tz: 8 }), "linux.js");
    await dev.waitFor(/^ntptime: /, 3000);
    const tick = await dev.waitFor(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+8$/, 2500);
    const hour = +tick.slice(11, 13);
    assert.is(hour, (new Date(Date.now() + OFFSET * 1000).getUTCHours() + 8) % 24);
  } finally {
    dev.dispose();
  }
});

test("a device-hostile image is refused by the runtime, as the interpreter would", () => {
  const dev = new EspruinoVm();
  assert.throws(() => dev.load("function f(a, b = 1) { return a + b }"), /default parameter/);
  assert.throws(() => dev.load("var m = new Map()"), /Map does not exist/);
  assert.is(dev.eval("typeof Map + typeof Symbol + typeof Array.from + typeof Math.trunc"), "undefinedundefinedundefinedundefined");
  dev.dispose();
});

test.run();
