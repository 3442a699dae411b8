// The Node imitation of the device (test/helpers/espruino-vm.ts) and the dialect gate
// (tools/dialect.mjs) against the real Espruino 2v29 interpreter: what the gate says the
// device lacks, it lacks; the imitation's String search gives what the device's does.
// Without the interpreter the test is skipped with the reason (in CI it fails).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Device, deviceMissing } from "../helpers/device";
import { guarded } from "../helpers/skip";
import { EspruinoVm } from "../helpers/espruino-vm";
import { MISSING_DATE_METHODS, MISSING_GLOBALS, MISSING_MEMBERS } from "../../tools/dialect.mjs";

const deviceTest = guarded("vm-dialect.test.ts", deviceMissing(["linux"]));

/**
 * String searches where Espruino 2v29 and Node differ (a needle that runs off the string's
 * end, the empty string, fromIndex past the end) and some where they agree, with the device's answers.
 */
const SEARCHES: [string, number | boolean][] = [
  [`"abc,".indexOf(",x")`, 3],
  [`"abcab".indexOf("abx")`, 3],
  [`"abcd".indexOf("cdx", 1)`, 2],
  [`"abc".indexOf("cd", 9)`, 2],
  [`"abc".indexOf("bcd")`, 1],
  [`"ab,".includes(",W")`, true],
  [`"abc".includes("cz", 1)`, true],
  [`" ab cd ".indexOf(" zz ")`, 6],
  [`"".indexOf("")`, -1],
  [`"abc".indexOf("", 5)`, -1],
  [`"abc".indexOf("")`, 0],
  [`"abc".indexOf("abcd")`, -1],
  [`"+".indexOf("+CCLK:")`, -1],
  [`"+CCLK".indexOf("+CCLK:")`, -1],
  [`"x+CCLK: 1".indexOf("+CCLK:")`, 1],
  [`"abcabc".indexOf("bc", 2)`, 4],
  [`"abc".indexOf("c", -3)`, 2],
  [`"a1".indexOf(1)`, 1],
  [`"ab".lastIndexOf("zb")`, -1],
];

deviceTest("the gate's missing built-ins are missing on the device, and the imitation's String search gives the device's answers", async () => {
  const dev = await Device.create("linux");
  const vm = new EspruinoVm({});
  try {
    const exprs = SEARCHES.map((s) => s[0]);
    const onDevice = await dev.eval<unknown[]>(`[${exprs.join(",")}]`);
    assert.equal(onDevice, SEARCHES.map((s) => s[1]), "the interpreter's answers");
    assert.equal(JSON.parse(vm.eval(`JSON.stringify([${exprs.join(",")}])`)), onDevice, "the imitation's answers");
    const names = [...MISSING_GLOBALS.map((g) => `typeof ${g}`), ...MISSING_MEMBERS.map((m) => `typeof ${m}`), ...MISSING_DATE_METHODS.map((m) => `typeof Date.prototype.${m}`)];
    const types = await dev.eval<string[]>(`[${names.join(",")}]`);
    assert.equal(
      names.filter((_, i) => types[i] != "undefined"),
      [],
      "present on the device",
    );
  } finally {
    vm.dispose();
    await dev.stop();
  }
});

test.run();
