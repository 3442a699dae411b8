// One round on a fake clock and network: each host asked in turn (lib/client.ts sync, as
// firmware/clock.ts proceed and firmware/parts/exchange.ts do), then the decision (firmware/round.ts decide), the road every
// sync takes: one server (firmware/choose-one.ts), the discipline applying it, the line it prints.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Device, Outcome } from "../../lib/ntptime";
import { DISCIPLINE_LENGTH } from "../../lib/discipline";
import { SyncOptions, sync } from "../../lib/client";
import { parseHost } from "../../lib/host";
import { RoundOptions, decide } from "../../firmware/round";
import { kisses } from "../../firmware/round-end";
import { Resident, Round } from "../../firmware/state";
import { choose } from "../../firmware/choose-one";
import { fakeEnv } from "../helpers/fake-env";
import { ServerModel, fakeServer } from "../helpers/golden";

const START = 1795000000;
const SYNC: SyncOptions = { burst: 2, gap: 100, timeout: 1000, retries: 1, backoff: 500, pivot: START - 86400, maxDelay: 3, maxDistance: 3 };
const OPTIONS: RoundOptions = { pivot: START - 86400, maxStep: 1000, stepThreshold: 0.128, choose: choose };

function device(server: ServerModel | null) {
  const w = fakeEnv(START);
  w.net.names["ntp.aliyun.com"] = "203.107.6.88";
  if (server) fakeServer(w.clock, w.net, server);
  const lines: string[] = [];
  const steps: number[] = [];
  const dev: Device = {
    ...w.env,
    setNow: (t) => {
      steps.push(t);
      w.clock.t = t;
    },
    log: (l) => lines.push(l),
    setZone: () => {},
    local: () => [],
    interval: () => 0,
  };
  const ntptime = { host: "ntp.aliyun.com", last: null } as unknown as Resident["api"];
  const saved = { denied: {} as Record<string, string> };
  let saves = 0;
  // (what a round's decision reads of the app's state: firmware/state.ts)
  const r = {
    board: {}, dev, api: ntptime, saved,
    disc: new Float64Array(DISCIPLINE_LENGTH),
    clock: dev.clock,
    moveBy: (d: number) => dev.setNow(dev.clock() + d),
    store: { read: () => undefined, write: () => saves++ },
    goodAt: 0,
  } as unknown as Resident;
  /** one round over `hosts`, applied; resolves with its outcome once the fake world has run it (bounded) */
  const run = async (hosts = ["ntp.aliyun.com"], apply = true) => {
    let out: Outcome | null = null;
    const q: Round = { hosts, to: hosts.map((h) => (parseHost(h, 123) ? h : "")), results: [], sets: apply, boot: 0, began: 0 };
    // as firmware/clock.ts proceed() and asked() do
    const next = () => {
      const i = q.results.length;
      const h = i < q.to.length ? q.to[i].split(":") : null;
      if (h) sync(dev, SYNC, h[0], h[0] ? +(h[1] || 123) : 0, (x) => (q.results.push({ ...x, host: hosts[i] }), next()));
      // (then keeps its kisses and prints the line, as firmware/round-end.ts does for a round that sets the clock)
      else
        decide(r, OPTIONS, q, (o, line) => {
          kisses(r, q.results);
          if (apply) dev.log(line);
          out = o;
        });
    };
    next();
    for (let i = 0; i < 200 && !out; i++) {
      w.clock.advance(100);
      await Promise.resolve();
    }
    if (w.net.errors.length) throw w.net.errors[0];
    assert.ok(out, "the round never ended");
    return out! as Outcome;
  };
  return { ...w, dev, lines, steps, ntptime, saved, saves: () => saves, run };
}

test("a good round steps the clock by the measured offset and prints one line", async () => {
  const d = device({ offset: 3.5, up: 0.02, down: 0.02 });
  const o = await d.run();
  assert.is(o.reason, "");
  assert.is(d.steps.length, 1);
  assert.is(d.lines.length, 1);
  assert.match(d.lines[0], /^ntptime: ntp\.aliyun\.com 203\.107\.6\.88:123 stratum 2 offset 3\.500000 s delay 0\.0400 s, step 2026-11-18T11:06:4\d\.\d{3}Z$/);
  const last = d.ntptime.last!;
  assert.is(last, o);
  assert.equal([last.reason, last.host, last.server, last.stratum, last.refid, last.leap, last.good, last.applied], ["", "ntp.aliyun.com", "203.107.6.88:123", 2, "10.0.0.1", 0, 2, "step"]);
  assert.ok(Math.abs(last.offset! - 3.5) < 1e-6);
  // The step lands 3.5 s ahead of the device clock as it read when the burst ended.
  const stepped = d.steps[0] - START;
  assert.ok(stepped > 3.5 && stepped < 4.5, String(stepped));
});

test("a failed round prints the reason and leaves the clock untouched", async () => {
  const d = device(null);
  const o = await d.run();
  assert.is(o.reason, "timeout");
  assert.equal(d.steps, []);
  assert.equal(d.lines, ["ntptime: ntp.aliyun.com 203.107.6.88:123 failed: timeout"]);
});

test("a Kiss-o'-Death DENY prints the kiss code, never steps, and is saved", async () => {
  const d = device({ offset: 9, up: 0.01, down: 0.01, edit: (p) => ({ ...p, stratum: 0, leap: 3, refid: 0x44454e59 }) });
  const o = await d.run();
  assert.is(o.kiss, "DENY");
  assert.equal(d.steps, []);
  assert.equal(d.lines, ["ntptime: ntp.aliyun.com 203.107.6.88:123 failed: kod DENY"]);
  assert.equal(d.saved.denied, { "ntp.aliyun.com": "DENY" });
  assert.is(d.saves(), 1);
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
    ["mode", (p) => ({ ...p, assoc: 5 })],
  ];
  for (const [reason, edit] of edits) {
    const d = device({ offset: 1000, up: 0.01, down: 0.01, edit });
    const o = await d.run();
    assert.equal(d.steps, [], reason);
    assert.is(o.reason, reason);
  }
});

test("not applied (time()): the offset is measured, the clock and the console are left alone", async () => {
  const d = device({ offset: 60, up: 0.01, down: 0.01 });
  const o = await d.run(["ntp.aliyun.com"], false);
  assert.ok(Math.abs(o.offset! - 60) < 1e-6);
  assert.equal(d.steps, []);
  assert.equal(d.lines, []);
});

test("a host that is not one fails as 'host' without I/O", async () => {
  const d = device(null);
  const o = await d.run(["not a host"]);
  assert.equal([o.reason, o.host, d.net.opened], ["host", "not a host", 0]);
});

test.run();
