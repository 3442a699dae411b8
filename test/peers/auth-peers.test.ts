// Symmetric-key authentication against real chronyd, both ways, over loopback: our client
// (the linux image) signs with key 1 and accepts chronyd's signed replies; chronyd -Q with
// key 1 measures our GPS server (the esp8266 gps-server image, simulated receiver in real
// time). A wrong key fails both ways, and the device clock is never set by a failed sync.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildImage, loadConfig } from "../../build.mjs";
import { Chronyd, chronyQuery, freePort, peersMissing, startChronyd } from "../helpers/chrony";
import { EspruinoVm } from "../helpers/espruino-vm";
import { GpsSim, realScheduler } from "../helpers/gps-sim";
import { fakeWifi } from "../helpers/fake-modules";
import { realtime } from "../helpers/realtime";
import { guarded } from "../helpers/skip";

const KEY = "1 SHA1 HEX:6B3D2A1F0C9E8D7B6A5F4E3D2C1B0A9F8E7D6C5B";
/** key 1 with another secret, and a key id the other side does not have */
const WRONG = "1 SHA1 HEX:6B3D2A1F0C9E8D7B6A5F4E3D2C1B0A9F8E7D6C5C";
const OTHER_ID = "7 SHA1 HEX:6B3D2A1F0C9E8D7B6A5F4E3D2C1B0A9F8E7D6C5B";
/** the GPS time is the machine's plus this: what chronyd must measure */
const OFFSET = 0.25;

const missing = peersMissing();
const peerTest = guarded("auth-peers.test.ts", missing);
let chronyd: Chronyd;

test.before(async () => {
  if (!missing) chronyd = await startChronyd({ keys: KEY });
});
test.after(async () => {
  await chronyd?.stop();
});

async function clientSync(key: number, keys: string[]) {
  const dev = new EspruinoVm({ clockStart: realtime() - 100 });
  try {
    const config = loadConfig(undefined, { host: "127.0.0.1:" + chronyd.port, console: false, startDelay: 0, retries: 1, timeout: 1000, backoff: 200, key, keys });
    dev.load(await buildImage({ board: "linux", config }), "linux.js");
    const line = await dev.waitFor(/^ntptime: /, 8000);
    return { line, last: dev.eval("({ ...ntptime.last })"), steps: dev.steps.slice(), boot: dev.lines[0] };
  } finally {
    dev.dispose();
  }
}

peerTest("our client signs with key 1 and authenticates chronyd's signed replies: stratum 1, the clock set 100 s forward", async () => {
  const r = await clientSync(1, [KEY]);
  assert.match(r.boot, /, key 1$/);
  assert.is(r.last.reason, "", r.line);
  assert.is(r.last.stratum, 1);
  assert.ok(Math.abs(r.last.offset - 100) < 0.005, r.line);
  assert.is(r.steps.length, 1);
});

peerTest("a wrong secret or a key id chronyd lacks: chronyd stays silent, the sync fails, the clock is not touched", async () => {
  for (const key of [WRONG, OTHER_ID]) {
    const r = await clientSync(+key.split(" ")[0], [key]);
    assert.is(r.last.reason, "timeout", r.line);
    assert.is(r.last.good, 0);
    assert.equal(r.steps, []);
  }
});

peerTest("chronyd -Q with key 1 measures our GPS server within 1 ms; with a wrong key it measures nothing; without a key it is answered unsigned", async () => {
  const port = await freePort();
  const vm = new EspruinoVm({ clockStart: realtime() - 3600, modules: { Wifi: fakeWifi() } });
  const gps = new GpsSim(vm, realScheduler(vm, OFFSET, realtime), { pps: true });
  Object.assign(vm.context, gps.globals());
  try {
    const config = loadConfig(undefined, { console: false, wifi: { ssid: "lab" }, keys: [KEY, "2 SHA1 ASCII:another"], gps: { port, pps: "D4", interval: 0.05, burst: 64 } });
    // (the rate limit is relaxed: every chronyd -Q here asks from 127.0.0.1, a dozen requests each)
    vm.load(await buildImage({ board: "esp8266", app: "gps-server", config }), "esp8266.js");
    gps.start();
    await vm.waitFor(/^gps: PPS, serving stratum 1/, 20000);
    assert.ok(vm.lines.some((l) => /port \d+, keys 1 2$/.test(l)), vm.lines.join("\n"));
    const signed = await chronyQuery(port, [], { key: 1, keys: KEY });
    assert.type(signed, "number", String(signed));
    assert.ok(Math.abs((signed as number) - OFFSET) < 0.001, `chronyd -Q with key 1: ${signed}`);
    const after = vm.eval("gps.status()");
    assert.ok(after.signed >= 3, `${after.signed} signed replies`);
    assert.is(after.counts.unverified, 0);
    for (const key of [WRONG, OTHER_ID]) {
      const wrong = await chronyQuery(port, [], { key: +key.split(" ")[0], keys: key });
      assert.type(wrong, "string", `chronyd -Q with ${key}: ${wrong}`);
    }
    const status = vm.eval("gps.status()");
    assert.ok(status.counts.unverified >= 2, `${status.counts.unverified} unverified`);
    assert.is(status.signed, after.signed, "no reply signed for a wrong key");
    const plain = await chronyQuery(port);
    assert.ok(typeof plain == "number" && Math.abs(plain - OFFSET) < 0.001, `chronyd -Q without a key: ${plain}`);
    console.log(`  chronyd -Q vs the GPS server: key 1 ${(signed as number).toFixed(6)} s, no key ${(plain as number).toFixed(6)} s (GPS +${OFFSET} s); signing took ${(status.signing * 1e6).toFixed(0)} us`);
  } finally {
    gps.stop();
    vm.dispose();
  }
});

test.run();
