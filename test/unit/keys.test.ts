import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseKeys } from "../../lib/keys";

test("chrony key-file lines: HEX, ASCII, ASCII: prefix, comments and blank lines", () => {
  const text = [
    "# chronyc keygen 1 SHA1",
    "1 SHA1 HEX:0123456789ABCDEF0123456789abcdef01234567",
    "",
    "  2 sha1 ASCII:pass#word  # the # starts a comment, as in chrony",
    "3\tSHA1\tplain",
  ].join("\n");
  assert.equal(parseKeys(text), [
    { id: 1, secret: [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67] },
    { id: 2, secret: [112, 97, 115, 115] },
    { id: 3, secret: [112, 108, 97, 105, 110] },
  ]);
});

test("the largest key id is 2^32 - 1", () => {
  assert.equal(parseKeys("4294967295 SHA1 HEX:00"), [{ id: 4294967295, secret: [0] }]);
});

const refused: [string, RegExp][] = [
  ["1 HEX:0011", /line 1: key type MD5 is not supported/],
  ["1 MD5 HEX:0011", /MD5 is not supported/],
  ["1 SHA256 HEX:0011", /SHA256 is not supported/],
  ["0 SHA1 HEX:0011", /1 to 4294967295/],
  ["4294967296 SHA1 HEX:0011", /1 to 4294967295/],
  ["x SHA1 HEX:0011", /1 to 4294967295/],
  ["1 SHA1 HEX:001", /even number of hex digits/],
  ["1 SHA1 HEX:00zz", /even number of hex digits/],
  ["1 SHA1 HEX:", /even number of hex digits/],
  ["1 SHA1 ASCII:", /1 to 512 bytes/],
  ["1 SHA1 " + "a".repeat(513), /1 to 512 bytes/],
  ["1 SHA1 caf\u00e9\u0101", /1 to 512 bytes/],
  ["1 SHA1 HEX:00 extra", /ID \[TYPE\] KEY/],
  ["1 SHA1 HEX:00\n\n1 SHA1 HEX:11", /line 3: key 1 is defined twice/],
];
for (const [text, why] of refused) {
  test(`refused: ${JSON.stringify(text).slice(0, 40)}`, () => {
    const r = parseKeys(text);
    assert.type(r, "string");
    assert.match(r as string, why);
  });
}

test.run();
