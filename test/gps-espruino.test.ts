// The gps-server image (linux board: NMEA timing, its tty on a pty pair) in the real
// Espruino 2v29 interpreter, in a network namespace of its own (the interpreter binds
// every interface): ntpdig on port 123 sees stratum 1 at the GPS time, and a flood leaves
// its variable count where it was. ESPRUINO_BIN names the interpreter; without it, or
// without socat, unshare or ntpdig, the suite skips and says so.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildImage, loadConfig } from "../build.mjs";
import { ptyModem, socatMissing } from "./helpers/pty";
import { ModemSim } from "./helpers/modem-sim";
import { sentences } from "./helpers/gps-sim";
import { runFor } from "./helpers/run-until";
import { realtime } from "./helpers/realtime";
import { guarded } from "./helpers/skip";

const BIN = process.env.ESPRUINO_BIN || "";
const root = spawnSync("unshare", ["-n", "true"]).status == 0;
const why = !BIN || !existsSync(BIN) ? "set ESPRUINO_BIN to an Espruino 2v29 Linux build (see README)" : socatMissing() ||
  (!root ? "needs root for a network namespace the interpreter can share with ntpdig" : "") ||
  (spawnSync("sh", ["-c", "command -v ntpdig"]).status ? "no ntpdig" : "");

/** A command in the network namespace of process `pid`, bounded to `ms`: its output. */
const nsenter = (pid: number, argv: string[], ms: number) => runFor("nsenter", ["-t", String(pid), "-n", ...argv], ms);

guarded("gps-espruino.test.ts", why)("the gps-server image in the real interpreter answers ntpdig at stratum 1, and a flood leaves memory flat", async () => {
  // The receiver's end of the pty: sentences written there reach the interpreter's Serial1.
  let toDevice: (s: string) => void = () => {};
  const receiver = { port: { write: () => {}, on: (_e: string, fn: (s: string) => void) => (toDevice = fn) } };
  const pty = await ptyModem(receiver as unknown as ModemSim);
  const dir = mkdtempSync(join(tmpdir(), "ntptime-gps-espruino-"));
  let child: ChildProcess | null = null;
  let ticker: ReturnType<typeof setTimeout> | null = null;
  try {
    const image = await buildImage({ board: "linux", app: "gps-server", config: loadConfig(undefined, { console: false, gps: { path: pty.device, pps: null, nmeaDelay: 0.1 } }) });
    const file = join(dir, "gps.js");
    writeFileSync(file, image + '\nsetInterval(function () { var s = gps.status(); print("STATUS " + s.state + " " + process.memory().usage + " " + JSON.stringify(s.counts)); }, 1000);\n');
    child = spawn("unshare", ["-n", "sh", "-c", `ip link set lo up && exec setpriv --bounding-set -sys_time -- "${BIN}" gps.js`], { cwd: dir });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    // 1 Hz sentences, 0.1 s after each second of the machine's clock
    const tick = () => {
      const now = realtime();
      const next = Math.floor(now) + 1;
      ticker = setTimeout(() => (toDevice(sentences(next, true, 8)), tick()), (next + 0.1 - now) * 1000);
    };
    tick();
    const until = async (re: RegExp, ms: number) => {
      for (let t = 0; t < ms && !re.test(out); t += 100) await new Promise((r) => setTimeout(r, 100));
      assert.match(out, re, out);
    };
    await until(/gps: GPS, serving stratum 1, 8 satellites/, 20000);
    const d = JSON.parse((await nsenter(child.pid!, ["ntpdig", "-j", "-t", "2", "127.0.0.1"], 10000)).replace(/^[^{]*/, ""));
    assert.is(d.stratum, 1);
    // NMEA timing through the Linux build's serial thread, which polls every 50 ms when idle
    assert.ok(Math.abs(d.offset) < 0.06, `ntpdig offset ${d.offset} s`);
    const usage = () => [...out.matchAll(/STATUS (\S+) (\d+) (\{.*\})/g)].map((m) => ({ state: m[1], vars: +m[2], counts: JSON.parse(m[3]) }));
    // two floods from 60 addresses: the first fills the client table (32 entries), the second must find memory where the first left it
    const flood = async () => {
      await new Promise((r) => setTimeout(r, 1500));
      const before = usage().pop()!;
      const f = JSON.parse((await nsenter(child!.pid!, [process.execPath, "--import", "./tools/ts-register.mjs", "test/helpers/flood.ts", "123", "60", "5", "100"], 20000)).replace(/^[^{]*/, ""));
      await new Promise((r) => setTimeout(r, 1500));
      const after = usage().pop()!;
      const n = (c: any) => c.answered + c.kissed + c.dropped + c.refused + c.unverified;
      assert.is(n(after.counts) - n(before.counts), f.sent, "every request answered, told RATE or dropped");
      assert.is(f.replies, after.counts.answered + after.counts.kissed - before.counts.answered - before.counts.kissed);
      assert.ok(f.oversize <= 0, "no reply larger than its request");
      return { f, before, after };
    };
    const one = await flood();
    const two = await flood();
    console.log(`  real interpreter: ntpdig offset ${(d.offset * 1000).toFixed(1)} ms; each flood ${one.f.sent} requests, ${one.f.replies} and ${two.f.replies} replies (${one.f.kisses} RATE); variables ${one.before.vars} -> ${one.after.vars} -> ${two.after.vars}`);
    assert.ok(Math.abs(two.after.vars - one.after.vars) < 20, `variables ${one.after.vars} -> ${two.after.vars}`);
    assert.ok(one.after.vars - one.before.vars < 33 * 6, "the first flood filled the client table and no more");
    const after = two.after;
    assert.is(after.state, "GPS");
  } finally {
    if (ticker) clearTimeout(ticker);
    if (child && child.exitCode == null) {
      child.kill("SIGKILL");
      await new Promise((r) => child!.once("exit", r));
    }
    pty.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
