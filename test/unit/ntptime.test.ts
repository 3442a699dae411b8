// The REPL object (lib/ntptime.ts): argument checks and promises over the clock app's
// pipeline, here a fake one that records what it was asked.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Device, Ntptime, Outcome, Pipeline, answer, repl } from "../../lib/ntptime";
import { fakeEnv } from "../helpers/fake-env";

const START = 1795000000;

function device(outcome: Partial<Outcome> = { reason: "", offset: 2 }) {
  const w = fakeEnv(START);
  const lines: string[] = [];
  const runs: boolean[] = [];
  const fixed: number[] = [];
  const accepted: unknown[] = [];
  const dev: Device = { ...w.env, setNow: () => {}, log: (l) => lines.push(l), setZone: () => {}, local: () => [], interval: () => 0 };
  const p: Pipeline = {
    run: (apply, resolve, reject) => {
      runs.push(apply);
      answer({ host: "h", server: "s", sent: 1, good: 1, ...outcome } as Outcome, apply, w.clock.t, resolve, reject);
    },
    offset: (t) => 60 * 8,
    fix: (h) => fixed.push(h),
    accept: (h) => (accepted.push(h), typeof h == "string" && !/ /.test(h)),
  };
  const api = { host: "ntp.aliyun.com", tz: 0, last: null };
  const ntptime: Ntptime = Object.assign(api, repl(api, dev, p));
  return { ...w, lines, runs, fixed, accepted, ntptime };
}

test("host defaults to the one given (ntp.aliyun.com, seed 000)", () => {
  assert.is(device().ntptime.host, "ntp.aliyun.com");
});

test("sethost: 0 and set for a host the pipeline accepts, 1 and unchanged otherwise, never throws", () => {
  const d = device();
  assert.is(d.ntptime.sethost("pool.ntp.org"), 0);
  assert.is(d.ntptime.host, "pool.ntp.org");
  for (const bad of ["bad host", 42, null, undefined, {}]) {
    assert.is(d.ntptime.sethost(bad), 1, String(bad));
    assert.is(d.ntptime.host, "pool.ntp.org");
  }
  assert.equal(d.accepted, ["pool.ntp.org", "bad host", 42, null, undefined, {}]);
});

test("settime(): one applied round; 0 when it synced, 1 when it failed, never rejects", async () => {
  const d = device();
  assert.is(await d.ntptime.settime(), 0);
  assert.equal(d.runs, [true]);
  const f = device({ reason: "timeout" });
  assert.is(await f.ntptime.settime(), 1);
});

test("settime(8): the zone is fixed at +8 (QuecPython timezone) before the round; a bad tz is refused without one", async () => {
  const d = device();
  assert.is(await d.ntptime.settime(8), 0);
  assert.equal(d.fixed, [8]);
  assert.is(d.ntptime.tz, 8);
  assert.is(await d.ntptime.settime(99), 1);
  assert.equal(d.lines, ["ntptime: bad tz 99"]);
  assert.equal(d.runs, [true]);
  assert.is(d.ntptime.tz, 8);
});

test("localtime() is the utime.localtime() tuple, in the pipeline's zone", () => {
  const d = device();
  assert.equal(d.ntptime.localtime(Date.UTC(2020, 9, 28, 3, 15, 11) / 1000), [2020, 10, 28, 11, 15, 11, 2, 302]);
  assert.is(d.ntptime.localtime().length, 8);
});

test("time(): a round not applied; the server's time, or a rejection with the reason", async () => {
  const d = device({ reason: "", offset: 60 });
  const t = await d.ntptime.time();
  assert.ok(Math.abs(t - (START + 60)) < 1e-6, String(t - START));
  assert.equal(d.runs, [false]);
  let err: unknown = null;
  await device({ reason: "timeout" }).ntptime.time().catch((e) => (err = e));
  assert.instance(err, Error);
  assert.is((err as Error).message, "timeout");
});

test.run();
