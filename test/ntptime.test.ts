import { test } from "uvu";
import * as assert from "uvu/assert";
import { Device, Settings, createNtptime } from "../lib/ntptime";
import { fakeEnv } from "./helpers/fake-env";
import { ServerModel, fakeServer } from "./helpers/golden";

const START = 1795000000;
const SETTINGS: Settings = { host: "ntp.aliyun.com", tz: 0, burst: 2, gap: 100, timeout: 1000, retries: 1, backoff: 500, pivot: START - 86400, maxDelay: 3, maxDistance: 3 };

function device(server: ServerModel | null) {
  const w = fakeEnv(START);
  w.net.names["ntp.aliyun.com"] = "203.107.6.88";
  if (server) fakeServer(w.clock, w.net, server);
  const lines: string[] = [];
  const steps: number[] = [];
  const zones: number[] = [];
  const dev: Device = {
    ...w.env,
    setTime: (t) => {
      steps.push(t);
      w.clock.t = t;
    },
    log: (l) => lines.push(l),
    setZone: (h) => zones.push(h),
  };
  return { ...w, dev, lines, steps, zones, ntptime: createNtptime(dev, SETTINGS) };
}

/** Lets the fake world run until the promise settles (bounded). */
async function settle<T>(d: ReturnType<typeof device>, p: Promise<T>): Promise<T> {
  let done = false;
  p.then(() => (done = true), () => (done = true));
  for (let i = 0; i < 200 && !done; i++) {
    d.clock.advance(100);
    await Promise.resolve();
  }
  if (d.net.errors.length) throw d.net.errors[0];
  return p;
}

test("host defaults to ntp.aliyun.com (seed 000)", () => {
  assert.is(device(null).ntptime.host, "ntp.aliyun.com");
});

test("sethost: 0 and set for a valid host, 1 and unchanged otherwise, never throws", () => {
  const { ntptime } = device(null);
  assert.is(ntptime.sethost("pool.ntp.org"), 0);
  assert.is(ntptime.host, "pool.ntp.org");
  // (IPv6 literals too: no board has IPv6 UDP)
  for (const bad of ["", "bad host", "a:0", "[::1", "[::1]:11123", 42, null, undefined, {}]) {
    assert.is(ntptime.sethost(bad), 1, String(bad));
    assert.is(ntptime.host, "pool.ntp.org");
  }
  assert.is(ntptime.sethost("127.0.0.1:11123"), 0);
});

test("settime: steps the clock by the measured offset, prints one line, resolves 0", async () => {
  const d = device({ offset: 3.5, up: 0.02, down: 0.02 });
  const r = await settle(d, d.ntptime.settime());
  assert.is(r, 0);
  assert.is(d.steps.length, 1);
  assert.is(d.lines.length, 1);
  assert.match(d.lines[0], /^ntptime: ntp\.aliyun\.com 203\.107\.6\.88:123 stratum 2 offset 3\.500000 s delay 0\.0400 s, set 2026-11-18T11:06:4\d\.\d{3}Z$/);
  const last = d.ntptime.last!;
  assert.equal([last.reason, last.host, last.server, last.stratum, last.refid, last.leap, last.good], ["", "ntp.aliyun.com", "203.107.6.88:123", 2, "10.0.0.1", 0, 2]);
  assert.ok(Math.abs(last.offset! - 3.5) < 1e-6);
  // The step lands 3.5 s ahead of the device clock as it read when the burst ended.
  const stepped = d.steps[0] - START;
  assert.ok(stepped > 3.5 && stepped < 4.5, String(stepped));
});

test("settime failure: resolves 1, never rejects, prints the reason, clock untouched", async () => {
  const d = device(null);
  const r = await settle(d, d.ntptime.settime());
  assert.is(r, 1);
  assert.equal(d.steps, []);
  assert.equal(d.lines, ["ntptime: ntp.aliyun.com 203.107.6.88:123 failed: timeout"]);
  assert.is(d.ntptime.last!.reason, "timeout");
});

test("settime on a KoD prints the kiss code and never steps", async () => {
  const d = device({ offset: 9, up: 0.01, down: 0.01, edit: (p) => ({ ...p, stratum: 0, leap: 3, refid: 0x44454e59 }) });
  assert.is(await settle(d, d.ntptime.settime()), 1);
  assert.equal(d.steps, []);
  assert.equal(d.lines, ["ntptime: ntp.aliyun.com 203.107.6.88:123 failed: kod DENY"]);
});

test("every refused reply class leaves the clock untouched", async () => {
  const edits: [string, ServerModel["edit"]][] = [
    ["unsync", (p) => ({ ...p, leap: 3 })],
    ["stratum", (p) => ({ ...p, stratum: 16 })],
    ["zero", (p) => ({ ...p, xmit: { sec: 0, frac: 0 } })],
    // 2000-01-01, before the build date
    ["early", (p) => ({ ...p, recv: { sec: 3155673600, frac: 0 }, xmit: { sec: 3155673600, frac: 0 } })],
    ["distance", (p) => ({ ...p, rootDisp: 5 })],
    ["origin", (p) => ({ ...p, orig: { sec: p.orig.sec ^ 1, frac: p.orig.frac } })],
    ["mode", (p) => ({ ...p, mode: 5 })],
  ];
  for (const [reason, edit] of edits) {
    const d = device({ offset: 1000, up: 0.01, down: 0.01, edit });
    assert.is(await settle(d, d.ntptime.settime()), 1, reason);
    assert.equal(d.steps, [], reason);
    assert.is(d.ntptime.last!.reason, reason);
  }
});

test("settime(8): display zone +8 (QuecPython timezone), the clock itself stays UTC", async () => {
  const d = device({ offset: 0, up: 0.01, down: 0.01 });
  assert.is(await settle(d, d.ntptime.settime(8)), 0);
  assert.equal(d.zones, [8]);
  assert.is(d.ntptime.tz, 8);
  const utc = new Date(d.clock.t * 1000);
  assert.is(d.ntptime.localtime()[3], (utc.getUTCHours() + 8) % 24);
  assert.is(Math.abs(d.steps[0] - d.clock.t) < 1, true);
  assert.is(await settle(d, d.ntptime.settime(99)), 1);
  assert.equal(d.lines[d.lines.length - 1], "ntptime: bad tz 99");
});

test("localtime() is the utime.localtime() tuple", () => {
  const d = device(null);
  assert.equal(d.ntptime.localtime(Date.UTC(2020, 9, 28, 3, 15, 11) / 1000), [2020, 10, 28, 3, 15, 11, 2, 302]);
  assert.is(d.ntptime.localtime().length, 8);
});

test("time(): the server's time without touching the clock; rejects with the reason", async () => {
  const d = device({ offset: 60, up: 0.01, down: 0.01 });
  const t = await settle(d, d.ntptime.time());
  // settle() moves the fake clock on in 100 ms steps after the promise resolves
  assert.ok(Math.abs(t - (d.clock.t + 60)) < 0.2, String(t - d.clock.t));
  assert.equal(d.steps, []);
  const f = device(null);
  let err: unknown = null;
  await settle(f, f.ntptime.time()).catch((e) => (err = e));
  assert.instance(err, Error);
  assert.is((err as Error).message, "timeout");
});

test("a host assigned directly and invalid fails as 'host' without I/O", async () => {
  const d = device(null);
  d.ntptime.host = "not a host";
  assert.is(await settle(d, d.ntptime.settime()), 1);
  assert.equal([d.ntptime.last!.reason, d.net.opened], ["host", 0]);
});

test.run();
