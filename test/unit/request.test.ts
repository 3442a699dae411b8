import { test } from "uvu";
import * as assert from "uvu/assert";
import { decode } from "../../lib/packet";
import { request } from "../../lib/request";

test("request hygiene: mode 3, version 4, zero everywhere but the nonce", () => {
  const b = request({ sec: 0xdeadbeef, frac: 0x01020304 });
  assert.is(b.length, 48);
  assert.is(b[0], 0x23);
  assert.equal(Array.from(b.subarray(1, 40)), new Array(39).fill(0));
  assert.equal(Array.from(b.subarray(40)), [0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4]);
  const p = decode(b);
  assert.equal([p.leap, p.vn, p.assoc, p.stratum], [0, 4, 3, 0]);
});

test("different nonces give different requests, nothing else differs", () => {
  const a = request({ sec: 1, frac: 2 });
  const b = request({ sec: 3, frac: 4 });
  assert.equal(a.subarray(0, 40), b.subarray(0, 40));
  assert.not.equal(a.subarray(40), b.subarray(40));
});

test.run();
