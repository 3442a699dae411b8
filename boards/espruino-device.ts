// The Device every Espruino board shares: the clock images' (each board's file completes the
// device with its network) and the module's REPL part. Apart from boards/espruino.ts, whose
// network and Env the module's exchange takes without these, and from the clock images'
// Storage and boot hook (boards/espruino-boot.ts), which the module has no use for (esbuild
// keeps an object whose making calls the interpreter, getSerial() here, in every bundle that
// imports its file: require("Storage") here kept Storage among the module's modules for good).
import { Device } from "../lib/ntptime";
import { espruinoEnv } from "./espruino";

/**
 * The Device every Espruino board shares; only the network differs between boards, and each
 * board's file sets its own (`espruinoDevice.net = ...`) as it makes its board. An object, not
 * a function that makes one: a function of the image stays in memory for good, and the
 * closures it makes carry its scope as well (11 JsVars more, measured on the ESP8266 build).
 * The interpreter's own functions where they fit as they are: a stored built-in takes a
 * JsVar, a function of ours several.
 */
export const espruinoDevice: Device = Object.assign(espruinoEnv, {
  setNow: setTime,
  interval: setInterval,
  log: print,
  setZone: E.setTimeZone,
  setDst: E.setDST,
  // Date's local fields follow E.setTimeZone and E.setDST (device-features.test.ts checks every
  // hour of a year against lib/tz.ts): the zone's rules and the calendar stay out of memory.
  local: (t: number) => {
    const d = new Date(t * 1000);
    return [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), (d.getDay() + 6) % 7, -d.getTimezoneOffset()];
  },
  // getSerial(): the MAC on ESP8266/ESP32 ("5ccf7f0a-1b2c"), the chip id on STM32: its last
  // three bytes, the part of a MAC that counts up across a production batch.
  id: parseInt(getSerial().split("-").join("").slice(-6), 16) || 0,
});
