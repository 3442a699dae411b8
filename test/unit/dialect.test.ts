import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkDialect } from "../../tools/dialect.mjs";

const rejected: [string, string, RegExp][] = [
  ["default parameter", "function f(a, b = 2) { return a + b }", /default parameter/],
  ["default parameter in an arrow", "var f = (a = 1) => a", /default parameter/],
  ["destructuring", "var { x } = o;", /destructuring/],
  ["array destructuring", "var [a, b] = arr;", /destructuring/],
  ["destructuring in parameters", "function f({ a }) { return a }", /destructuring/],
  ["destructuring assignment", "[a, b] = [b, a];", /destructuring assignment/],
  ["spread call", "f(...args)", /spread/],
  ["object spread", "var o = { ...p }", /spread/],
  ["rest parameter", "function f(...a) {}", /rest parameter/],
  ["super(...arguments)", "class A extends B { constructor() { super(...arguments) } }", /spread/],
  ["optional chaining", "var x = a?.b", /optional chaining/],
  ["exponent", "var x = 2 ** 8", /exponent/],
  ["logical assignment", "a ||= 1", /logical assignment/],
  ["nullish assignment", "a ??= 1", /logical assignment/],
  ["async", "async function f() {}", /async/],
  ["await", "async function f() { await g() }", /await/],
  ["generator", "function* g() { yield 1 }", /generator/],
  ["label", "outer: for (;;) break outer;", /label/],
  ["tagged template", "tag`x`", /tagged template/],
  ["computed key", "var o = { [k]: 1 }", /computed property key/],
  ["new.target", "function F() { return new.target }", /new\.target/],
  ["BigInt", "var n = 10n", /BigInt/],
  ["#private", "class A { #x = 1 }", /#private/],
  ["Map", "var m = new Map()", /Map does not exist/],
  ["Symbol", "var s = Symbol('x')", /Symbol does not exist/],
  ["Array.from", "Array.from(x)", /Array\.from/],
  ["Number.isInteger", "Number.isInteger(1)", /Number\.isInteger/],
  ["Math.trunc", "Math.trunc(1.5)", /Math\.trunc/],
  ["Date.UTC", "Date.UTC(2020, 0)", /Date\.UTC/],
  ["Math.pow", "Math.pow(2, 32)", /Math\.pow/],
  ["getUTCHours", "d.getUTCHours()", /getUTCHours/],
  ["optional group in a RegExp", "/^(a)(:\\d+)?$/.test(s)", /RegExp/],
  ["quantified group in a RegExp", "/(?:a|b)+/.test(s)", /RegExp/],
  ["{m,n} in a RegExp", "/^[a-z]{1,63}$/.test(s)", /RegExp/],
  ["loop let captured", "for (let i = 0; i < 3; i++) setTimeout(() => print(i), 1)", /captured by a closure/],
  ["for-of let captured (esbuild's __copyProps)", "for (let key of keys) def(to, key, { get: () => from[key] })", /captured by a closure/],
  ["call before declaration", "f(); function f() {}", /no hoisting/],
  // round-many.ts as it was: the closure calls decide(), declared after the return
  [
    "a declaration after return (round-many.ts before the fix)",
    "function round(hosts) { return new Promise(function (resolve) { var ask = function (i) { if (i == hosts.length) return resolve(decide()); ask(i + 1); }; ask(0); }); function decide() { return 1; } }",
    /function 'decide' declared after a return: never made/,
  ],
  ["a declaration after throw", "function f() { throw new Error('x'); function g() {} }", /declared after a throw/],
  ["a declaration after break in a case", "switch (x) { case 1: break; function g() {} }", /declared after a break/],
  ["a closure made before the declaration", "var later = function () { return g(); }; setTimeout(later, 1); function g() { return 1; }", /used in a function that may run before 'g' is declared/],
  ["a function declared earlier calling one declared later", "function a() { return b(); } a(); function b() { return 1; }", /may run before 'b' is declared/],
  ["a method of an object made before the declaration", "var o = { m: function () { return g(); } }; function g() {}", /may run before 'g'/],
  ["syntax error", "var = ;", /syntax error/],
];

for (const [name, code, re] of rejected)
  test(`rejects ${name}`, () => {
    const p = checkDialect(code);
    assert.ok(p.length > 0, "nothing reported");
    assert.match(p.map((x) => x.message).join("; "), re);
  });

test("accepts what the device runs", () => {
  const ok = [
    "var f = (a, b) => a + b;",
    "class A { constructor(x) { this.x = x } get y() { return this.x } }",
    "class B extends A { constructor() { super(1) } }",
    "let s = `t${1}`; for (const c of 'abc') print(c);",
    "var x = a ?? b;",
    "function f() {} f();",
    "function g() { return 1; } var later = function () { return g(); };",
    "function f() { if (x) return 1; function g() {} return g(); }",
    "function f(n) { return n ? f(n - 1) : 0; }",
    "for (let i = 0; i < 3; i++) print(i);",
    "var o = { Map: 1, Symbol: 2 }; o.Map; o.Symbol;",
    "var r = /^[a-z0-9-]+$/i; var d = /^[0-9]+$/;",
    "try { f() } catch (e) {}",
    "var u = new Uint8Array(48); var n = 4294967296; Math.floor(1.5);",
  ];
  for (const code of ok) assert.equal(checkDialect(code), [], code);
});

test("problems in a readable bundle name the source module", () => {
  const [p] = checkDialect("(function(){\n  // lib/client.ts\n  function f(a, b = 1) {}\n})();");
  assert.is(p.module, "lib/client.ts");
  assert.is(p.line, 3);
});

test.run();
