// Battery-backed real-time clock chips on I2C: their time registers read into Unix seconds
// and written from them, and whether the time read can be trusted. Pure: the board's I2C
// moves the bytes (firmware/rtc.ts). All three count BCD seconds to years in 24-hour mode;
// a year 00-99 is 2000-2099 (the DS1307 has no century bit, and the others' flips at 99 -> 00).
import { civil, daysFromCivil } from "./calendar";

export type RtcType = "ds3231" | "ds1307" | "pcf8563";

/** 7-bit I2C addresses: DS3231 and DS1307 1101000 (their datasheets' "Slave address"), PCF8563 1010001 (A2h/A3h). */
export const RTC_ADDRESS: Record<RtcType, number> = { ds3231: 0x68, ds1307: 0x68, pcf8563: 0x51 };

/**
 * Bytes read from register 00h, enough for the time and the chip's stop flag:
 * DS3231 00h-0Fh (the status register 0Fh last), DS1307 00h-06h, PCF8563 00h-08h
 * (Control_status_1 first, the time from 02h).
 */
export const RTC_READ: Record<RtcType, number> = { ds3231: 16, ds1307: 7, pcf8563: 9 };

/** The seconds register: DS3231/DS1307 00h, PCF8563 02h (VL_seconds). */
export const RTC_SECONDS: Record<RtcType, number> = { ds3231: 0, ds1307: 0, pcf8563: 2 };

/** DS3231 status register (0Fh); its bit 7 OSF: the oscillator stopped since the flag was last cleared (power-on sets it). */
export const DS3231_STATUS = 0x0f;
const OSF = 0x80;
/**
 * Bit 7 of the seconds register: the DS1307's CH (clock halt, set at its first power-on: the
 * oscillator is off) and the PCF8563's VL (its supply fell too low: integrity not guaranteed).
 * Written 0 with the time.
 */
const HALT = 0x80;
/** DS3231/DS1307 hours register bit 6: 12-hour mode (bit 5 then PM). Written 0: 24-hour. */
const H12 = 0x40;
/** PCF8563 Control_status_1 (00h) bit 5 STOP: the prescaler F2-F14 held in reset, no 1 Hz ticks (datasheet 8.10). */
export const PCF8563_CONTROL = 0;
export const PCF8563_STOP = 0x20;
/**
 * The moment in a second at which a write makes the chip's seconds start with the device's:
 * the DS3231 and DS1307 restart their countdown chain when the seconds register is written,
 * so at the top of a second; the PCF8563's first 1 Hz tick comes 0.507813-0.507935 s after
 * its STOP is released (the prescaler's lower stages run on; datasheet 8.10, the STOP bit
 * release timing), so 0.492 s into the second, its time written while it is stopped.
 */
export const PCF8563_PHASE = 0.492126; // 1 - 0.507874, the middle of the datasheet's range
export const RTC_PHASE: Record<RtcType, number> = { ds3231: 0, ds1307: 0, pcf8563: PCF8563_PHASE };

const bcd = (b: number) => (b >> 4) * 10 + (b & 15);
const toBcd = (n: number) => ((n / 10) << 4) | n % 10;
/** A BCD byte under `mask` with digits 0-9 and a value in [lo, hi], or NaN. */
function field(b: number, mask: number, lo: number, hi: number): number {
  const v = b & mask;
  const n = bcd(v);
  return (v & 15) > 9 || n < lo || n > hi ? NaN : n;
}

/**
 * The chip's time as Unix seconds, from RTC_READ bytes read from register 00h; or why it is
 * not to be trusted: "stopped" (DS3231 OSF, DS1307 CH, PCF8563 VL or STOP) or "invalid"
 * (a field out of its range: a chip never set, or a bus that read rubbish). Whether it is
 * after the build date is the caller's check.
 */
export function readRtc(type: RtcType, b: ArrayLike<number>): number | string {
  const s = RTC_SECONDS[type];
  if (type == "ds3231" ? b[DS3231_STATUS] & OSF : b[s] & HALT || (type == "pcf8563" && b[PCF8563_CONTROL] & PCF8563_STOP)) return "stopped";
  const h = b[s + 2];
  // DS3231/DS1307 in 12-hour mode (another program set it): 12 AM is hour 0
  const hour = type != "pcf8563" && h & H12 ? (field(h, 0x1f, 1, 12) % 12) + (h & 0x20 ? 12 : 0) : field(h, 0x3f, 0, 23);
  // (day of the month and weekday change places on the PCF8563; the weekday is not read)
  const day = field(b[s + (type == "pcf8563" ? 3 : 4)], 0x3f, 1, 31);
  const month = field(b[s + 5], 0x1f, 1, 12);
  const year = field(b[s + 6], 0xff, 0, 99);
  const t = ((daysFromCivil(2000 + year, month, day) * 24 + hour) * 60 + field(b[s + 1], 0x7f, 0, 59)) * 60 + field(b[s], 0x7f, 0, 59);
  // (a 31st in a 30-day month rolls into the next: the chip would not count to it)
  return t == t && civil(t)[2] == day ? t : "invalid";
}

/**
 * What to write for whole Unix second `t` (2000-2099): the seconds register's address, then
 * seconds to years, 24-hour mode and the seconds' flag bit (CH, VL) cleared. The weekday is
 * 1-7 from Monday on the DS chips, 0-6 from Sunday on the PCF8563 (as Linux's drivers count).
 */
export function rtcTime(type: RtcType, t: number): number[] {
  const c = civil(t);
  const day = toBcd(c[2]);
  const pcf = type == "pcf8563";
  // (c[6]: 0 is Monday)
  const wday = pcf ? (c[6] + 1) % 7 : c[6] + 1;
  return [RTC_SECONDS[type], toBcd(c[5]), toBcd(c[4]), toBcd(c[3]), pcf ? day : wday, pcf ? wday : day, toBcd(c[1]), toBcd(c[0] % 100)];
}

/** The DS3231's status register with OSF cleared and its other bits (EN32kHz, alarm flags) as read: the bytes to write. */
export const clearOsf = (status: number) => [DS3231_STATUS, status & ~OSF];
