import { test } from "uvu";
import * as assert from "uvu/assert";
import { SyncOptions, SyncResult, sync } from "../../lib/client";
import { decode, encode } from "../../lib/packet";
import { unixToNtp } from "../../lib/timestamp";
import { fakeEnv } from "../helpers/fake-env";
import { decodePacket, fakeServer, stratumOneReply } from "../helpers/golden";
import { Auth } from "../../lib/checks";
import { Key, sign, signer } from "../../lib/mac";
import { sha1 } from "../../boards/sha1-node";

const START = 1795000000; // the device clock: 2026-11-18
const OPTS: SyncOptions = { burst: 1, gap: 500, timeout: 2000, retries: 3, backoff: 1000, pivot: START - 86400, maxDelay: 3, maxDistance: 3 };

function run(opts: Partial<SyncOptions>, setup: (w: ReturnType<typeof fakeEnv>) => void, name = "192.0.2.1", port = 123) {
  const w = fakeEnv(START);
  setup(w);
  let result: SyncResult | null = null;
  let calls = 0;
  sync(w.env, { ...OPTS, ...opts }, name, port, (r) => {
    result = r;
    calls++;
  });
  w.clock.advance(120000);
  assert.is(calls, 1, "done is called exactly once");
  assert.is(w.clock.pending(), 0, "no timer left behind");
  assert.is(w.net.closed, w.net.opened, "every socket closed");
  if (w.net.errors.length) throw w.net.errors[0];
  return { r: result! as SyncResult, ...w };
}

test("one exchange measures the server's offset and the round trip", () => {
  const { r, net } = run({}, ({ clock, net }) => fakeServer(clock, net, { offset: 3.5, up: 0.02, down: 0.02, turnaround: 0.001 }));
  assert.is(r.reason, "");
  assert.ok(Math.abs(r.offset! - 3.5) < 1e-6, String(r.offset));
  assert.ok(Math.abs(r.delay! - 0.04) < 1e-6, String(r.delay));
  assert.equal([r.stratum, r.refid, r.leap, r.sent, r.good, r.server], [2, "10.0.0.1", 0, 1, 1, "192.0.2.1:123"]);
  assert.is(net.sent.length, 1);
});

test("asymmetric path: the error is half the asymmetry (RFC 4330 s5)", () => {
  const { r } = run({}, ({ clock, net }) => fakeServer(clock, net, { offset: 0, up: 0.01, down: 0.04 }));
  assert.ok(Math.abs(r.offset! - -0.015) < 1e-6, String(r.offset));
});

test("burst: N exchanges spaced by the gap; the least-delay interval, inside all the others, decides", () => {
  const delays = [0.3, 0.05, 0.2, 0.12];
  const { r, net } = run({ burst: 4 }, ({ clock, net }) => {
    let i = 0;
    const server = { offset: -2, up: 0, down: 0 };
    fakeServer(clock, net, server);
    const inner = net.onSend;
    net.onSend = (s) => {
      // symmetric delays but a different server error per sample, so we can tell which won
      server.up = server.down = delays[i] / 2;
      server.offset = -2 + i++ * 0.001;
      inner(s);
    };
  });
  assert.is(r.good, 4);
  assert.is(net.sent.length, 4);
  assert.ok(Math.abs(r.delay! - 0.05) < 1e-6);
  assert.ok(Math.abs(r.offset! - -1.999) < 1e-6, String(r.offset));
  // each next request goes out one gap after the previous reply
  for (let i = 1; i < 4; i++) assert.ok(Math.abs(net.sent[i].at - net.sent[i - 1].at - delays[i - 1] - 0.5) < 1e-6);
});

/** A burst whose i-th exchange has one-way delays legs[i] = [up, down] to a server `offset` ahead (offsets[i] if given). */
function burst(legs: number[][], offset = 0, offsets?: number[]) {
  return run({ burst: legs.length }, ({ clock, net }) => {
    let i = 0;
    const server = { offset, up: 0, down: 0 };
    fakeServer(clock, net, server);
    const inner = net.onSend;
    net.onSend = (s) => {
      [server.up, server.down] = legs[i];
      if (offsets) server.offset = offsets[i];
      i++;
      inner(s);
    };
  }).r;
}

test("burst: the best outbound and the best return leg, from different samples, give the offset", () => {
  // Each sample alone is 10 ms off (half its asymmetry), both with a 40 ms round trip. The
  // first bounds the offset to [truth - 30 ms, truth + 10 ms] ([T3 - T4, T2 - T1]), the
  // second to [truth - 10 ms, truth + 30 ms]: the intersection is truth +- 10 ms.
  const r = burst([[0.01, 0.03], [0.03, 0.01]], 1.5);
  assert.ok(Math.abs(r.offset! - 1.5) < 1e-6, String(r.offset));
  assert.ok(Math.abs(r.delay! - 0.04) < 1e-6, String(r.delay));
  // with a third, looser sample the intersection is unchanged
  const q = burst([[0.01, 0.03], [0.05, 0.05], [0.03, 0.01]], 1.5);
  assert.ok(Math.abs(q.offset! - 1.5) < 1e-6, String(q.offset));
});

test("burst: a server that steps mid-burst (the intervals do not meet) falls back to the least-delay sample", () => {
  const r = burst([[0.02, 0.02], [0.01, 0.01], [0.02, 0.02]], 0, [0, 0, 1]);
  assert.ok(Math.abs(r.offset! - 0) < 1e-6, String(r.offset));
  assert.ok(Math.abs(r.delay! - 0.02) < 1e-6, String(r.delay));
});

test("timeouts retry with exponential backoff, then give up with 'timeout'", () => {
  const { r, net } = run({ retries: 3 }, () => {});
  assert.is(r.reason, "timeout");
  assert.is(r.sent, 4);
  const t = net.sent.map((s) => s.at - START);
  // send, 2 s timeout + 1 s backoff, 2 s + 2 s, 2 s + 4 s
  assert.equal(t, [0, 3, 7, 13]);
});

test("a lost reply is retried and the retry succeeds", () => {
  const { r } = run({}, ({ clock, net }) => {
    fakeServer(clock, net, { offset: 1, up: 0.01, down: 0.01 });
    const inner = net.onSend;
    let n = 0;
    net.onSend = (s) => {
      if (n++) inner(s);
    };
  });
  assert.equal([r.reason, r.sent, r.good], ["", 2, 1]);
});

test("a late reply to an earlier request is ignored", () => {
  const { r, net } = run({ burst: 2, timeout: 1000 }, ({ clock, net }) => {
    let n = 0;
    fakeServer(clock, net, { offset: 7, up: 0.01, down: 0.01 });
    const honest = net.onSend;
    net.onSend = (s) => {
      // the first reply is held back 1.5 s, past its timeout and into the next exchange
      if (n++ == 0) {
        fakeServer(clock, net, { offset: -100, up: 0.75, down: 0.75 });
        net.onSend(s);
        net.onSend = honest;
      } else honest(s);
    };
  });
  assert.is(r.reason, "");
  assert.ok(Math.abs(r.offset! - 7) < 1e-6, "the late reply (offset -100) was not used");
  assert.is(r.good, 2);
  assert.is(net.sent.length, 3);
});

test("a stale or forged datagram does not end the wait; the true reply still counts", () => {
  const { r } = run({}, ({ clock, net }) => {
    fakeServer(clock, net, { offset: 0.25, up: 0.05, down: 0.05 });
    const honest = net.onSend;
    net.onSend = (s) => {
      const forged = encode({ leap: 0, vn: 4, assoc: 4, stratum: 1, poll: 0, precision: 0, rootDelay: 0, rootDisp: 0, refid: 0,
        refTime: unixToNtp(0), orig: { sec: 1, frac: 2 }, recv: unixToNtp(START + 999), xmit: unixToNtp(START + 999) });
      clock.after(() => net.deliver(forged, s.ip, s.port), 10);
      clock.after(() => net.deliver(new Uint8Array(12), s.ip, s.port), 20);
      clock.after(() => net.deliver(new Uint8Array(s.b), "192.0.2.66", s.port), 30);
      honest(s);
    };
  });
  assert.is(r.reason, "");
  assert.ok(Math.abs(r.offset! - 0.25) < 1e-6);
});

test("only forged replies: the failure names what was heard, not just a timeout", () => {
  const { r } = run({ retries: 1 }, ({ clock, net }) => {
    net.onSend = (s) => {
      const b = new Uint8Array(s.b);
      b[0] = 0x24;
      clock.after(() => net.deliver(b, s.ip, s.port), 5);
    };
  });
  assert.is(r.reason, "origin");
  assert.is(r.sent, 2);
});

for (const kiss of ["RATE", "DENY", "RSTR"]) {
  test(`Kiss-o'-Death ${kiss}: stop at once, no retry, code reported`, () => {
    const { r, net } = run({ burst: 4 }, ({ clock, net }) =>
      fakeServer(clock, net, {
        offset: 0, up: 0.01, down: 0.01,
        edit: (p) => ({ ...p, leap: 3, stratum: 0, refid: [...kiss].reduce((a, c) => a * 256 + c.charCodeAt(0), 0) >>> 0 }),
      }),
    );
    assert.equal([r.reason, r.kiss, r.sent, net.sent.length], ["kod", kiss, 1, 1]);
    assert.is(r.offset, undefined);
  });
}

// RFC 5905 s7.4 gives no other code a meaning: a server starting up (ntpsec's INIT, OpenNTPD's
// four zero bytes) or resynchronizing is asked again after the backoff, in the same sync
for (const code of ["INIT", "STEP", "\0\0\0\0", "XXXX"]) {
  test(`stratum 0 ${JSON.stringify(code)} for the first two replies: 'unsync', retried with the backoff, and the third reply syncs`, () => {
    let n = 0;
    const { r, net } = run({ retries: 3 }, ({ clock, net }) =>
      fakeServer(clock, net, {
        offset: 2, up: 0.01, down: 0.01,
        edit: (p) => (++n <= 2 ? { ...p, leap: 3, stratum: 0, refid: [...code].reduce((a, c) => a * 256 + c.charCodeAt(0), 0) >>> 0 } : p),
      }),
    );
    assert.equal([r.reason, r.kiss, r.good, net.sent.length], ["", undefined, 1, 3]);
    assert.ok(Math.abs(r.offset! - 2) < 1e-3);
  });
}

test("a transport's error after the sync ended (the close event of the socket it closed) changes nothing: no timer disarmed, done not called again", () => {
  const w = fakeEnv(START);
  fakeServer(w.clock, w.net, { offset: 1, up: 0.01, down: 0.01 });
  const disarmed: unknown[] = [];
  const env = { ...w.env, disarm: (id: unknown) => (disarmed.push(id), w.clock.cancel(id)) };
  let calls = 0;
  sync(env, OPTS, "192.0.2.1", 123, () => calls++);
  w.clock.advance(10000);
  const n = disarmed.length;
  w.net.fail("socket");
  assert.is(calls, 1);
  assert.is(disarmed.length, n);
});

test("unsynchronised server: retried, then reported", () => {
  const { r } = run({ retries: 2 }, ({ clock, net }) =>
    fakeServer(clock, net, { offset: 5, up: 0.01, down: 0.01, edit: (p) => ({ ...p, leap: 3 }) }),
  );
  assert.equal([r.reason, r.sent, r.good], ["unsync", 3, 0]);
});

test("a partial burst still succeeds with the samples it got", () => {
  const { r } = run({ burst: 4, retries: 1 }, ({ clock, net }) => {
    fakeServer(clock, net, { offset: 2, up: 0.01, down: 0.01 });
    const honest = net.onSend;
    let n = 0;
    net.onSend = (s) => {
      if (n++ < 2) honest(s);
    };
  });
  assert.equal([r.reason, r.good, r.sent], ["", 2, 4]);
});

test("name resolution: resolved address is used and reported", () => {
  const { r, net } = run({}, ({ clock, net }) => {
    net.names["time.example"] = "198.51.100.7";
    fakeServer(clock, net, { offset: 0, up: 0.01, down: 0.01 });
  }, "time.example", 11123);
  assert.equal([r.reason, r.server, net.sent[0].ip, net.sent[0].port], ["", "198.51.100.7:11123", "198.51.100.7", 11123]);
});

test("a resolver that answers at once: the first request leaves from a timer, after the sync's start has returned", () => {
  const w = fakeEnv(START);
  fakeServer(w.clock, w.net, { offset: 1, up: 0.01, down: 0.01 });
  let result: SyncResult | null = null;
  sync(w.env, OPTS, "192.0.2.1", 123, (r) => (result = r));
  // (the fake network hands an address back as its own answer, inside lookup: lib/client.ts says why)
  assert.equal([w.net.opened, w.net.sent.length], [1, 0], "socket opened, nothing sent yet");
  w.clock.advance(0);
  assert.is(w.net.sent.length, 1, "sent a timer later");
  w.clock.advance(120000);
  assert.equal([result!.reason, result!.good], ["", 1]);
});

test("DNS failure and a resolver that never answers both end as 'dns', with nothing sent", () => {
  const a = run({}, ({ net }) => (net.names["nx.example"] = null), "nx.example");
  assert.equal([a.r.reason, a.r.sent], ["dns", 0]);
  const b = run({}, ({ net }) => ((net.names as any)["slow.example"] = undefined), "slow.example");
  assert.equal([b.r.reason, b.r.sent], ["dns", 0]);
});

test("an invalid host (port 0) is refused before any I/O", () => {
  const { r, net } = run({}, () => {}, "bad host", 0);
  assert.equal([r.reason, net.opened], ["host", 0]);
});

test("socket errors: a send that throws, an error event", () => {
  const a = run({}, ({ net }) => (net.throwOnSend = true));
  assert.is(a.r.reason, "send");
  const b = run({}, ({ clock, net }) => (net.onSend = () => clock.after(() => net.fail("socket"), 5)));
  assert.is(b.r.reason, "socket");
});

test("requests carry fresh random nonces: never the local time", () => {
  const { net } = run({ burst: 3 }, ({ clock, net }) => fakeServer(clock, net, { offset: 0, up: 0.01, down: 0.01 }));
  const nonces = net.sent.map((s) => Array.from(s.b.subarray(40)).join());
  assert.is(new Set(nonces).size, 3);
  const localNtpSec = unixToNtp(START).sec;
  for (const s of net.sent) {
    assert.ok(Math.abs(decode(s.b).xmit.sec - localNtpSec) > 1000);
  }
});

// With a key: requests go out signed, and only replies signed by the same key count.
const key: Key = { id: 42, secret: new TextEncoder().encode("shared secret") };
const auth: Auth = { signRequest: (h) => sign(sha1, key, h), check: (b) => !!signer(sha1, [key], b) };

/** A server with the key: checks the request's MAC, signs its reply (or, with `signWith`, signs it with another key). */
function keyedServer(w: ReturnType<typeof fakeEnv>, signWith: Key | null = key) {
  w.net.onSend = (req) => {
    assert.is(signer(sha1, [key], req.b), key, "the request is signed with the configured key");
    const reply = stratumOneReply(decode(req.b).xmit, req.at + 0.01);
    w.clock.after(() => w.net.deliver(signWith ? sign(sha1, signWith, reply) : reply, req.ip, req.port), 20);
  };
}

test("with a key: a signed exchange succeeds", () => {
  const { r, net } = run({ auth, burst: 2 }, (w) => keyedServer(w));
  assert.is(r.reason, "");
  assert.is(r.good, 2);
  assert.is(net.sent[0].b.length, 72);
});

test("with a key: unsigned replies and replies under another key fail 'auth' after the retries, the clock untouched", () => {
  for (const signWith of [null, { id: 42, secret: new TextEncoder().encode("wrong secret") }, { id: 43, secret: key.secret }]) {
    const { r, net } = run({ auth }, (w) => keyedServer(w, signWith));
    assert.is(r.reason, "auth");
    assert.is(r.offset, undefined);
    assert.is(net.sent.length, OPTS.retries + 1);
  }
});

test("without a key: a reply longer than the header fails 'length'", () => {
  const { r } = run({}, ({ clock, net }) => {
    fakeServer(clock, net, { offset: 0, up: 0.01, down: 0.01 });
    const inner = net.deliver.bind(net);
    net.deliver = (b, a, p) => inner(new Uint8Array([...b, 0, 0, 0, 0]), a, p);
  });
  assert.is(r.reason, "length");
});

/** A server that answers each request twice, 5 ms apart; `second` changes the copy. */
function twice(second: (b: Uint8Array) => Uint8Array, burstSize = 1) {
  return run({ burst: burstSize }, ({ clock, net }) => {
    fakeServer(clock, net, { offset: 0.25, up: 0.01, down: 0.01 });
    const inner = net.deliver.bind(net);
    net.deliver = (b, a, p) => {
      inner(b, a, p);
      clock.after(() => inner(second(b), a, p), 5);
    };
  });
}

test("two different answers to one request: 'conflict', no result, even on the last exchange of a burst", () => {
  for (const n of [1, 3]) {
    const { r, net } = twice((b) => encode({ ...decodePacket(b), xmit: unixToNtp(START + 1000) }), n);
    assert.is(r.reason, "conflict", String(n));
    assert.is(r.offset, undefined);
    assert.is(net.sent.length, 1, "it ends at the first conflict");
  }
  // a conflicting kiss counts too
  assert.is(twice((b) => encode({ ...decodePacket(b), leap: 3, stratum: 0, refid: 0x52415445 })).r.reason, "conflict");
});

test("a duplicated datagram (the same answer twice) is harmless", () => {
  const { r } = twice((b) => b, 3);
  assert.is(r.reason, "");
  assert.is(r.good, 3);
  assert.ok(Math.abs(r.offset! - 0.25) < 1e-6);
});

test("the result waits one gap after the last answer, for a conflicting one", () => {
  const w = fakeEnv(START);
  fakeServer(w.clock, w.net, { offset: 0, up: 0.01, down: 0.01 });
  let at = 0;
  sync(w.env, { ...OPTS, burst: 1 }, "192.0.2.1", 123, () => (at = w.clock.t));
  w.clock.advance(10000);
  assert.ok(Math.abs(at - (START + 0.02 + OPTS.gap / 1000)) < 1e-6, String(at - START));
});

test("an open that throws after making its socket (a listener it could not attach): 'socket', and the network closes the socket its link never handed back", () => {
  const w = fakeEnv(START);
  w.net.throwOnOpen = true;
  let got: SyncResult | undefined;
  sync(w.env, OPTS, "192.0.2.1", 123, (r) => (got = r));
  w.clock.advance(1000);
  assert.is(got && got.reason, "socket");
  assert.is(w.net.opened, 1);
  assert.is(w.net.closed, 1, "the socket closed");
});

test("abort (a supervisor ending a stalled round): the socket closed, the timer disarmed, done never called, a late reply ignored", () => {
  const w = fakeEnv(START);
  // a server that answers after 1.5 s: the abort comes first
  fakeServer(w.clock, w.net, { offset: 3.5, up: 0.75, down: 0.75 });
  let calls = 0;
  const abort = sync(w.env, { ...OPTS, burst: 4 }, "192.0.2.1", 123, () => calls++);
  w.clock.advance(500);
  assert.is(w.net.opened, 1);
  abort();
  assert.is(w.net.closed, 1, "the socket closed");
  // (the server's answer is still on its way: it lands on a closed socket)
  w.clock.advance(120000);
  assert.is(w.clock.pending(), 0, "no timer left behind");
  assert.is(calls, 0, "done never called");
  assert.is(w.net.sent.length, 1, "nothing sent after the abort");
  // an abort after the sync ended does nothing more
  abort();
  assert.is(w.net.closed, 1);
});

test.run();
