// Every board image as a user flashes it: uploaded with the espruino tool (SAVE_ON_SEND=1) to
// the real Espruino 2v29 interpreter at the board's memory size, power-cycled, booted from
// flash (test/helpers/device.ts). Each syncs from a chronyd running 3.5 s ahead and answers
// the REPL: sethost, settime (which then measures the clock it set), status.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildImage, loadConfig } from "../../build.mjs";
import { Chronyd, peersMissing, startChronyd } from "../helpers/chrony";
import { Device, SIZE_OF, deviceMissing } from "../helpers/device";
import { standIns } from "../helpers/stand-ins";
import { DialectName, ModemSim, modemTestConfig } from "../helpers/modem-sim";
import { ptyModem, socatMissing } from "../helpers/pty";
import { guarded } from "../helpers/skip";
import { realtime } from "../helpers/realtime";

const SHIFT = 3.5;
const FILE = "device-boards.test.ts";
const NET_BOARDS = ["linux", "esp8266", "esp32", "w5500"];
const MODEM_BOARDS: DialectName[] = ["quectel", "sim800", "espat"];
const name = (b: string) => `${b} image, booted from flash on ${SIZE_OF[b]} memory, syncs from chronyd and answers the REPL`;

/** The result line's offset and delay. */
const figures = (line: string) => ({ offset: +(/offset (-?[\d.]+) s/.exec(line) || [])[1], delay: +(/delay (-?[\d.]+) s/.exec(line) || [])[1] });

/** Per board: the config a user of that board writes, pointed at the test's server. */
function boardConfig(board: string, port: number) {
  const base = { console: false, startDelay: 1, gap: 100 };
  if (board == "esp8266" || board == "esp32") return { ...base, host: "localhost:" + port, wifi: { ssid: "lab", password: "secret" } };
  // the Linux build's pins are D0..D32; the W5500 wired to SPI1 there
  if (board == "w5500") return { ...base, host: "127.0.0.1:" + port, w5500: { spi: "SPI1", mosi: "D15", miso: "D14", sck: "D13", cs: "D10" } };
  return { ...base, host: "127.0.0.1:" + port };
}

/**
 * The REPL after the scheduled sync: sethost refuses a bad host and takes a good one,
 * settime() measures the clock the first sync set (within `bound` of chronyd), status() is whole.
 */
async function repl(dev: Device, host: string, bound: number, what: string) {
  assert.is(await dev.eval(`ntptime.sethost("bad host")`), 1);
  assert.is(await dev.eval(`ntptime.sethost(${JSON.stringify(host)})`), 0);
  assert.is(await dev.eval("ntptime.host"), host);
  dev.type("ntptime.settime().then(function (r) { print(\"SETTIME \" + r); })");
  const line = (await dev.waitFor(/^ntptime: .*offset.*/, 20000))[0];
  assert.is((await dev.waitFor(/^SETTIME (\d)/, 5000))[1], "0");
  const { offset } = figures(line);
  assert.ok(Math.abs(offset) <= bound, `${what}: the REPL's settime() found the clock ${offset} s off (within ${bound}):\n${line}`);
  const status = await dev.eval("ntptime.status()");
  assert.equal(status.servers, [host]);
  assert.is(status.last.reason, "");
  assert.ok(status.next > 0 && status.interval >= 15, JSON.stringify(status));
}

const deviceTest = guarded(FILE, deviceMissing() || peersMissing());
for (const board of NET_BOARDS) {
  deviceTest(name(board), async () => {
    const dev = await Device.create(SIZE_OF[board]);
    let server: Chronyd | null = null;
    try {
      server = await startChronyd({ offset: SHIFT, wrap: dev.ns([]) });
      const image = await buildImage({ board, config: loadConfig(undefined, boardConfig(board, server.port)) });
      await dev.upload({ image, storage: standIns(board) });
      await dev.waitFor(new RegExp(`^clock: board ${board}, server `), 5000);
      const line = (await dev.waitFor(/^ntptime: .*/, 20000))[0];
      const { offset } = figures(line);
      assert.ok(Math.abs(offset - SHIFT) < 0.005, `${board}: ${line}\n${dev.tail()}`);
      assert.match(line, /, step \d{4}-/);
      // the device's clock now reads chronyd's time (the console's latency is in the bound)
      const ahead = (await dev.eval<number>("getTime()")) - realtime();
      assert.ok(Math.abs(ahead - SHIFT) < 0.1, `${board}: the device clock is ${ahead} s ahead of this machine's`);
      if (board == "esp8266" || board == "esp32") assert.match(dev.out, /WIFI connect lab/);
      if (board == "w5500") assert.match(dev.out, /WIZNET connect object D10[\s\S]*w5500: DHCP 127\.0\.0\.1/);
      await repl(dev, "127.0.0.1:" + server.port, 0.005, board);
      // Espruino keeps a built-in class in the global scope from its first use, 8 JsVars for
      // good: after two rounds, a host checked and the REPL, none the clock can do without.
      dev.type(`for (var k in global) if (k == "RegExp" || k == "Number") print("CLASS " + k);print("LISTED")`);
      await dev.waitFor(/^LISTED/, 5000);
      assert.not.match(dev.out, /^CLASS /m, `${board}: ${dev.out.match(/^CLASS .*/gm)}`);
      console.log(`  ${board} on ${SIZE_OF[board]} memory: ${line.replace(/^.*(offset)/, "$1")}`);
    } finally {
      if (server) await server.stop();
      await dev.stop();
    }
  });
}

// The modem's UART is the interpreter's Serial1 on a pty (config serial.path); the simulated
// modem on the other end speaks the dialect and relays UDP to chronyd on this machine's
// loopback. The Linux build polls serial every 50 ms, so the bound is NTP's: delay/2.
const modemTest = guarded(FILE, deviceMissing() || peersMissing() || socatMissing());
for (const board of MODEM_BOARDS) {
  modemTest(name(board), async () => {
    const server = await startChronyd({ offset: SHIFT });
    const sim = new ModemSim({ dialect: board, names: { "time.test": "127.0.0.1" } });
    const pty = await ptyModem(sim);
    const dev = await Device.create(SIZE_OF[board]);
    try {
      const config = loadConfig(undefined, modemTestConfig(server.port, { startDelay: 1, serial: { port: "Serial1", baud: 115200, path: pty.device } }));
      await dev.upload({ image: await buildImage({ board, config }) });
      await dev.waitFor(new RegExp(`^clock: board ${board}, server `), 5000);
      const line = (await dev.waitFor(/^ntptime: .*/, 30000))[0];
      const { offset, delay } = figures(line);
      assert.ok(Math.abs(offset - SHIFT) <= delay / 2 + 0.002, `${board}: ${line}\n${dev.tail()}\nmodem saw:\n${sim.commands.join("\n")}`);
      const ahead = (await dev.eval<number>("getTime()")) - realtime();
      assert.ok(Math.abs(ahead - SHIFT) < 0.2, `${board}: the device clock is ${ahead} s ahead`);
      await repl(dev, "time.test:" + server.port, delay / 2 + 0.1, board);
      console.log(`  ${board} on ${SIZE_OF[board]} memory: ${line.replace(/^.*(offset)/, "$1")}`);
    } finally {
      await dev.stop();
      pty.stop();
      sim.dispose();
      await server.stop();
    }
  });
}

// Espruino 2v29's indexOf finds a needle that runs off the end ("+CME ERROR: not present"
// .indexOf("timeout") is 22): the modem's error answer must still be named at-error.
modemTest("quectel: an error answer ending in the start of 'timeout' is named at-error on the device", async () => {
  const server = await startChronyd({ offset: SHIFT });
  const sim = new ModemSim({ dialect: "quectel", names: { "time.test": "127.0.0.1" }, faults: { answer: { "AT+QISEND": ["+CME ERROR: not present"] } } });
  const pty = await ptyModem(sim);
  const dev = await Device.create("pico");
  try {
    const config = loadConfig(undefined, modemTestConfig(server.port, { startDelay: 1, serial: { port: "Serial1", baud: 115200, path: pty.device } }));
    await dev.upload({ image: await buildImage({ board: "quectel", config }) });
    const line = (await dev.waitFor(/^ntptime: .*/, 30000))[0];
    assert.match(line, /failed: at-error$/, line);
  } finally {
    await dev.stop();
    pty.stop();
    sim.dispose();
    await server.stop();
  }
});

test.run();
