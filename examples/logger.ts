// A data logger: once the clock is synced, a reading every minute with its local time, and
// every sync's offset, appended to a Storage file (log.txt), the oldest half dropped when
// it grows past MAX bytes. dumpLog() at the REPL prints it.
//   npm run flash -- --board esp8266 --port /dev/ttyUSB0 --config my.json --entry examples/logger.ts
import { ntptime, Outcome } from "ntptime";

const FILE = "log.txt";
const EVERY = 60;
const MAX = 4000;
const store = require("Storage");

const two = (n: number) => (n < 10 ? "0" : "") + n;
/** "2027-03-29 06:45:00+02:00": local time with its offset, from the synced clock */
function stamp() {
  const now = getTime();
  const l = ntptime.localtime(now);
  // (the device's Date follows the zone the clock set: E.setTimeZone, E.setDST)
  const off = -new Date(now * 1000).getTimezoneOffset();
  const a = Math.abs(off);
  return l[0] + "-" + two(l[1]) + "-" + two(l[2]) + " " + two(l[3]) + ":" + two(l[4]) + ":" + two(l[5]) + (off < 0 ? "-" : "+") + two((a / 60) | 0) + ":" + two(a % 60);
}

function log(text: string) {
  const old = store.read(FILE) || "";
  const kept = old.length > MAX ? old.slice(old.indexOf("\n", old.length >> 1) + 1) : old;
  store.write(FILE, kept + stamp() + " " + text + "\n");
}

/** the chip's temperature where it has a sensor (NaN on the Linux build), and the JsVars in use */
function reading() {
  return "temp " + E.getTemperature().toFixed(1) + " mem " + process.memory().usage;
}

let started = false;
ntptime.on("sync", (r: Outcome) => {
  log("sync " + r.server + " offset " + r.offset!.toFixed(4));
  if (started) return;
  started = true;
  log(reading());
  setInterval(() => log(reading()), EVERY * 1000);
});
global.dumpLog = () => print(store.read(FILE) || "(empty)");
print("logger: logging to " + FILE + " every " + EVERY + " s once synced");
