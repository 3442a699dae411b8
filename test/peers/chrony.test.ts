// The built images against real chronyd on loopback: one true, one shifted by faketime.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildImage, loadConfig } from "../../build.mjs";
import { Chronyd, startChronyd } from "../helpers/chrony";
import { EspruinoVm } from "../helpers/espruino-vm";
import { runUntil } from "../helpers/run-until";

const SHIFT = 3.5;
let plain: Chronyd;
let shifted: Chronyd;

test.before(async () => {
  [plain, shifted] = await Promise.all([startChronyd(), startChronyd({ offset: SHIFT })]);
});
test.after(async () => {
  await Promise.all([plain?.stop(), shifted?.stop()]);
});

const config = (port: number) => loadConfig(undefined, { host: "127.0.0.1:" + port, console: false, startDelay: 0 });

async function linuxSync(server: Chronyd) {
  const dev = new EspruinoVm();
  try {
    dev.load(await buildImage({ board: "linux", config: config(server.port) }), "linux.js");
    const line = await dev.waitFor(/^ntptime: /, 5000);
    return { line, last: dev.eval("({ ...ntptime.last })"), steps: dev.steps.slice(), error: dev.now() - Date.now() / 1000 };
  } finally {
    dev.dispose();
  }
}

test("linux image vs chronyd: offset 0 within 5 ms, stratum 1", async () => {
  const r = await linuxSync(plain);
  assert.is(r.last.reason, "", r.line);
  assert.ok(Math.abs(r.last.offset) < 0.005, r.line);
  assert.is(r.last.stratum, 1);
});

test(`linux image vs chronyd under faketime +${SHIFT}s: measures it within 5 ms and sets the clock to it`, async () => {
  const r = await linuxSync(shifted);
  assert.is(r.last.reason, "", r.line);
  assert.ok(Math.abs(r.last.offset - SHIFT) < 0.005, r.line);
  assert.is(r.steps.length, 1);
  // the device clock now runs 3.5 s ahead of this machine, as the server does
  assert.ok(Math.abs(r.error - SHIFT) < 0.005, `device clock - machine clock = ${r.error}`);
});

test("host image (Node, simulated RTC) vs the shifted chronyd", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ntptime-host-"));
  const file = join(dir, "host.js");
  // the host image is an ES module, as in dist/ under this package's "type": "module"
  writeFileSync(join(dir, "package.json"), '{"type":"module"}');
  try {
    await buildImage({ board: "host", config: config(shifted.port), outfile: file });
    const out = (await runUntil(process.execPath, [file], /^ntptime: /, 5000, { env: { ...process.env, NTPTIME_RTC: "host" } })).line;
    const offset = +/offset (-?[\d.]+) s/.exec(out)![1];
    assert.ok(Math.abs(offset - SHIFT) < 0.005, out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("three servers, one a falseticker (chronyd under faketime): it is rejected and the clock lands on the majority", async () => {
  const second = await startChronyd();
  const dev = new EspruinoVm({ clockStart: Date.now() / 1000 - 50 });
  try {
    const config = loadConfig(undefined, {
      host: "127.0.0.1:" + plain.port,
      servers: ["127.0.0.1:" + shifted.port, "127.0.0.1:" + second.port],
      console: false,
      startDelay: 0,
      gap: 100,
    });
    dev.load(await buildImage({ board: "linux", config }), "linux.js");
    const line = await dev.waitFor(/^ntptime: \d of \d servers/, 10000);
    // the device starts 50 s behind: the falseticker measures 50 + 3.5 s, the others 50 s
    assert.match(line, new RegExp(`^ntptime: 3 of 3 servers answered, 2 agree, rejected 127\\.0\\.0\\.1:${shifted.port} \\(53\\.5\\d\\d s\\), best `), line);
    assert.match(line, /s, step \d{4}-/, "50 s is a step, and the line says so");
    if (process.env.SHOW_LINES) console.log(line);
    assert.ok(Math.abs(dev.now() - Date.now() / 1000) < 0.005, `device clock - machine clock = ${dev.now() - Date.now() / 1000}`);
    assert.is(dev.steps.length, 1);
    const status = dev.eval("JSON.stringify(ntptime.status())");
    assert.match(status, new RegExp(`"servers":\\["127.0.0.1:${plain.port}","127.0.0.1:${shifted.port}","127.0.0.1:${second.port}"\\]`));
  } finally {
    dev.dispose();
    await second.stop();
  }
});

test("a falseticker under two names that resolve to one address has one vote: no majority, the clock is not touched", async () => {
  // esp8266: names resolved by Wifi.getHostByName, as a pool's names may all give one address
  const names: Record<string, string> = { "a.test": "127.0.0.1", "b.test": "127.0.0.1" };
  // (a dotted address resolves to itself, as lwIP's dns_gethostbyname answers it on the device)
  const wifi = { connect: (s: string, o: object, cb: (e: null) => void) => cb(null), getHostByName: (n: string, cb: (ip?: string) => void) => cb(names[n] || (/^[\d.]+$/.test(n) ? n : undefined)) };
  const dev = new EspruinoVm({ clockStart: Date.now() / 1000 - 50, modules: { Wifi: wifi } });
  try {
    const servers = ["a.test:" + shifted.port, "b.test:" + shifted.port];
    const config = loadConfig(undefined, { host: "127.0.0.1:" + plain.port, servers, console: false, startDelay: 0, gap: 100, wifi: { ssid: "lab" } });
    dev.load(await buildImage({ board: "esp8266", config }), "esp8266.js");
    const line = await dev.waitFor(/^ntptime: \d of \d servers/, 10000);
    assert.match(line, new RegExp(`^ntptime: 2 of 3 servers answered \\(b\\.test:${shifted.port} = a\\.test:${shifted.port}\\), 1 agree, rejected .*, failed: nomajority$`), line);
    assert.is(dev.steps.length, 0);
  } finally {
    dev.dispose();
  }
});

test("two servers that disagree: no majority, the clock is not touched", async () => {
  const dev = new EspruinoVm({ clockStart: Date.now() / 1000 - 50 });
  try {
    const config = loadConfig(undefined, { host: "127.0.0.1:" + plain.port, servers: ["127.0.0.1:" + shifted.port], console: false, startDelay: 0, gap: 100 });
    dev.load(await buildImage({ board: "linux", config }), "linux.js");
    const line = await dev.waitFor(/^ntptime: \d of \d servers/, 10000);
    assert.match(line, /^ntptime: 2 of 2 servers answered, 1 agree, rejected .*, failed: nomajority$/);
    assert.is(dev.steps.length, 0);
    assert.is(dev.eval("ntptime.last.reason"), "nomajority");
  } finally {
    dev.dispose();
  }
});

test.run();
