// npm run footprint: memory as a product figure. Each board image and each feature config is
// uploaded with the espruino tool to the real Espruino 2v29 interpreter at its board's memory
// size, saved to flash (SAVE_ON_SEND=1) and power-cycled, as a user flashes it
// (test/helpers/device.ts); it syncs from chronyd every 15 s (the RFC 4330 floor). Printed:
// image bytes, JsVars in use after boot, after the first sync and after twenty rounds, the
// JsVars free then, the most in use during one more round (its parts loaded), or OUT
// OF MEMORY where it ran out. The reference line is Espruino's own sntp module
// (../shared/espruino/modules/sntp.js) with a one-query app, also from flash.
// Devices run side by side, each in its own network namespace: about 16 minutes (2026-12-05).
//   npm run footprint [-- --rounds N] [--only NAME[|NAME...]] [--entry APP.ts [--board NAME]]
import { cli } from "./cli.mjs";
import { buildImage, loadConfig } from "../build.mjs";
import { Chronyd, peersMissing, startChronyd } from "../test/helpers/chrony";
import { Device, Size, deviceMissing, realModule, sleep } from "../test/helpers/device";
import { PANELS, standIns } from "../test/helpers/stand-ins";
import { KEY, nullBus } from "../test/helpers/clock-device";
import { ChipType, RTC_FILE, rtcChip } from "../test/helpers/rtc-chip";
import { ModemSim, modemTestConfig, DialectName } from "../test/helpers/modem-sim";
import { ptyModem, ptyWriter, socatMissing } from "../test/helpers/pty";
import { sentences } from "../test/helpers/gps-sim";
import { realtime } from "../test/helpers/realtime";

const args = cli(
  "footprint",
  `npm run footprint [-- --rounds N] [--only NAME[|NAME...]] [--entry APP.ts [--board NAME]]
  --rounds  rounds before the "after N rounds" reading (20)
  --only    the rows whose names contain one of these (| between)
  --entry   a user's app built into the clock image, measured alone (on --board, esp8266 by default)`,
  { rounds: { type: "string", default: "20" }, only: { type: "string" }, entry: { type: "string" }, board: { type: "string" } },
);
const ROUNDS = +args.rounds!;
const ONLY = args.only;
/** a user's app: `npm run footprint -- --entry my-app.ts [--board esp8266]` measures it alone */
const ENTRY = args.entry;
/**
 * Every round 15 s apart, from start to start. startDelay 5: on the Linux build the MAC slot
 * is 2 s in, so "after boot" is read before the first exchange.
 */
const SCHEDULE = { console: false, startDelay: 5, poll: 15, maxPoll: 15, gap: 100 };

interface Row {
  name: string;
  board: string;
  size: Size;
  /** config overrides besides the server and the schedule */
  over?: Record<string, unknown>;
  /** servers beyond the first (all chronyd, one 30 s off) */
  more?: number;
  keyed?: boolean;
  display?: string;
  ram?: boolean;
  sntp?: boolean;
  /** the ntptime module (dist/ntptime.js) from a Storage file, with a one-settime() app */
  module?: boolean;
  /** an --entry app bundled into the image (examples/, or --entry FILE) */
  entry?: string;
  /** a battery-backed RTC of this type, emulated on I2C1 (test/helpers/rtc-chip.ts), written a minute before power-on */
  rtc?: ChipType;
  /** the gps-server app: NMEA from a simulated receiver on a pty, no PPS; its columns are after
   * boot, once serving stratum 1, and after a flood from 40 addresses has filled its client table */
  gps?: boolean;
}

const ESP = { wifi: { ssid: "lab", password: "secret" } };
const ROWS: Row[] = [
  { name: "esp8266, default", board: "esp8266", size: "esp8266", over: ESP },
  { name: "esp8266, default, sent to RAM (Web IDE)", board: "esp8266", size: "esp8266", over: ESP, ram: true },
  { name: "esp32, default", board: "esp32", size: "pico", over: ESP },
  { name: "w5500, default", board: "w5500", size: "pico", over: { w5500: { spi: "SPI1", mosi: "D15", miso: "D14", sck: "D13", cs: "D10" } } },
  { name: "quectel, default", board: "quectel", size: "pico" },
  { name: "sim800, default", board: "sim800", size: "pico" },
  { name: "espat, default", board: "espat", size: "pico" },
  { name: "linux, default", board: "linux", size: "linux" },
  { name: "esp8266, 3 servers", board: "esp8266", size: "esp8266", over: ESP, more: 2 },
  { name: "esp8266, DST zone", board: "esp8266", size: "esp8266", over: { ...ESP, tz: "CET-1CEST,M3.5.0,M10.5.0/3" } },
  { name: "esp8266, key", board: "esp8266", size: "esp8266", over: ESP, keyed: true },
  { name: "esp8266, Memory LCD", board: "esp8266", size: "esp8266", over: ESP, display: "memorylcd" },
  { name: "esp8266, SSD1306", board: "esp8266", size: "esp8266", over: ESP, display: "ssd1306" },
  { name: "esp8266, SSD1606", board: "esp8266", size: "esp8266", over: ESP, display: "ssd1606" },
  { name: "esp8266, Memory LCD + DST + 3 servers + key", board: "esp8266", size: "esp8266", over: { ...ESP, tz: "CET-1CEST,M3.5.0,M10.5.0/3" }, more: 2, keyed: true, display: "memorylcd" },
  { name: "esp8266, DS3231 RTC", board: "esp8266", size: "esp8266", over: ESP, rtc: "ds3231" },
  { name: "esp8266, Memory LCD + DST + 3 servers + key + DS3231 RTC", board: "esp8266", size: "esp8266", over: { ...ESP, tz: "CET-1CEST,M3.5.0,M10.5.0/3" }, more: 2, keyed: true, display: "memorylcd", rtc: "ds3231" },
  { name: "pico (w5500), Memory LCD + DST + 3 servers + key", board: "w5500", size: "pico", over: { tz: "CET-1CEST,M3.5.0,M10.5.0/3", w5500: { spi: "SPI2", mosi: "D15", miso: "D14", sck: "D13", cs: "D10" } }, more: 2, keyed: true, display: "memorylcd" },
  { name: "esp8266, gps-server (serving; then its 32-client table full)", board: "esp8266", size: "esp8266", over: ESP, gps: true },
  { name: "linux, gps-server (serving; then its 32-client table full)", board: "linux", size: "linux", gps: true },
  { name: "esp8266, examples/alarm-clock.ts (--entry)", board: "esp8266", size: "esp8266", over: { ...ESP, tz: "CET-1CEST,M3.5.0,M10.5.0/3" }, entry: "examples/alarm-clock.ts" },
  { name: "esp8266, examples/logger.ts (--entry)", board: "esp8266", size: "esp8266", over: ESP, entry: "examples/logger.ts" },
  { name: "ntptime module (require), one-settime() app", board: "module", size: "esp8266", module: true },
  { name: "Espruino sntp.js, one-query app (reference)", board: "sntp", size: "esp8266", sntp: true },
];

interface Figures {
  bytes: number;
  /** rounds seen, rounds that failed, the round in which memory ran out */
  failed: number;
  oomAt?: number;
  boot?: number;
  first?: number;
  rounds?: number;
  /** the most in use during one more round, read every 3 ms */
  peak?: number;
  /** JsVars of the Linux build's stand-ins for what a board has built in (Wifi, WIZnet), beyond a built-in's own */
  standIn?: number;
  done: number;
  total?: number;
  note: string;
}

/**
 * What the stand-ins in Storage for Wifi and WIZnet take (their exports, functions and scope:
 * the Wifi stand-in about 32 JsVars), less what a built-in library's entry takes, as Storage's
 * does (3): on the board those modules are firmware, so this share of "in use" is the Linux
 * build's, not the image's.
 */
const STAND_IN_SHARE = `(function(m){var n=0;["Wifi","WIZnet"].forEach(function(k){if(m[k])n+=E.getSizeOf(m[k])-E.getSizeOf(m.Storage);});return n;})(global["\\xFF"].modules)`;

// Memory run out: code interrupted. (Not "Not enough memory for result": a native's buffer of
// JsVars in a row refused, crypto.SHA1's, which the board's hash answers without interruption,
// boards/sha1-espruino.ts; counted apart.)
const OOM = /OUT OF MEMORY|Out of Memory/;
const REFUSED = /Not enough memory for result/g;

/** `text` after a row's note, "; " between. */
const addNote = (f: Figures, text: string) => (f.note = f.note ? f.note + "; " + text : text);

/** Espruino's sntp module asked once (and every 15 s for the rounds), its offset applied, as its documentation's example does. */
const sntpApp = (port: number) => `var sntp = require("sntp");
function ask() {
  sntp.time({ host: "127.0.0.1", port: ${port} }, function (err, time) {
    if (err) return print("ntptime: sntp failed " + err);
    setTime(getTime() + time.t / 1000);
    print("ntptime: sntp offset " + time.t / 1000);
  });
}
setTimeout(function () { ask(); setInterval(ask, 15000); }, 1000);
print("clock: sntp.js");
`;

/** The ntptime module's three lines (docs/module-and-apps.md), settime() again every 15 s for the rounds. */
const moduleApp = (port: number) => `var ntptime = require("ntptime");
ntptime.sethost("127.0.0.1:${port}");
function ask() { ntptime.settime(); }
setTimeout(function () { ask(); setInterval(ask, 15000); }, 1000);
print("clock: ntptime module");
`;

/** The gps-server app: a receiver sending 1 Hz NMEA on the interpreter's Serial1, ntpdig and a flood from the namespace. */
async function measureGps(row: Row): Promise<Figures> {
  const dev = await Device.create(row.size);
  const pty = await ptyWriter();
  const f: Figures = { bytes: 0, done: 0, failed: 0, note: "" };
  const ticker = setInterval(() => pty.send(sentences(Math.floor(realtime()), true, 8)), 1000);
  try {
    // the console stays on the serial REPL (an ESP8266 moves it to Telnet, where the GPS needs the UART)
    const config = loadConfig(undefined, { ...row.over, console: false, gps: { path: pty.device, pps: null, console: null } });
    const image = await buildImage({ board: row.board, app: "gps-server", config });
    f.bytes = Buffer.byteLength(image);
    await dev.upload({ image, storage: standIns(row.board) });
    await dev.waitFor(/^gps-server: /, 10000);
    await sleep(300);
    const m = await dev.memory();
    f.boot = m.usage;
    f.total = m.total;
    await dev.waitFor(/gps: GPS, serving stratum 1/, 20000);
    const dig = await dev.run(["ntpdig", "-j", "-t", "2", "127.0.0.1"], 10000);
    if (!/"stratum": *1\b/.test(dig)) f.note = "ntpdig saw no stratum 1: " + dig.replace(/\s+/g, " ").slice(0, 200);
    f.first = (await dev.memory()).usage;
    await dev.run([process.execPath, "--import", "./tools/ts-register.mjs", "test/helpers/flood.ts", "123", "40", "3", "200"], 15000);
    await sleep(1500);
    f.rounds = (await dev.memory()).usage;
    f.done = ROUNDS;
  } catch (e) {
    if (!OOM.test(dev.out)) f.note = "error: " + String((e as Error).message).split("\n")[0];
  } finally {
    if (OOM.test(dev.out) && !f.note) f.note = "OUT OF MEMORY";
    clearInterval(ticker);
    await dev.stop();
    pty.stop();
  }
  return f;
}

async function measure(row: Row): Promise<Figures> {
  if (row.gps) return measureGps(row);
  const dev = await Device.create(row.size);
  const servers: Chronyd[] = [];
  let sim: ModemSim | null = null;
  let pty: { stop(): void; device: string } | null = null;
  const f: Figures = { bytes: 0, done: 0, failed: 0, note: "" };
  try {
    const modem = ["quectel", "sim800", "espat"].includes(row.board);
    const wrap = modem ? undefined : dev.ns([]);
    servers.push(await startChronyd({ offset: 1.5, wrap, keys: row.keyed ? KEY : undefined }));
    for (let i = 0; i < (row.more || 0); i++) servers.push(await startChronyd({ offset: i ? 31.5 : 1.5, wrap, keys: row.keyed ? KEY : undefined }));
    const hosts = servers.map((s) => "127.0.0.1:" + s.port);
    let image: string;
    let storage: Record<string, string>;
    if (row.sntp) (storage = { sntp: realModule("sntp") }), (image = sntpApp(servers[0].port)), (f.bytes = Buffer.byteLength(storage.sntp));
    else if (row.module) {
      storage = { ntptime: await buildImage({ board: "linux", app: "module", config: loadConfig(undefined, { gap: SCHEDULE.gap }) }) };
      image = moduleApp(servers[0].port);
      f.bytes = Buffer.byteLength(storage.ntptime);
    } else {
      storage = standIns(row.board, row.display && PANELS[row.display].module);
      const bus = (row.display ? nullBus(PANELS[row.display].display) : "") + (row.rtc ? rtcChip() : "");
      if (bus) storage[".boot0"] = bus;
      if (row.rtc) storage[RTC_FILE] = JSON.stringify({ type: row.rtc, base: realtime() - 60, at: realtime() - 60, ppm: 0, stopped: false });
      let over: Record<string, unknown> = { ...SCHEDULE, ...row.over, host: hosts[0], servers: hosts.slice(1) };
      if (row.keyed) over = { ...over, key: 1, keys: [KEY] };
      if (row.display) over.display = PANELS[row.display].display;
      if (row.rtc) over.rtc = { type: row.rtc };
      if (modem) {
        sim = new ModemSim({ dialect: row.board as DialectName, names: { "time.test": "127.0.0.1" } });
        pty = await ptyModem(sim);
        over = { ...modemTestConfig(servers[0].port, { serial: { port: "Serial1", baud: 115200, path: pty.device } }), ...SCHEDULE };
      }
      image = await buildImage({ board: row.board, config: loadConfig(undefined, over), entry: row.entry });
    }
    // (the module rows count the module's bytes, the others the image's)
    f.bytes = f.bytes || Buffer.byteLength(image);
    const log = await dev.upload({ image, storage, save: !row.ram });
    if (row.ram) {
      f.note = OOM.test(log) ? "OUT OF MEMORY while the source is sent" : "fits in RAM";
      if (!OOM.test(log)) f.boot = (await dev.memory()).usage;
      return f;
    }
    // (with an RTC, once its time is read: the boot's wait for the chip's second is over)
    await dev.waitFor(row.rtc ? /^clock: (time from|the \w+ is not)/ : /^clock: /, 10000);
    await sleep(300);
    const m = await dev.memory();
    f.boot = m.usage;
    f.total = m.total;
    const round = async () => {
      await dev.waitFor(/^ntptime: .*/, 40000);
      f.done++;
      if (!f.oomAt && OOM.test(dev.out)) f.oomAt = f.done;
      if (/failed/.test(dev.out.split("\n").filter((l) => /ntptime: /.test(l)).pop() || "")) f.failed++;
    };
    await round();
    await sleep(300);
    f.first = (await dev.memory()).usage;
    while (f.done < ROUNDS) await round();
    await sleep(300);
    f.rounds = (await dev.memory()).usage;
    // (the emulated RTC: its state and code hang from I2C1, a bare object on a board)
    f.standIn = (await dev.eval<number>(STAND_IN_SHARE)) + (row.rtc ? (await dev.eval<number>("E.getSizeOf(I2C1)")) - 1 : 0);
    // One more round: the most in use while it runs, its parts included (Device.peakDuring).
    // Read last.
    f.peak = await dev.peakDuring(() => round().then(() => sleep(300)));
  } catch (e) {
    if (!OOM.test(dev.out)) f.note = "error: " + String((e as Error).message).split("\n")[0];
  } finally {
    if (OOM.test(dev.out) && !f.note)
      f.note = "OUT OF MEMORY " + (f.boot == null ? "at boot" : f.first == null ? "before the first sync" : `in round ${f.oomAt || f.done}`);
    const refused = (dev.out.match(REFUSED) || []).length;
    if (refused) addNote(f, `crypto.SHA1's result refused ${refused} time${refused > 1 ? "s" : ""}`);
    if (f.failed) addNote(f, `${f.failed} of ${f.done} rounds failed`);
    await dev.stop();
    for (const s of servers) await s.stop();
    pty?.stop();
    sim?.dispose();
  }
  return f;
}

const why = deviceMissing() || peersMissing() || socatMissing();
if (why) {
  console.error(`footprint: ${why}`);
  process.exit(1);
}
const board = args.board || "esp8266";
const rows = ENTRY
  ? [{ name: `${board}, ${ENTRY} (--entry)`, board, size: board == "linux" ? "linux" : board == "esp8266" ? "esp8266" : "pico", over: board == "esp8266" || board == "esp32" ? ESP : {}, entry: ENTRY } as Row]
  : ONLY ? ROWS.filter((r) => ONLY.split("|").some((o) => r.name.includes(o))) : ROWS;
const started = Date.now();
console.log(`footprint: ${rows.length} configs, booted from flash, ${ROUNDS} rounds 15 s apart; ${new Date().toISOString()}`);
// side by side, in waves: two cores, and every device sleeps between rounds
const results: Figures[] = [];
const WAVE = 10;
for (let i = 0; i < rows.length; i += WAVE) {
  const wave = rows.slice(i, i + WAVE);
  const got = await Promise.all(wave.map((r, k) => sleep(k * 700).then(() => measure(r))));
  results.push(...got);
}
const cell = (n: number | undefined) => (n == null ? "" : String(n));
console.log("");
console.log("| image and config | memory | bytes | JsVars after boot | after first sync | after " + ROUNDS + " rounds | free then | most during a round | of which stand-ins | note |");
console.log("|---|---|---|---|---|---|---|---|---|---|");
rows.forEach((r, i) => {
  const f = results[i];
  const total = f.total || (r.size == "esp8266" ? 1600 : r.size == "pico" ? 5100 : 0);
  const free = f.rounds != null && total ? total - f.rounds : undefined;
  const mem = r.size == "esp8266" ? "ESP8266 (1600)" : r.size == "pico" ? "Pico (5100)" : "64-bit";
  const note = f.note || (f.done < ROUNDS && !r.ram ? `${f.done} rounds` : "");
  console.log(`| ${r.name} | ${mem} | ${f.bytes} | ${cell(f.boot)} | ${cell(f.first)} | ${cell(f.rounds)} | ${cell(free)} | ${cell(f.peak)} | ${cell(f.standIn)} | ${note} |`);
});
console.log(`\nfootprint: ${((Date.now() - started) / 1000).toFixed(0)} s`);
