// The linux image in the real Espruino 2v29 interpreter (its Linux build), against chronyd.
// ESPRUINO_BIN names the interpreter binary; without it this suite skips, and says so.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildImage, loadConfig } from "../build.mjs";
import { startChronyd } from "./helpers/chrony";
import { runUntil } from "./helpers/run-until";

const BIN = process.env.ESPRUINO_BIN || "";
const SHIFT = 3.5;

// The Linux build's setTime does not move its clock (no RTC there): record the call instead.
const PROBE = 'var __setTime = setTime; global.setTime = function (t) { print("SETTIME " + (t - getTime())); __setTime(t); };\n';

/** Runs a file in the interpreter, without the clock capability, until a console line matches. */
const runImage = (file: string, re: RegExp, ms: number) => runUntil("setpriv", ["--bounding-set", "-sys_time", "--", BIN, file], re, ms);

if (!BIN || !existsSync(BIN)) {
  console.log("  SKIP espruino.test.ts: set ESPRUINO_BIN to an Espruino 2v29 Linux build (see README) to run the image in the real interpreter");
  test.skip("linux image in the real Espruino interpreter syncs from chronyd", () => {});
} else {
  test(`linux image in ${BIN} measures chronyd's +${SHIFT} s within 5 ms and sets the clock`, async () => {
    const server = await startChronyd({ offset: SHIFT });
    const dir = mkdtempSync(join(tmpdir(), "ntptime-espruino-"));
    try {
      const image = await buildImage({ board: "linux", config: loadConfig(undefined, { host: "127.0.0.1:" + server.port, console: false }) });
      const file = join(dir, "linux.js");
      writeFileSync(file, PROBE + image);
      const { line, out } = await runImage(file, /ntptime: /, 8000);
      const offset = +(/offset (-?[\d.]+) s/.exec(line) || [])[1];
      assert.ok(Math.abs(offset - SHIFT) < 0.005, line);
      const set = +(/SETTIME (-?[\d.e+-]+)/.exec(out) || [])[1];
      assert.ok(Math.abs(set - SHIFT) < 0.005, `setTime moved the clock by ${set}:\n${out}`);
      // the REPL API in the interpreter
      writeFileSync(file, image + '\nprint("HOST " + ntptime.host + " " + ntptime.sethost("bad host") + ntptime.sethost("[::1]:123") + " " + ntptime.localtime().length);\n');
      const repl = (await runImage(file, /HOST /, 5000)).line;
      assert.match(repl, new RegExp(`HOST 127\\.0\\.0\\.1:${server.port} 10 8`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await server.stop();
    }
  });
}

test.run();
