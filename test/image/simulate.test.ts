// npm start (tools/simulate.mjs), run as a user runs it: the host image against the loopback
// server, and with --rtc a DS3231 (tools/rtc-sim.mjs) across a power cut with the network gone.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";

/** The simulator's console, run to its end (bounded). */
function simulate(args: string[], ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ["tools/simulate.mjs", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    c.stdout.on("data", (d) => (out += d));
    c.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => {
      c.kill("SIGKILL");
      reject(new Error("the simulator did not end within " + ms + " ms:\n" + out));
    }, ms);
    c.on("close", (code) => {
      clearTimeout(timer);
      code ? reject(new Error(`the simulator exited ${code}:\n` + out)) : resolve(out);
    });
  });
}

test("npm start: the device syncs from the loopback server", async () => {
  // (its first round within startDelay, 5 s by default, of its boot: placed by its id)
  const out = await simulate(["--seconds", "10"], 40000);
  assert.match(out, /\(not synced\)/);
  assert.match(out, /^ntptime: 127\.0\.0\.1:\d+ .* step /m);
  const faces = out.split("\n").filter((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/.test(l));
  assert.ok(!/\(/.test(faces[faces.length - 1]), "the last face is synced: " + faces[faces.length - 1]);
});

test("npm start -- --rtc: after a power cut with the network gone, the face is right at once, from the chip", async () => {
  const out = await simulate(["--rtc", "--seconds", "4"], 90000);
  const lines = out.split("\n");
  const cut = lines.findIndex((l) => /^simulator: power cut/.test(l));
  assert.ok(cut > 0, out);
  const before = lines.slice(0, cut).join("\n");
  const after = lines.slice(cut);
  // a chip never set is not trusted; the first sync sets the clock and then the chip
  assert.match(before, /the ds3231 is not trusted \(stopped\)/);
  assert.match(before, /^ntptime: .* step /m);
  // power on again: the chip's time before any face, every face on it ("rtc"), and no server
  const read = after.findIndex((l) => /^clock: time from the ds3231, /.test(l));
  const faces = after.filter((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/.test(l));
  assert.ok(read > 0 && faces.length >= 2, after.join("\n"));
  assert.ok(after.findIndex((l) => /^\d{4}-/.test(l)) > read, "a face before the chip was read:\n" + after.join("\n"));
  for (const f of faces) assert.match(f, /\(rtc\)$/);
  assert.ok(!faces.some((f) => f.startsWith("1970")), faces.join("\n"));
  // the device clock against this machine's (the chip written from it 2 ppm fast), read off a console line: within 50 ms
  const ms = Number(/set from the chip: (-?\d+) ms/.exec(out)![1]);
  assert.ok(Math.abs(ms) < 50, `${ms} ms`);
  assert.not.match(after.join("\n"), /^ntptime: .* step /m);
});

test.run();
