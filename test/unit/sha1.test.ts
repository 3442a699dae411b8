import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import { sha1 } from "../../lib/sha1";

const node = (m: Uint8Array) => new Uint8Array(createHash("sha1").update(m).digest());
const ascii = (s: string) => new TextEncoder().encode(s);

test("FIPS 180-4's examples: abc and the 56-byte message (two blocks)", () => {
  assert.equal(Buffer.from(sha1(ascii("abc"))).toString("hex"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  assert.equal(Buffer.from(sha1(ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))).toString("hex"), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  assert.equal(Buffer.from(sha1(new Uint8Array(0))).toString("hex"), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
});

test("every length from 0 to 200 bytes (each padding case: 55, 56, 63, 64 and the rest) agrees with node:crypto", () => {
  let seed = 7;
  for (let n = 0; n <= 200; n++) {
    const m = new Uint8Array(n);
    for (let i = 0; i < n; i++) m[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    assert.equal(sha1(m), node(m), `${n} bytes`);
  }
});

test("a key and a header, as a MAC hashes them (20 + 48 bytes), all bytes 0xff", () => {
  const m = new Uint8Array(68).fill(0xff);
  assert.equal(sha1(m), node(m));
});

test.run();
