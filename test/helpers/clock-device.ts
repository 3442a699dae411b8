// A clock image on the real interpreter at a board's memory size, booted from flash, against
// chronyd in its network namespace, with the means to hurt it: memory squeezed to near
// nothing and given back, the Wi-Fi stand-in made to refuse names, Storage filled. Used by
// the supervisor's device tests (test/device/supervise.test.ts) and the fault soak (tools/soak.ts).
import { buildImage, configDefines, loadConfig } from "../../build.mjs";
import { Chronyd, freePort, startChronyd } from "./chrony";
import { Device, Size, realModule, sleep } from "./device";
import { IS_ADDRESS, PANELS } from "./stand-ins";

/** The key the keyed configs and chronyds share (chrony's key file line). */
export const KEY = "1 SHA1 HEX:6B3D2A1F0C9E8D7B6A5F4E3D2C1B0A9F8E7D6C5B";
/**
 * The panel's bus in .boot0: the Linux build has no SPI or I2C device behind its ports (an SPI
 * port's setup wants a spidev path, and its writes toggle the pins one bit at a time, seconds
 * of the interpreter's time a frame). Only the panel's own port is stood in for, and only
 * what the panel's module calls: each function or field given to a port here is JsVars the
 * board's built-in port does not take (an I2C port touched at all puts its class in the
 * global scope, 8 JsVars).
 */
export const nullBus = (display: Record<string, unknown>) =>
  display.spi ? `${display.spi}.setup=${display.spi}.send=${display.spi}.write=function(){};` : display.i2c ? `${display.i2c}.setup=${display.i2c}.writeTo=function(){};` : "";

/**
 * ESP8266 Wi-Fi whose resolver can be taken away: while global.NETDOWN is set, every name
 * (an address too) goes unresolved, as when the access point is gone; global.ONDNS(ip) may
 * change an answer (BAD_DNS), worked out before the callback is called, as the built-in's C
 * code does (called in its arguments, a moment without memory inside ONDNS would keep the
 * callback's scope: test/device/supervise.test.ts, the interpreter's behaviour). Small: a module's
 * code takes JsVars on the device; and no RegExp, whose class the built-in Wifi never puts in
 * the global scope (8 JsVars, for good).
 */
export const FAULTY_WIFI = `exports.connect = function (ssid, opts, cb) { setTimeout(function () { cb(null); }, 20); };
exports.getHostByName = function (name, cb) {
  var ip = global.NETDOWN ? undefined : ${IS_ADDRESS} ? name : name == "localhost" ? "127.0.0.1" : undefined;
  setTimeout(function () { var a = global.ONDNS ? ONDNS(ip) : ip; cb(a); }, 5);
};
`;

/**
 * Faults typed at the device's console, each a line of its own (typed code takes JsVars):
 * memory taken until `left` are free and given back after `ms`, from `at` ms on; Storage
 * filled, and freed.
 */
export const squeeze = (left: number, ms: number, at = 0) =>
  `setTimeout(function(){global.HOG=[];while(process.memory(false).free>${left})HOG.push("xxxxxxxxx"+HOG.length);setTimeout(function(){delete global.HOG;},${ms});},${at})`;
/**
 * The next name's answer is garbage that throws when read (a driver's bug): the exchange's
 * callback dies after it has disarmed its timer, and the round stalls. (It throws a string:
 * Error's first use would put its class in the global scope, memory a soak would count.)
 */
export const BAD_DNS = `global.ONDNS=function(){delete global.ONDNS;return {toString:function(){throw "driver bug";}};}`;
export const FILL = `(function(){var S=require("Storage");for(var i=0;i<300&&S.getFree()>40;i++)if(!S.write("fill"+i,"x",0,Math.max(1,Math.min(S.getFree()-36,4000))))break;})()`;
export const EMPTY = `require("Storage").list().forEach(function(f){if(f.slice(0,4)=="fill")require("Storage").erase(f);})`;

export interface Clock {
  dev: Device;
  servers: Chronyd[];
  /** with `relay`: how every server answers from now on (test/helpers/fault-relay.ts), once in effect */
  answer?(mode: "pass" | "silent" | "garbage" | "empty" | `kod ${string}`): Promise<void>;
  /** seconds a step of a round may take before the supervisor calls it stalled (CONFIG.stall) */
  stall: number;
  /** seconds the servers run ahead of this machine (ClockOptions.ahead) */
  ahead: number;
  stop(): Promise<void>;
}

/** startClock's means besides the config: the device's life in seconds (Device.create), and a fault relay (seeded) before the servers. */
export interface ClockOptions {
  size?: Size;
  life?: number;
  relay?: { seed: number };
  /** code run before the image at every boot (Storage's .boot0): a stand-in of the test's */
  boot0?: string;
  /**
   * seconds the servers run ahead of this machine, 1.5 by default: a device synced to them
   * ticks at its second's top, so devices side by side given different fractions tick at
   * different moments (tools/soak.ts)
   */
  ahead?: number;
}

/** Configs a clock runs in: the default, and the fullest that fits an ESP8266. */
export const CONFIGS = {
  default: {},
  full: { tz: "CET-1CEST,M3.5.0,M10.5.0/3", display: PANELS.memorylcd.display, key: 1, keys: [KEY], more: 2 },
  /** the fullest without the key: with it, a settime() typed at the REPL runs out of memory in its exchange, before the supervisor as after */
  panel: { tz: "CET-1CEST,M3.5.0,M10.5.0/3", display: PANELS.memorylcd.display, more: 2 },
};

/**
 * The esp8266 image of `over` (plus `more` chronyds besides the first, all `ahead`) on the
 * interpreter of `size`, uploaded with the espruino tool and booted from flash, syncing every
 * 15 s; resolved once it has synced. With `relay`, the device asks the servers through
 * test/helpers/fault-relay.ts, which can be made to answer badly.
 */
export async function startClock(over: Record<string, any> = {}, opts: ClockOptions = {}): Promise<Clock> {
  const dev = await Device.create(opts.size || "esp8266", opts.life);
  const servers: Chronyd[] = [];
  const stop = async () => {
    await dev.stop();
    for (const s of servers) await s.stop();
  };
  try {
    const { more = 0, ...config } = over;
    const keys = config.keys ? KEY : undefined;
    const ahead = opts.ahead ?? 1.5;
    for (let i = 0; i <= more; i++) servers.push(await startChronyd({ offset: ahead, wrap: dev.ns([]), keys }));
    let ports = servers.map((s) => s.port);
    let answer: Clock["answer"];
    if (opts.relay) {
      const fronts = await Promise.all(servers.map(() => freePort()));
      const relay = await dev.startScript(["test/helpers/fault-relay.ts", String(opts.relay.seed), ...fronts.map((f, i) => f + ":" + ports[i])]);
      ports = fronts;
      answer = async (mode) => {
        const was = relay.out.length;
        relay.stdin!.write(mode + "\n");
        for (let i = 0; i < 100 && relay.out.indexOf("ok " + mode, was) < 0; i++) await sleep(20);
        if (relay.out.indexOf("ok " + mode, was) < 0) throw new Error("the fault relay did not take " + mode + ": " + relay.out.slice(-500));
      };
    }
    const hosts = ports.map((p) => "127.0.0.1:" + p);
    const built = loadConfig(undefined, { console: false, startDelay: 5, poll: 15, maxPoll: 15, gap: 100, wifi: { ssid: "lab" }, host: hosts[0], servers: hosts.slice(1), ...config });
    const image = await buildImage({ board: "esp8266", config: built });
    const storage: Record<string, string> = { Wifi: FAULTY_WIFI };
    if (config.display) {
      storage.MemoryLCD = realModule("MemoryLCD");
      const bus = nullBus(config.display);
      if (bus) storage[".boot0"] = bus;
    }
    if (opts.boot0) storage[".boot0"] = (storage[".boot0"] || "") + opts.boot0;
    await dev.upload({ image, storage });
    await dev.waitFor(/^ntptime: .*offset/, 60000);
    return { dev, servers, answer, stall: +configDefines(built, "esp8266")["CONFIG.stall"], ahead, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Seconds until the schedule's next round, by the device's own account. */
export const nextIn = (dev: Device) => dev.eval<number>("ntptime.status().next-getTime()");

/** A good sync's line, "ntptime: ... offset 1.500012 s ...". */
export const GOOD = /^ntptime: (?!.*failed).*offset (-?[\d.]+) s/;
export const OOM = /OUT OF MEMORY|Not enough memory/;

/**
 * The device clock's error against this machine's less `ahead` (the servers' shift), read at
 * the console: the answer is bracketed by the request's sending and the answer's arrival, so
 * it is good to `within` seconds (half the round trip: the interpreter under qemu is slow).
 */
export async function clockError(dev: Device, ahead = 1.5) {
  // (Date.now(), the time of day the interpreter and chronyd read: its 1 ms step is small
  // against the console's round trip, and it follows this machine's time service as they do)
  const t0 = Date.now() / 1000;
  const d = await dev.eval<number>("getTime()");
  const t1 = Date.now() / 1000;
  return { error: d - (t0 + t1) / 2 - ahead, within: (t1 - t0) / 2 };
}
