// The linux image against a hostile server on loopback (test/helpers/hostile-server.ts):
// every bad-reply class must fail the sync with its named reason, the device clock (50 s
// behind, so any accepted sample would step it) must never move, and the requests must stay
// within policy: one for a Kiss-o'-Death or a conflict, else retries + 1, backing off.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildImage, loadConfig } from "../../build.mjs";
import { freePort } from "../helpers/chrony";
import { EspruinoVm } from "../helpers/espruino-vm";
import { HostileClass, HostileServer, SHARED, hostileClasses, startHostile } from "../helpers/hostile-server";
import { sign } from "../../lib/mac";
import { sha1 } from "../../boards/sha1-node";
import { realtime } from "../helpers/realtime";
import { advance, virtualServer } from "../helpers/virtual-server";

const TIMEOUT = 300;
const BACKOFF = 100;
const RETRIES = 2;
const KEYS = ["1 SHA1 ASCII:" + new TextDecoder().decode(SHARED.secret)];
let server: HostileServer;
const images: Record<string, string> = {};

test.before(async () => {
  server = await startHostile(await freePort());
  for (const keyed of [false, true]) {
    const config = loadConfig(undefined, {
      host: "127.0.0.1:" + server.port, console: false, startDelay: 0, burst: 2, gap: 100, timeout: TIMEOUT, retries: RETRIES, backoff: BACKOFF,
      ...(keyed ? { key: 1, keys: KEYS } : {}),
    });
    images[String(keyed)] = await buildImage({ board: "linux", config });
  }
});
test.after(async () => {
  await server?.close();
});

/** One boot of the image against the server playing `c`: the result, the steps, the requests. */
async function against(play: HostileClass["play"], keyed = false) {
  server.play = play;
  server.requests.length = 0;
  server.sizes.length = 0;
  const dev = new EspruinoVm({ clockStart: realtime() - 50 });
  try {
    dev.load(images[String(keyed)], "linux.js");
    const line = await dev.waitFor(/^ntptime: /, 5000);
    // anything still in flight (a late reply, a retry) would show here
    await new Promise((r) => setTimeout(r, TIMEOUT + 200));
    const status = dev.eval("ntptime.status()");
    return { line, last: dev.eval("({ ...ntptime.last })"), steps: dev.steps.slice(), requests: server.requests.slice(), sizes: server.sizes.slice(), wait: status.next - dev.now() };
  } finally {
    dev.dispose();
  }
}

test("control: the honest server (signed, when keyed) sets the clock, so the harness can see a step", async () => {
  const plain = await against((q, h) => [{ b: h() }]);
  assert.is(plain.last.reason, "", plain.line);
  assert.is(plain.steps.length, 1);
  assert.ok(Math.abs(plain.last.offset - 50) < 0.01, plain.line);
  const keyed = await against((q, h) => [{ b: sign(sha1, SHARED, h()) }], true);
  assert.is(keyed.last.reason, "", keyed.line);
  assert.is(keyed.steps.length, 1);
  assert.ok(keyed.sizes.every((n) => n == 72), "signed requests");
});

const rows: string[] = [];
for (const c of hostileClasses(TIMEOUT)) {
  test(`hostile: ${c.name} -> ${c.reason}${c.kiss ? " " + c.kiss : ""}; the clock never moves; requests within policy`, async () => {
    const r = await against(c.play, c.keyed);
    assert.is(r.last.reason, c.reason, r.line);
    if (c.kiss) assert.is(r.last.kiss, c.kiss);
    assert.is(r.last.offset, undefined);
    assert.equal(r.steps, [], "the clock was set");
    // a kiss or a conflict ends the sync at once; anything else is retried RETRIES times, backing off
    const most = c.reason == "kod" || c.reason == "conflict" ? 1 : RETRIES + 1;
    assert.is(r.requests.length, most, `${r.requests.length} requests`);
    for (let i = 1; i < r.requests.length; i++)
      assert.ok(r.requests[i] - r.requests[i - 1] >= (BACKOFF * (1 << (i - 1)) * 0.9) / 1000, `request ${i} came ${r.requests[i] - r.requests[i - 1]} s after the one before`);
    // the next round waits the poll interval at least (RFC 4330 s10: never below 15 s)
    assert.ok(r.wait >= 15, `next round in ${r.wait} s`);
    rows.push(`| ${c.name} | \`${c.reason}${c.kiss ? " " + c.kiss : ""}\` | ${r.requests.length} |`);
  });
}

test("a day against a server that always answers LI 3 (virtual clock): rounds back off to 1024 s, at most 4 requests each, the clock untouched", async () => {
  const starts: number[] = [];
  const requests: number[] = [];
  const start = Math.floor(Date.now() / 1000) + 86400;
  let dev: EspruinoVm;
  dev = new EspruinoVm({ virtual: true, clockStart: start, modules: { dgram: virtualServer(() => dev, starts, 0, () => "LI3", requests) } });
  dev.load(await buildImage({ board: "linux", config: loadConfig(undefined, { host: "127.0.0.1:11123", console: false }) }), "linux.js");
  await advance(dev, 86400 * 1000);
  const steps = dev.steps.slice();
  dev.dispose();
  const gaps = starts.slice(1).map((t, i) => t - starts[i]);
  assert.ok(gaps.every((g) => g >= 64), `rounds ${Math.min(...gaps)} s apart`);
  assert.ok(gaps.slice(-10).every((g) => g >= 1024), String(gaps.slice(0, 8)));
  // the defaults: retries 3, so 4 requests a round
  assert.ok(requests.length <= starts.length * 4, `${requests.length} requests in ${starts.length} rounds`);
  assert.ok(requests.length < 450, `${requests.length} requests in a day`);
  assert.equal(steps, []);
  console.log(`  a day of LI 3: ${starts.length} rounds, ${requests.length} requests`);
});

test.after(() => {
  // docs/trust.md's hostile matrix, from this run
  if (rows.length && process.env.HOSTILE_TABLE) console.log(["| class | reason | requests |", "|---|---|---|", ...rows].join("\n"));
});

test.run();
