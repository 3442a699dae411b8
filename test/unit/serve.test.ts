import { test } from "uvu";
import * as assert from "uvu/assert";
import { answer, asciiId, refuse } from "../../lib/serve";
import { request } from "../../lib/request";
import { ntpToUnix } from "../../lib/timestamp";
import { Head } from "../../lib/refclock";
import { decodePacket } from "../helpers/golden";

const NONCE = { sec: 0xdeadbeef, frac: 0x01020304 };
const synced: Head = { synced: true, refid: "PPS", precision: -20, disp: 0.000123, refTime: 1800000000 };
const T = 1800000000.25;

test("refuse: short, modes other than 3, versions 0 and 5-7, a tail that is not whole words; a request with a MAC's room passes", () => {
  const q = request(NONCE);
  assert.is(refuse(q), "");
  assert.is(refuse(q.slice(0, 47)), "short");
  for (const mode of [0, 1, 2, 4, 5, 6, 7]) assert.is(refuse(Uint8Array.from(q, (b, i) => (i ? b : (b & 0xf8) | mode))), "mode", `mode ${mode}`);
  for (const v of [0, 5, 6, 7]) assert.is(refuse(Uint8Array.from(q, (b, i) => (i ? b : (b & 0xc7) | (v << 3)))), "version", `version ${v}`);
  for (const v of [1, 2, 3]) assert.is(refuse(Uint8Array.from(q, (b, i) => (i ? b : (b & 0xc7) | (v << 3)))), "");
  assert.is(refuse(Uint8Array.from([...q, 0, 0])), "length");
  assert.is(refuse(Uint8Array.from([...q, ...new Array(20).fill(0)])), "");
});

test("answer: mode 4, the request's version and poll, origin its transmit, stratum 1, the refid, precision and dispersion, T2 and T3", () => {
  const q = request(NONCE);
  q[0] = (3 << 3) | 3;
  q[2] = 10;
  const b = answer(q, T, synced, "", () => T + 0.001);
  assert.is(b.length, 48);
  const p = decodePacket(b);
  assert.equal([p.leap, p.vn, p.assoc, p.stratum, p.poll, p.precision], [0, 3, 4, 1, 10, -20]);
  assert.is(p.refid, asciiId("PPS"));
  assert.is(p.refid, 0x50505300);
  assert.ok(Math.abs(p.rootDisp - 0.000123) < 1 / 65536);
  assert.is(p.rootDelay, 0);
  assert.equal(p.orig, NONCE);
  assert.is(ntpToUnix(p.refTime.sec, p.refTime.frac, 1800000000), 1800000000);
  assert.ok(Math.abs(ntpToUnix(p.recv.sec, p.recv.frac, 1800000000) - T) < 1e-6);
  assert.ok(Math.abs(ntpToUnix(p.xmit.sec, p.xmit.frac, 1800000000) - T - 0.001) < 1e-6);
});

test("unsynchronized: LI 3, stratum 0, INIT; a kiss: LI 3, stratum 0 and its code, still answering the request", () => {
  const q = request(NONCE);
  const u = decodePacket(answer(q, T, { ...synced, synced: false }, "", () => T));
  assert.equal([u.leap, u.stratum, u.refid], [3, 0, asciiId("INIT")]);
  const k = decodePacket(answer(q, T, synced, "RATE", () => T));
  assert.equal([k.leap, k.stratum, k.refid], [3, 0, asciiId("RATE")]);
  assert.equal(k.orig, NONCE);
});

test("never synced: the reference timestamp stays zero, whatever the request carried there", () => {
  const q = request(NONCE);
  q.fill(0x5a, 16, 24);
  const p = decodePacket(answer(q, T, { ...synced, synced: false, refTime: 0 }, "", () => T));
  assert.equal(p.refTime, { sec: 0, frac: 0 });
});

test.run();
