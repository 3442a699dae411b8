import { test } from "uvu";
import * as assert from "uvu/assert";
import { Key, sign, signer } from "../../lib/mac";
import { MAC_LEN } from "../../lib/wire";
import { sha1 } from "../../boards/sha1-node";
import { GOLDEN_HEX, hex, patch } from "../helpers/golden";

const golden = hex(GOLDEN_HEX);
const key: Key = { id: 0x01020304, secret: hex("0123456789abcdef0123456789abcdef01234567") };

test("the MAC is the key id and SHA1(key || header): a vector computed by Python's hashlib", () => {
  const b = sign(sha1, key, golden);
  assert.is(b.length, 48 + MAC_LEN);
  assert.equal(b.subarray(0, 48), golden);
  assert.equal(Array.from(b.subarray(48, 52)), [1, 2, 3, 4]);
  assert.equal(b.subarray(52), hex("72edb98c21657a4dbd7aecbee15d60c06ec82a21"));
  const ascii: Key = { id: 1, secret: new TextEncoder().encode("secret") };
  assert.equal(sign(sha1, ascii, golden).subarray(52), hex("55e304ac2fb7967415e21c97a0a009fc26b6db5e"));
});

test("sign then signer round trip, picking the key by its id", () => {
  const other: Key = { id: 9, secret: hex("aa") };
  assert.is(signer(sha1, [other, key], sign(sha1, key, golden)), key);
  assert.is(signer(sha1, [other, key], sign(sha1, other, golden)), other);
});

test("signing a longer buffer signs its header only", () => {
  const long = new Uint8Array(60);
  long.set(golden);
  long.fill(0xee, 48);
  assert.equal(sign(sha1, key, long), sign(sha1, key, golden));
});

test("every single bit flipped anywhere in a signed packet breaks it", () => {
  const b = sign(sha1, key, golden);
  for (let i = 0; i < b.length; i++)
    for (let bit = 0; bit < 8; bit++) assert.is(signer(sha1, [key], patch(b, { [i]: b[i] ^ (1 << bit) })), undefined, `byte ${i} bit ${bit}`);
});

test("no MAC, a crypto-NAK, an MD5-sized MAC, an unknown key id, a trailing byte: no signer", () => {
  const b = sign(sha1, key, golden);
  assert.is(signer(sha1, [key], golden), undefined);
  assert.is(signer(sha1, [key], new Uint8Array([...golden, 0, 0, 0, 0])), undefined);
  assert.is(signer(sha1, [key], b.subarray(0, 68)), undefined);
  assert.is(signer(sha1, [{ id: 5, secret: key.secret }], b), undefined);
  assert.is(signer(sha1, [key], new Uint8Array([...b, 0])), undefined);
  assert.is(signer(sha1, [], b), undefined);
});

test("a hash that could not be made (an empty digest: crypto.SHA1 out of memory on the device) matches no MAC, not even one of zeros", () => {
  const none = () => new Uint8Array(0);
  // signed with no digest: the MAC's digest bytes stay zero
  const b = sign(none, key, golden);
  assert.equal(b.subarray(52), new Uint8Array(20));
  assert.is(signer(none, [key], b), undefined);
  assert.is(signer(none, [key], sign(sha1, key, golden)), undefined);
  // a digest that stops short matches no MAC whose first bytes it shares
  const good = sign(sha1, key, golden);
  assert.is(signer((m) => sha1(m).subarray(0, 10), [key], good), undefined);
});

test.run();
