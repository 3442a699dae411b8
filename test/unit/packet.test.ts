import { test } from "uvu";
import * as assert from "uvu/assert";
import { Header, decode, encode, refidText } from "../../lib/packet";
import { GOLDEN_HEX, GOLDEN_NONCE, decodePacket, hex, patch } from "../helpers/golden";

const refidOf = (p: Header) => refidText(p.refid, p.stratum);

const golden = hex(GOLDEN_HEX);

test("decodes every header field of the golden reply (poll, precision and reference with the test's decodePacket)", () => {
  const p = decodePacket(golden);
  assert.equal(
    { ...p },
    {
      leap: 0, vn: 4, assoc: 4, stratum: 2, poll: 6, precision: -23,
      rootDelay: 0x0a3d / 65536, rootDisp: 0x0547 / 65536, refid: 0x0a000001,
      refTime: { sec: 0xe2cfa700, frac: 0 }, orig: GOLDEN_NONCE,
      recv: { sec: 0xe2cfa73b, frac: 0x40000000 }, xmit: { sec: 0xe2cfa73b, frac: 0x80000000 },
    },
  );
});

test("LI / VN / mode bit packing (RFC 4330 s4)", () => {
  assert.equal([decode(patch(golden, { 0: 0xe3 })).leap, decode(patch(golden, { 0: 0xe3 })).vn, decode(patch(golden, { 0: 0xe3 })).assoc], [3, 4, 3]);
  assert.is(decode(patch(golden, { 0: 0x1c })).vn, 3);
  assert.is(decode(patch(golden, { 0: 0x64 })).leap, 1);
});

test("signed poll and precision, unsigned 16.16 root fields", () => {
  const p = decodePacket(patch(golden, { 2: 0xfc, 3: 0x80, 4: 0xff, 5: 0xff, 6: 0, 7: 0 }));
  assert.is(p.poll, -4);
  assert.is(p.precision, -128);
  assert.is(p.rootDelay, 65535);
});

test("encode(decode(x)) is x for the golden reply and for random headers", () => {
  assert.equal(encode(decodePacket(golden)), golden);
  let seed = 7;
  for (let n = 0; n < 500; n++) {
    const b = new Uint8Array(48).map(() => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 255);
    assert.equal(encode(decodePacket(b)), b);
  }
});

test("decode leaves out the fields no check reads", () => {
  assert.equal(Object.keys(decode(golden)).sort(), ["assoc", "leap", "orig", "recv", "refid", "rootDelay", "rootDisp", "stratum", "vn", "xmit"]);
});

test("extension bytes after 48 are tolerated and ignored", () => {
  const long = new Uint8Array(68);
  long.set(golden);
  long.fill(0xaa, 48);
  assert.equal(decode(long), decode(golden));
});

test("refid: dotted quad above stratum 1, ASCII at 0 and 1", () => {
  assert.is(refidOf(decode(golden)), "10.0.0.1");
  assert.is(refidOf(decode(patch(golden, { 1: 1, 12: 0x47, 13: 0x50, 14: 0x53, 15: 0 }))), "GPS");
  assert.is(refidOf(decode(patch(golden, { 1: 0, 12: 0x52, 13: 0x41, 14: 0x54, 15: 0x45 }))), "RATE");
  // chrony's local refid 0x7F7F0101 has no printable characters
  assert.is(refidOf(decode(patch(golden, { 1: 1, 12: 0x7f, 13: 0x7f, 14: 1, 15: 1 }))), "");
});

test.run();
