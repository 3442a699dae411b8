// The image's per-use code for boot, the schedule and the REPL (build.mjs PER_USE: the
// exchange with a server and a round's end are parts of their own, firmware/exchange.ts and
// firmware/decision.ts): the saved record's checks, the console's first line, the network
// brought up, a round begun, the leap second stepped, the REPL's methods and status(). Its
// functions are made when it is loaded and are garbage when the call ends, so between uses
// they take no memory; their code stays in flash. The build wraps this file in
// loadTransient() and hands back TRANSIENT; it works on the resident state
// (firmware/clock.ts), passed in.
import { Transient, boot, due, leapNow, pipeline, start, status } from "./schedule";
import { at, cancel, ring } from "./alarms";
import { repl } from "../lib/ntptime";

declare let TRANSIENT: Transient;

TRANSIENT = {
  start: start,
  boot: boot,
  due: due,
  leapNow: leapNow,
  repl: (r) => repl(r.api, r.dev, pipeline(r)),
  status: status,
};
if (CONFIG.alarms) (TRANSIENT.at = at), (TRANSIENT.cancel = cancel), (TRANSIENT.ring = ring);
