// The bench's delay relay: seeded draws, loss, and delays met in both directions.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createSocket } from "node:dgram";
import { performance } from "node:perf_hooks";
import { draw, seeded, startRelay, RelaySpec } from "../../bench/relay";

test("draws: repeatable from the seed, within their ranges, exponential mean as asked", () => {
  const a = seeded(7);
  const b = seeded(7);
  const xs = Array.from({ length: 5 }, a);
  assert.equal(xs, Array.from({ length: 5 }, b));
  assert.not.equal(xs, Array.from({ length: 5 }, seeded(8)));
  const r = seeded(1);
  const u = Array.from({ length: 2000 }, () => draw({ base: 20, jitter: { kind: "uniform", max: 30 } }, r));
  assert.ok(u.every((x) => x >= 20 && x < 50));
  const e = Array.from({ length: 20000 }, () => draw({ base: 0, jitter: { kind: "exp", mean: 10 } }, r));
  const mean = e.reduce((s, x) => s + x, 0) / e.length;
  assert.ok(Math.abs(mean - 10) < 0.5, String(mean));
  assert.is(draw({ base: 40, jitter: { kind: "none" } }, r), 40);
});

/** An echo server behind a relay: each probe's round trip, or null when lost. */
async function probe(spec: RelaySpec, n: number) {
  const echo = createSocket("udp4");
  echo.on("message", (m, r) => echo.send(m, r.port, r.address));
  await new Promise<void>((r) => echo.bind(0, "127.0.0.1", () => r()));
  const relay = await startRelay(echo.address().port, spec);
  const client = createSocket("udp4");
  const rtts: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    rtts.push(
      await new Promise<number | null>((resolve) => {
        const t0 = performance.now();
        const t = setTimeout(() => (client.removeAllListeners("message"), resolve(null)), 100);
        client.once("message", () => (clearTimeout(t), resolve(performance.now() - t0)));
        client.send(Buffer.from([i]), relay.port, "127.0.0.1");
      }),
    );
  }
  client.close();
  await relay.close();
  echo.close();
  return { rtts, log: relay.log };
}

test("datagrams are held as drawn, each way, and the log says what was applied", async () => {
  const spec: RelaySpec = { up: { base: 5, jitter: { kind: "none" } }, down: { base: 15, jitter: { kind: "none" } }, loss: 0, seed: 1 };
  const { rtts, log } = await probe(spec, 10);
  assert.is(log.length, 20);
  for (const a of log) {
    assert.is(a.planned, a.dir == "up" ? 5 : 15);
    assert.ok(a.actual >= a.planned && a.actual < a.planned + 10, `${a.dir}: ${a.actual} ms for ${a.planned}`);
  }
  // Each round trip holds its datagram's two legs. What it takes beyond them is the echo's and
  // the loop's, not the relay's, and on a loaded machine it has no bound worth a test.
  rtts.forEach((rtt, i) => {
    const held = log[2 * i].actual + log[2 * i + 1].actual;
    assert.ok(rtt! >= held, `round trip ${rtt} ms, legs held ${held} ms`);
  });
});

test("loss: about the share asked, and the same datagrams lost with the same seed", async () => {
  const spec: RelaySpec = { up: { base: 1, jitter: { kind: "none" } }, down: { base: 1, jitter: { kind: "none" } }, loss: 0.3, seed: 42 };
  const one = await probe(spec, 40);
  const two = await probe(spec, 40);
  const lost = (r: typeof one) => r.rtts.map((x) => x == null);
  assert.equal(lost(one), lost(two));
  const share = lost(one).filter(Boolean).length / 40;
  // either leg may drop it: 1 - 0.7^2 = 0.51
  assert.ok(share > 0.3 && share < 0.72, String(share));
});

test.run();
