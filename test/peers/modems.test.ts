// The AT-modem images (quectel, sim800, espat) in the device runtime, talking at the byte
// level to a simulated modem that relays their UDP to a real chronyd (under faketime) on
// loopback. Then the same with the modem misbehaving: every fault ends in a named error or a
// correct sync, the clock is never set wrong, and the next sync works.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildImage, loadConfig } from "../../build.mjs";
import { Chronyd, peersMissing, startChronyd } from "../helpers/chrony";
import { EspruinoVm } from "../helpers/espruino-vm";
import { DialectName, Faults, ModemSim, modemTestConfig } from "../helpers/modem-sim";
import { guarded } from "../helpers/skip";

const SHIFT = 2.5;
const missing = peersMissing();
const peerTest = guarded("modems.test.ts", missing);
let server: Chronyd;

test.before(async () => {
  if (!missing) server = await startChronyd({ offset: SHIFT });
});
test.after(async () => {
  await server?.stop();
});

/** Serial port and pins each image uses by default, as the device has them. */
const WIRING: Record<DialectName, Record<string, string>> = {
  quectel: { port: "Serial1", tx: "B6", rx: "B7" },
  sim800: { port: "Serial1", tx: "B6", rx: "B7" },
  espat: { port: "Serial2", tx: "A2", rx: "A3" },
};

const images = new Map<string, string>();
async function image(board: DialectName, over: Record<string, unknown> = {}) {
  const key = board + JSON.stringify(over);
  if (!images.has(key)) {
    const config = loadConfig(undefined, modemTestConfig(server.port, over));
    images.set(key, await buildImage({ board, config }));
  }
  return images.get(key)!;
}

interface Run {
  dev: EspruinoVm;
  sim: ModemSim;
  /** device clock minus the server's (machine + SHIFT): 0 after a good sync */
  error(): number;
}

async function boot(dialect: DialectName, faults: Faults = {}, extra: Partial<ConstructorParameters<typeof ModemSim>[0]> = {}, over = {}): Promise<Run> {
  const sim = new ModemSim({ dialect, names: { "time.test": "127.0.0.1" }, faults, ...extra });
  const w = WIRING[dialect];
  // the device starts near 1970, as after power-on
  const dev = new EspruinoVm({ clockStart: 1000, globals: { [w.port]: sim.port, [w.tx]: w.tx, [w.rx]: w.rx } });
  dev.load(await image(dialect, over), dialect + ".js");
  return { dev, sim, error: () => dev.now() - (Date.now() / 1000 + SHIFT) };
}

/** Every clock step the device made was to the server's time (within 20 ms): never a wrong time. */
function neverWrong(r: Run) {
  for (const t of r.dev.steps) {
    // steps are checked against the server time when they are made, so compare by error now
    assert.ok(Math.abs(r.error()) < 0.02, `device clock is off by ${r.error()} s after steps ${r.dev.steps}`);
    assert.ok(t > 1e9);
  }
}

async function settime(r: Run): Promise<{ code: number; last: any; line: string }> {
  const before = r.dev.lines.length;
  const code = await r.dev.eval("ntptime.settime()");
  const line = r.dev.lines.slice(before).filter((l) => l.startsWith("ntptime: ")).pop() || "";
  return { code, last: r.dev.eval("({ ...ntptime.last })"), line };
}

async function withRun(dialect: DialectName, faults: Faults, fn: (r: Run) => Promise<void>, extra = {}, over = {}) {
  const r = await boot(dialect, faults, extra, over);
  try {
    await fn(r);
  } catch (e) {
    (e as Error).message += `\n--- console:\n${r.dev.lines.join("\n")}\n--- modem saw:\n${r.sim.commands.join("\n")}`;
    throw e;
  } finally {
    r.dev.dispose();
    r.sim.dispose();
  }
}

for (const dialect of ["quectel", "sim800", "espat"] as DialectName[]) {
  const t = (name: string, fn: () => Promise<void>) =>
    peerTest(`${dialect}: ${name}`, fn);

  t("boots, brings the modem up and syncs against chronyd through it", () =>
    withRun(dialect, {}, async (r) => {
      const line = await r.dev.waitFor(/^ntptime: /, 8000);
      assert.match(line, new RegExp(`^ntptime: time\\.test:${server.port} 127\\.0\\.0\\.1:${server.port} stratum 1 offset `));
      const last = r.dev.eval("({ ...ntptime.last })");
      assert.is(last.reason, "");
      assert.is(last.good, 4);
      assert.ok(Math.abs(r.error()) < 0.01, `device - server = ${r.error()} s`);
      assert.is(r.sim.baud, 115200);
      neverWrong(r);
    }));

  t("garbage and echo noise around every answer: still a correct sync", () =>
    withRun(dialect, { noise: true }, async (r) => {
      await r.dev.waitFor(/^ntptime: /, 8000);
      assert.is(r.dev.eval("ntptime.last.reason"), "");
      neverWrong(r);
    }));

  t("every reply split into 5-byte reads: still a correct sync", () =>
    withRun(dialect, { chunk: 5 }, async (r) => {
      await r.dev.waitFor(/^ntptime: /, 8000);
      assert.is(r.dev.eval("ntptime.last.reason"), "");
      neverWrong(r);
    }));

  t("a forged frame and the real one in one read: the forgery is ignored", () =>
    withRun(dialect, { doubleFrame: true }, async (r) => {
      await r.dev.waitFor(/^ntptime: /, 8000);
      const last = r.dev.eval("({ ...ntptime.last })");
      assert.is(last.reason, "");
      assert.is(last.good, 4);
      neverWrong(r);
    }));

  t("an unsolicited code inside a reply's data: that frame is dropped, the sync still good", () =>
    withRun(dialect, { urcInPayload: "\r\n+CME ERROR: 3\r\nRING\r\n" }, async (r) => {
      await r.dev.waitFor(/^ntptime: /, 8000);
      const last = r.dev.eval("({ ...ntptime.last })");
      assert.is(last.reason, "");
      assert.ok(last.sent > last.good, "the damaged reply did not count");
      neverWrong(r);
    }));

  t("the modem restarts mid-exchange: reason reset, the clock untouched, the next sync brings it up again", () =>
    withRun(dialect, { resetAtSend: 1 }, async (r) => {
      const line = await r.dev.waitFor(/^ntptime: /, 8000);
      assert.match(line, /failed: reset$/);
      assert.is(r.dev.steps.length, 0);
      const again = await settime(r);
      assert.is(again.code, 0, again.line);
      neverWrong(r);
    }));

  const sendCmd = { quectel: "AT+QISEND", sim800: "AT+CIPSEND", espat: "AT+CIPSEND" }[dialect];
  t("ERROR and +CME ERROR answers to the send: reason at-error, then a good sync", () =>
    withRun(dialect, { answer: { [sendCmd]: ["+CME ERROR: 550"] } }, async (r) => {
      const line = await r.dev.waitFor(/^ntptime: /, 8000);
      assert.match(line, /failed: at-error$/);
      assert.ok(r.dev.lines.some((l) => l.includes("+CME ERROR: 550")), "the modem's answer is on the console");
      assert.is(r.dev.steps.length, 0);
      const again = await settime(r);
      assert.is(again.code, 0, again.line);
      neverWrong(r);
    }));

  t("no answer at all to the send: reason at-timeout, then a good sync", () =>
    withRun(dialect, { answer: { [sendCmd]: null } }, async (r) => {
      const line = await r.dev.waitFor(/^ntptime: /, 12000);
      assert.match(line, /failed: at-timeout$/);
      assert.is(r.dev.steps.length, 0);
      const again = await settime(r);
      assert.is(again.code, 0, again.line);
      neverWrong(r);
    }));

  t("a name the modem's DNS does not know: reason dns", () =>
    withRun(dialect, {}, async (r) => {
      await r.dev.waitFor(/^ntptime: /, 8000);
      r.dev.eval(`ntptime.sethost("nowhere.test:${server.port}")`);
      const s = await settime(r);
      assert.is(s.code, 1);
      assert.is(s.last.reason, "dns");
      neverWrong(r);
    }));
}


for (const dialect of ["quectel", "sim800"] as DialectName[]) {
  const openCmd = dialect == "quectel" ? "AT+QIOPEN" : "AT+CIPSTART";
  const refusal = dialect == "quectel" ? ["OK", "+QIOPEN: 0,563"] : ["+CME ERROR: 3"];
  peerTest(`${dialect}: UDP refused by the modem: falls back to its NTP command, whole seconds, said unchecked`, () =>
    withRun(
      dialect,
      { answer: { [openCmd]: refusal }, times: 99 },
      async (r) => {
        const line = await r.dev.waitFor(/^ntptime: .*via modem NTP/, 8000);
        assert.match(line, /\(whole-second, unchecked\)/);
        const last = r.dev.eval("({ ...ntptime.last })");
        assert.is(last.server, "modem NTP");
        assert.is(last.unchecked, true);
        // whole seconds, centred: within half a second and a bit of the server
        assert.ok(Math.abs(r.error()) < 0.6, `device - server = ${r.error()}`);
      },
      { ntpTime: () => Date.now() / 1000 + SHIFT },
    ));
  peerTest(`${dialect}: UDP refused in a round over several servers: the same fallback to its NTP command`, () =>
    withRun(
      dialect,
      { answer: { [openCmd]: refusal }, times: 99 },
      async (r) => {
        const line = await r.dev.waitFor(/^ntptime: .*via modem NTP/, 15000);
        assert.match(line, /^ntptime: time\.test:\d+ via modem NTP \(whole-second, unchecked\)/);
        const last = r.dev.eval("({ ...ntptime.last })");
        assert.equal([last.server, last.unchecked], ["modem NTP", true]);
        assert.ok(Math.abs(r.error()) < 0.6, `device - server = ${r.error()}`);
      },
      { ntpTime: () => Date.now() / 1000 + SHIFT },
      { servers: ["127.0.0.1:" + server.port] },
    ));
}

peerTest("espat: a wrong Wi-Fi network: the bring-up fails with the modem's answer, and the boot retries", () =>
  withRun(
    "espat",
    {},
    async (r) => {
      const line = await r.dev.waitFor(/^espat: /, 5000);
      assert.match(line, /^espat: AT\+CWJAP="lab","p\\"w\\,d": FAIL, trying again in 30 s$/);
      assert.is(r.dev.steps.length, 0);
    },
    { ssid: "other" },
  ));

test.run();
