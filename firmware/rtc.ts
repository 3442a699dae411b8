// The battery-backed real-time clock (CONFIG.rtc), in a part of its own (firmware/parts/rtc.ts): read at power-on before the network, the device clock
// set from it to the chip's second; written at the top of a second after a sync that moved
// the clock, its drift measured between writes. Its registers: lib/rtc.ts. Only an image
// whose config has `rtc` carries this file.
import { DS3231_STATUS, PCF8563_CONTROL, PCF8563_STOP, RTC_ADDRESS, RTC_PHASE, RTC_READ, RTC_SECONDS, clearOsf, readRtc, rtcTime } from "../lib/rtc";
import { Resident } from "./state";
import { Fault, fault, recovered } from "./faults";
import { free, jump } from "../lib/discipline";

/** What the RTC's part offers (firmware/parts/rtc.ts). @internal */
export interface RtcPart {
  boot(r: Resident): void;
  toChip(r: Resident): void;
}

/** Seconds the boot waits at most for the chip's next second: its seconds register changing. */
const ALIGN = 1.1;
/** Seconds past its moment at which a write is not made (the 5 ms): the next second's instead, a second's wait at most. */
const LATE = 0.004;
/**
 * Seconds between two writes over which the chip's drift is measured: its tick is found to
 * about a millisecond (a read of its seconds at 100-400 kHz), so a day between writes
 * (the usual) resolves 0.01 ppm, and this shortest one 17 ppm.
 */
const DRIFT_AFTER = 60;

/** The chip's I2C port, set up at each use: a panel may share it (build/config.mjs rtcConfig gives both one wiring). */
function bus(): any {
  const i2c = global[CONFIG.rtc!.i2c!];
  i2c.setup({ scl: global[CONFIG.rtc!.scl!], sda: global[CONFIG.rtc!.sda!], bitrate: CONFIG.rtc!.bitrate });
  return i2c;
}

/**
 * `n` registers from `from`. Espruino throws when the chip does not answer (no ACK): never
 * called inside another function's arguments, where Espruino 2v29 would keep that function's
 * scope, and this part's code with it, for good (boards/espruino.ts dgramNet; measured: a
 * failing bus held 418 JsVars).
 */
function regs(i2c: any, from: number, n: number): Uint8Array {
  i2c.writeTo(RTC_ADDRESS[CONFIG.rtc!.type], from);
  return i2c.readFrom(RTC_ADDRESS[CONFIG.rtc!.type], n);
}

/**
 * The chip's time and the device clock at which its seconds last changed, waiting at most
 * ALIGN for the change; or why not ("stopped": its seconds never moved, or lib/rtc.ts
 * readRtc's reasons).
 */
function tickOf(r: Resident, i2c: any): number[] | string {
  const dev = r.dev;
  const was = regs(i2c, RTC_SECONDS[CONFIG.rtc!.type], 1)[0];
  const until = dev.clock() + ALIGN;
  let at = 0;
  let before = dev.clock();
  // The change came between the read before and this one: the middle of the two is its time,
  // to half a read (about 0.15 ms at 100 kHz).
  while (!at && before < until) {
    const read = regs(i2c, RTC_SECONDS[CONFIG.rtc!.type], 1)[0];
    const after = dev.clock();
    if (read != was) at = (before + after) / 2;
    before = after;
  }
  if (!at) return "stopped";
  const b = regs(i2c, 0, RTC_READ[CONFIG.rtc!.type]);
  const t = readRtc(CONFIG.rtc!.type, b);
  return typeof t == "number" ? [t, at] : t;
}

/**
 * At power-on, before the network: the device clock set from the chip if it can be trusted
 * (its oscillator never stopped, its time valid and after the build date), at the top of the
 * chip's second. The face then says `rtc` until the first good sync. Not trusted: said once,
 * and left for that sync, which writes it.
 */
export function rtcBoot(r: Resident) {
  let why: string;
  try {
    const i2c = bus();
    const b = regs(i2c, 0, RTC_READ[CONFIG.rtc!.type]);
    const t = readRtc(CONFIG.rtc!.type, b);
    why = typeof t == "string" ? t : t < CONFIG.pivot ? "before the build date" : "";
    const tick = why ? why : tickOf(r, i2c);
    if (typeof tick == "string") why = tick;
    else {
      // the chip's time now: its second, and the time since it began
      const offset = tick[0] - tick[1];
      jump(r.disc, r, offset);
      r.fromRtc = 1;
      r.dev.log("clock: time from the " + CONFIG.rtc!.type + ", " + new Date(r.dev.clock() * 1000).toISOString() + ", until the first sync");
      return;
    }
  } catch (e) {
    why = "no answer on " + CONFIG.rtc!.i2c;
    fault(r, Fault.Rtc, why);
  }
  r.dev.log("clock: the " + CONFIG.rtc!.type + " is not trusted (" + why + "); the time waits for the first sync");
}

/**
 * Whether the chip is to be written after a good sync (firmware/round-end.ts): the sync
 * stepped, the clock moved more than 0.5 s since the last write, or a day went by.
 */
export function rtcDue(r: Resident, applied: string) {
  const made = r.dev.clock() - free(r.disc, r);
  if (applied == "step" || !r.rtcAt || Math.abs(made - r.rtcMade!) > 0.5 || r.dev.clock() - r.rtcAt > 86400) r.rtcDue = 1;
}

/**
 * The chip written, called by the resident tick's timer shortly before the moment of the
 * second it needs (lib/rtc.ts RTC_PHASE): the DS chips at the top of a second (their
 * countdown restarts on the seconds register's write), the PCF8563 stopped, written and
 * released into the second. First, when it was written before (DRIFT_AFTER or more ago),
 * its drift since then: its tick against the disciplined clock, whose second it was written
 * to start with; the write at the next second's moment. A bus that fails is a fault, and the
 * write is tried again after the next good sync.
 */
export function rtcWrite(r: Resident) {
  const dev = r.dev;
  try {
    const i2c = bus();
    if (r.rtcDue == 1 && r.rtcAt && dev.clock() - r.rtcAt > DRIFT_AFTER) {
      const tick = tickOf(r, i2c);
      // (its second began at tick[1] on the device clock: the chip is ahead by the difference)
      if (typeof tick != "string") r.rtcPpm = ((tick[0] - tick[1]) / (tick[1] - r.rtcAt)) * 1e6;
      // the write at the next second's moment
      r.rtcDue = 2;
      return;
    }
    const pcf = CONFIG.rtc!.type == "pcf8563";
    const address = RTC_ADDRESS[CONFIG.rtc!.type];
    const phase = RTC_PHASE[CONFIG.rtc!.type];
    let top = Math.round(dev.clock() - phase);
    // (the bytes made before the moment: the calendar takes milliseconds on a board)
    let time = rtcTime(CONFIG.rtc!.type, top);
    // (the PCF8563 stopped first: it does not count while its time is written, until released)
    if (pcf) i2c.writeTo(address, [PCF8563_CONTROL, PCF8563_STOP]);
    // a moment already past (a timer that fired late, a slow bus): the next second's
    if (dev.clock() > top + phase + LATE) time = rtcTime(CONFIG.rtc!.type, ++top);
    if (pcf) i2c.writeTo(address, time);
    while (dev.clock() < top + phase) {}
    i2c.writeTo(address, pcf ? [PCF8563_CONTROL, 0] : time);
    // (the DS3231's stop flag is a register of its own; the others' went with the seconds)
    if (CONFIG.rtc!.type == "ds3231") {
      const status = regs(i2c, DS3231_STATUS, 1)[0];
      i2c.writeTo(address, clearOsf(status));
    }
    r.rtcAt = top;
    r.rtcMade = dev.clock() - free(r.disc, r);
    delete r.rtcDue;
    recovered(r, true);
  } catch (e) {
    // (the chip's state unknown: written after the next good sync, its drift measured afresh)
    delete r.rtcDue;
    delete r.rtcAt;
    fault(r, Fault.Rtc, "the " + CONFIG.rtc!.type + " did not answer on " + CONFIG.rtc!.i2c + ", written after the next sync");
  }
}
