import { test } from "uvu";
import * as assert from "uvu/assert";
import vm from "node:vm";
import { leafFunctions, unscope } from "../../build/leaves.mjs";

test("a top-level function is a leaf when its body and parameters name none of the top-level names", () => {
  const code = [
    "function a(x){return x+1}",
    "function b(y){return a(y)}",
    "var c=(z)=>z*2,d=function(){return e},e=1;",
    "function h(o){return o.a+{a:1}.a+o.e}",
    "function r(n){return n?r(n-1):0}",
    "var g=(k)=>{let a=k;return a};",
    "function p(e){return e}",
    "var n=5,m=()=>getTime()+n;",
  ].join("");
  // a, c: nothing of the top level; h: `a` and `e` only as a member's name and an object's key
  // b names a, d names e, r names itself, m names n; g's local and p's parameter shadow a top-level
  // name and are counted as naming it (the safe side)
  assert.equal(leafFunctions(code), ["a", "c", "h"]);
  // a name declared around the code (a part's value) counts as the code's own
  assert.equal(leafFunctions("function a(){return V} function b(){return 1} V=a;", ["V"]), ["b"]);
});

test("unscope deletes each function's hidden scope, and writes nothing for none", () => {
  assert.is(unscope([]), "");
  const context = vm.createContext({ atob });
  vm.runInContext('function a(){} function b(){} a["\\xFFsco"]=1; b["\\xFFsco"]=2;', context);
  vm.runInContext(unscope(["a"]), context);
  assert.is(vm.runInContext('JSON.stringify([a.hasOwnProperty("\\xFFsco"), b["\\xFFsco"]])', context), "[false,2]");
});

test.run();
