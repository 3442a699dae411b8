import { test } from "uvu";
import * as assert from "uvu/assert";
import { isIpLiteral, parseHost } from "../../lib/host";

const valid: [string, string, number][] = [
  ["ntp.aliyun.com", "ntp.aliyun.com", 123],
  ["pool.ntp.org:123", "pool.ntp.org", 123],
  ["time.nist.gov:11123", "time.nist.gov", 11123],
  ["localhost", "localhost", 123],
  ["1and1.com", "1and1.com", 123],
  ["xn--bcher-kva.example", "xn--bcher-kva.example", 123],
  ["127.0.0.1", "127.0.0.1", 123],
  ["203.107.6.88:65535", "203.107.6.88", 65535],
];
for (const [s, name, port] of valid)
  test(`valid: ${s}`, () => {
    assert.equal(parseHost(s, 123), { name, port });
  });

const invalid: unknown[] = [
  "", ":123", "a:", "a:0", "a:65536", "a:-1", "a:12x", "a:+1", "host:12:3", "a b", "x_y.com", "-a.com", "a-.com", "a..b",
  "a.", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.4:", "a".repeat(64) + ".com", ("a".repeat(60) + ".").repeat(5) + "com",
  // IPv6 literals: every board's UDP is IPv4, so sethost refuses them rather than fail later
  "[::1]", "[::1]:8123", "[2001:db8::1]", "::1", "[]",
  123, null, undefined, {}, ["pool.ntp.org"],
];
for (const s of invalid)
  test(`invalid: ${JSON.stringify(s)}`, () => {
    assert.is(parseHost(s, 123), null);
  });

test("address literals need no resolving; names do", () => {
  assert.ok(isIpLiteral("127.0.0.1"));
  assert.not.ok(isIpLiteral("pool.ntp.org"));
  assert.not.ok(isIpLiteral("1and1.com"));
  assert.ok(isIpLiteral("0.0.0.0"));
  assert.ok(isIpLiteral("255.255.255.255"));
  // numbers JavaScript would read that are not four decimal bytes
  for (const s of ["1e2.1.1.1", "0x1.1.1.1", "1.2.3. 4", "1.2.3.+4", "1..2.3", "00.1.1.1", "1.2.3.256", "1.2.3.1000", "1.2.3.4.", "1.2.3.-0"]) assert.not.ok(isIpLiteral(s), s);
});

test.run();
