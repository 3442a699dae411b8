// The image's per-use code for boot, the schedule and the REPL (build/bundle.mjs PER_USE: the exchange
// with a server, a round's end and the battery-backed RTC are parts of their own,
// firmware/exchange.ts, firmware/decision.ts and firmware/rtc-use.ts): the saved record's checks,
// the console's first line, the network brought up, a round begun, the leap second stepped, the
// REPL's methods and status(). Its functions are made when it is loaded and are garbage when the
// call ends, so between uses they take no memory; their code stays in flash. The build wraps this
// file in loadTransient() and hands back TRANSIENT; it works on the resident state
// (firmware/clock.ts), passed in.
import { Transient, boot, replCall, due, leapNow, start } from "./schedule";
import { ring } from "./alarms";

declare let TRANSIENT: Transient;

TRANSIENT = {
  start: start,
  boot: boot,
  due: due,
  leapNow: leapNow,
  replCall: replCall,
};
if (CONFIG.alarms) TRANSIENT.ring = ring;
