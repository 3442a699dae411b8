import { test } from "uvu";
import * as assert from "uvu/assert";
import { Auth, Exchange, Limits, Sample, judge, stray } from "../../lib/checks";
import { Key, sign, signer } from "../../lib/mac";
import { sha1 } from "../../boards/sha1-node";
import { ntpToUnix } from "../../lib/timestamp";
import { GOLDEN_HEX, GOLDEN_NONCE, hex, patch } from "../helpers/golden";

const golden = hex(GOLDEN_HEX);
const limits: Limits = { pivot: 1500000000, maxDelay: 3, maxDistance: 3 };
// The golden reply was received 3805259579.25 and sent .5 (server clock); the client sent at
// local 1596270779.0 and got it back at .8: offset = ((.25 - 0) + (.5 - .8)) / 2 = -0.025.
const T1 = 1596270779.0;
const T4 = 1596270779.8;
const x: Exchange = { sec: GOLDEN_NONCE.sec, frac: GOLDEN_NONCE.frac, t1: T1, addr: "192.0.2.1", port: 123 };
const ok = (b: Uint8Array, over: Partial<{ address: string; port: number; t4: number; x: Exchange; l: Limits }> = {}) =>
  judge(b, over.address ?? "192.0.2.1", over.port ?? 123, over.t4 ?? T4, over.x ?? x, over.l ?? limits);

test("the golden reply is accepted with RFC 4330 s5 offset and delay", () => {
  const s = ok(golden) as Sample;
  assert.type(s, "object");
  // T1 and T4 are doubles near 1.6e9 s: resolution 0.24 us, so sub-microsecond is the bar.
  assert.ok(Math.abs(s.offset - -0.025) < 1e-6, String(s.offset));
  // delay = (T4 - T1) - (T3 - T2) = 0.8 - 0.25
  assert.ok(Math.abs(s.delay - 0.55) < 1e-6, String(s.delay));
  assert.equal([s.stratum, s.refid, s.leap], [2, "10.0.0.1", 0]);
});

test("seed 002's derivation holds: T4 + offset = T3 + delay / 2", () => {
  const s = ok(golden) as Sample;
  const t3 = ntpToUnix(0xe2cfa73b, 0x80000000, limits.pivot);
  assert.ok(Math.abs(T4 + s.offset - (t3 + s.delay / 2)) < 1e-6);
});

test("T3 - T2 is exact and era-safe: a server that held the request across the 2036 wrap", () => {
  // T2 = ffffffff.40000000 (era 0's last second), T3 = 00000001.80000000 (era 1): 2.25 s held,
  // exactly, from the fields themselves; the reply left 2.75 s after the request.
  const b = patch(golden, { 32: 0xff, 33: 0xff, 34: 0xff, 35: 0xff, 36: 0x40, 37: 0, 38: 0, 39: 0, 40: 0, 41: 0, 42: 0, 43: 1, 44: 0x80, 45: 0, 46: 0, 47: 0 });
  const s = ok(b, { t4: T1 + 2.75 }) as Sample;
  assert.type(s, "object");
  assert.ok(Math.abs(s.delay - 0.5) < 1e-6, String(s.delay));
});

// Each negative case: the golden reply patched byte by byte, and the reason it must give.
const cases: [string, Uint8Array, Partial<Parameters<typeof ok>[1]>, string][] = [
  ["47 bytes", golden.subarray(0, 47), {}, "short"],
  ["empty", new Uint8Array(0), {}, "short"],
  ["from another address", golden, { address: "192.0.2.99" }, "source"],
  ["from another port", golden, { port: 124 }, "source"],
  ["mode 3 (a request echoed)", patch(golden, { 0: 0x23 }), {}, "mode"],
  ["mode 5 (broadcast)", patch(golden, { 0: 0x25 }), {}, "mode"],
  ["version 2", patch(golden, { 0: 0x14 }), {}, "version"],
  ["version 5", patch(golden, { 0: 0x2c }), {}, "version"],
  ["originate one bit off (stale or forged)", patch(golden, { 31: 0x89 }), {}, "origin"],
  ["originate zero", patch(golden, { 24: 0, 25: 0, 26: 0, 27: 0, 28: 0, 29: 0, 30: 0, 31: 0 }), {}, "origin"],
  ["stratum 0 kiss RATE", patch(golden, { 0: 0xe4, 1: 0, 12: 0x52, 13: 0x41, 14: 0x54, 15: 0x45 }), {}, "kod"],
  ["stratum 0 kiss DENY", patch(golden, { 0: 0xe4, 1: 0, 12: 0x44, 13: 0x45, 14: 0x4e, 15: 0x59 }), {}, "kod"],
  ["stratum 0 kiss RSTR", patch(golden, { 0: 0xe4, 1: 0, 12: 0x52, 13: 0x53, 14: 0x54, 15: 0x52 }), {}, "kod"],
  // servers starting up (RFC 5905 s7.4 gives these codes no meaning for a client): retried
  ["stratum 0 INIT (ntpsec before its first sync: e4 00 00 e9)", patch(golden, { 0: 0xe4, 1: 0, 2: 0, 3: 0xe9, 12: 0x49, 13: 0x4e, 14: 0x49, 15: 0x54 }), {}, "unsync"],
  ["stratum 0 with no code (OpenNTPD before its first sync: e4 00 00 e3)", patch(golden, { 0: 0xe4, 1: 0, 2: 0, 3: 0xe3, 12: 0, 13: 0, 14: 0, 15: 0 }), {}, "unsync"],
  ["stratum 0 STEP", patch(golden, { 0: 0xe4, 1: 0, 12: 0x53, 13: 0x54, 14: 0x45, 15: 0x50 }), {}, "unsync"],
  ["stratum 0, an unprintable code", patch(golden, { 0: 0xe4, 1: 0, 12: 0x01, 13: 0x9a, 14: 0xff, 15: 0x07 }), {}, "unsync"],
  ["LI 3 unsynchronised", patch(golden, { 0: 0xe4 }), {}, "unsync"],
  ["stratum 16", patch(golden, { 1: 16 }), {}, "stratum"],
  ["stratum 255", patch(golden, { 1: 255 }), {}, "stratum"],
  ["receive timestamp zero", patch(golden, { 32: 0, 33: 0, 34: 0, 35: 0, 36: 0, 37: 0, 38: 0, 39: 0 }), {}, "zero"],
  ["transmit timestamp zero", patch(golden, { 40: 0, 41: 0, 42: 0, 43: 0, 44: 0, 45: 0, 46: 0, 47: 0 }), {}, "zero"],
  ["transmit seconds zero, a fraction left (2036-02-07 in era 1)", patch(golden, { 40: 0, 41: 0, 42: 0, 43: 0 }), {}, "zero"],
  ["receive seconds zero", patch(golden, { 32: 0, 33: 0, 34: 0, 35: 0 }), {}, "zero"],
  ["time before the build date", golden, { l: { ...limits, pivot: 1700000000 } }, "early"],
  ["negative delay", golden, { t4: T1 + 0.2 }, "delay"],
  ["delay over the limit", golden, { t4: T1 + 4 }, "delay"],
  ["root dispersion 4 s", patch(golden, { 8: 0, 9: 4, 10: 0, 11: 0 }), {}, "distance"],
  ["root delay 8 s", patch(golden, { 4: 0, 5: 8, 6: 0, 7: 0 }), {}, "distance"],
];

for (const [name, b, over, reason] of cases) {
  test(`refused: ${name} -> ${reason}`, () => {
    assert.is(ok(b, over), reason);
  });
}

test("stray reasons keep the client waiting, the others end the exchange", () => {
  for (const r of ["short", "source", "auth", "length", "mode", "version", "origin"]) assert.ok(stray(r), r);
  for (const r of ["kod", "unsync", "stratum", "zero", "early", "delay", "distance"]) assert.not.ok(stray(r), r);
});

test("without a key, anything after the header (junk, unasked extension fields, a MAC) is refused: length", () => {
  for (const n of [49, 52, 68, 72, 96, 1000]) {
    const long = new Uint8Array(n);
    long.set(golden);
    assert.is(ok(long), "length", String(n));
  }
});

// A key: the golden reply signed with it must pass, and every other shape fails "auth".
const key: Key = { id: 7, secret: new TextEncoder().encode("secret") };
const auth: Auth = { signRequest: (h) => sign(sha1, key, h), check: (b) => !!signer(sha1, [key], b) };
const keyed = { ...limits, auth };

test("with a key: the signed golden reply is accepted", () => {
  assert.type(ok(sign(sha1, key, golden), { l: keyed }), "object");
});

const authCases: [string, Uint8Array][] = [
  ["unsigned", golden],
  ["signed by another key id", sign(sha1, { id: 8, secret: key.secret }, golden)],
  ["signed with another secret", sign(sha1, { id: 7, secret: new TextEncoder().encode("secreT") }, golden)],
  ["a header byte changed after signing", patch(sign(sha1, key, golden), { 43: 0x3c })],
  ["a digest byte changed", patch(sign(sha1, key, golden), { 71: sign(sha1, key, golden)[71] ^ 1 })],
  ["a crypto-NAK (key id 0 alone)", new Uint8Array([...golden, 0, 0, 0, 0])],
  ["signed, then a byte appended", new Uint8Array([...sign(sha1, key, golden), 0])],
  ["an unsigned kiss RATE", patch(golden, { 0: 0xe4, 1: 0, 12: 0x52, 13: 0x41, 14: 0x54, 15: 0x45 })],
];
for (const [name, b] of authCases) {
  test(`with a key, refused: ${name} -> auth`, () => {
    assert.is(ok(b, { l: keyed }), "auth");
  });
}

test("with a key, the other checks still apply to a signed reply", () => {
  assert.is(ok(sign(sha1, key, patch(golden, { 1: 16 })), { l: keyed }), "stratum");
  assert.is(ok(sign(sha1, key, patch(golden, { 31: 0x89 })), { l: keyed }), "origin");
});

test("checks stop at the first failure: a datagram from another source, short or unsigned costs no digest", () => {
  let digests = 0;
  const counting: Auth = { signRequest: (h) => h, check: () => (digests++, false) };
  const l = { ...limits, auth: counting };
  assert.is(ok(golden, { address: "192.0.2.99", l }), "source");
  assert.is(ok(golden, { port: 124, l }), "source");
  assert.is(ok(golden.subarray(0, 40), { l }), "short");
  assert.is(digests, 0);
  // from the server asked, the MAC is checked: once
  assert.is(ok(golden, { l }), "auth");
  assert.is(digests, 1);
});

test.run();
