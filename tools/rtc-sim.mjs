// `npm start -- --rtc`: a DS3231 on the simulated device's I2C1, preloaded into the host
// image's process (node --import) as the board's wiring would supply the chip. It keeps its
// time in a file (NTPTIME_RTC_CHIP) as the chip keeps it on its coin cell, so that killing
// the process is a power cut it survives. A chip with no file yet has never been set: its
// oscillator-stop flag (OSF) is up and its time is 2000-01-01. It runs NTPTIME_RTC_PPM fast
// (default 2 ppm) against this machine's clock, which stands for true time. The registers are
// the datasheet's (Maxim DS3231, "Timekeeping Registers"): seconds to year in BCD at 0x00-0x06,
// control 0x0E, status 0x0F with OSF in bit 7; a write to them restarts the chip's second.
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const file = process.env.NTPTIME_RTC_CHIP;
if (!file) throw new Error("rtc-sim: NTPTIME_RTC_CHIP names no file");
const ppm = Number(process.env.NTPTIME_RTC_PPM || 2);
const ADDRESS = 0x68;
const STATUS = 0x0f;
const OSF = 0x80;

/** the chip: its time `base` (Unix seconds) at machine time `at`, and its stop flag */
const chip = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : { base: Date.UTC(2000, 0, 1) / 1000, at: Date.now() / 1000, stopped: true };
const keep = () => writeFileSync(file, JSON.stringify(chip));
keep();
const time = () => chip.base + (Date.now() / 1000 - chip.at) * (1 + ppm * 1e-6);
const bcd = (n) => Math.floor(n / 10) * 16 + (n % 10);
const dec = (b) => (b >> 4) * 10 + (b & 15);

/** Registers 0x00-0x12 as the chip has them now. */
function registers() {
  const d = new Date(Math.floor(time()) * 1000);
  const r = new Array(0x13).fill(0);
  r.splice(0, 7, bcd(d.getUTCSeconds()), bcd(d.getUTCMinutes()), bcd(d.getUTCHours()), d.getUTCDay() + 1, bcd(d.getUTCDate()), bcd(d.getUTCMonth() + 1), bcd(d.getUTCFullYear() - 2000));
  // (control: the oscillator on, the square wave off, as after power-on)
  r[0x0e] = 0x1c;
  r[STATUS] = (chip.stopped ? OSF : 0) | 0x08;
  return r;
}

let pointer = 0;
globalThis.I2C1 = {
  setup() {},
  writeTo(address, ...data) {
    if (address != ADDRESS) throw new Error("I2C: no ACK from 0x" + address.toString(16));
    const bytes = data.flatMap((x) => (typeof x == "number" ? [x] : Array.from(x)));
    pointer = bytes[0];
    if (bytes.length < 2) return;
    const r = registers();
    let timeWritten = false;
    for (const b of bytes.slice(1)) {
      if (pointer < 7) timeWritten = true;
      if (pointer == STATUS && !(b & OSF)) chip.stopped = false;
      r[pointer++] = b;
    }
    if (timeWritten) {
      chip.base = Date.UTC(2000 + dec(r[6]), dec(r[5] & 0x1f) - 1, dec(r[4]), dec(r[2] & 0x3f), dec(r[1]), dec(r[0] & 0x7f)) / 1000;
      chip.at = Date.now() / 1000;
      chip.written = chip.at;
    }
    keep();
  },
  readFrom(address, n) {
    if (address != ADDRESS) throw new Error("I2C: no ACK from 0x" + address.toString(16));
    const r = registers();
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = r[pointer++ % r.length];
    return out;
  },
};
