// require("ntptime"): the Espruino module (node build.mjs --module). It is the REPL object
// and nothing else: a user's code brings the network up (Wi-Fi, Ethernet, the Linux build's
// own) and calls settime() when it wants the time. What stays in memory between calls is the
// object's data, a one-line stub per method and the driver below; the rest is in two
// parts, made when used and garbage after, their code in flash when the module is a Storage
// file: the REPL's methods with a sync's end (firmware/parts/module.ts) and the exchange
// (firmware/parts/module-ask.ts), never both at once.
import { SyncResult } from "../lib/client";
import { Ntptime } from "../lib/ntptime";
import { Events } from "./state";
import { Waiting } from "./module-repl";

/** module.exports (build.mjs defines it so: esbuild would wrap a file that names `module` itself) */
declare let EXPORTS: unknown;

/** Calls waiting, the first one's sync under way: one at a time (firmware/module-repl.ts). */
const queue: Waiting[] = [];

/**
 * The syncs' driver, one function (each resident function is 6 JsVars for good): with no
 * result, the sync for the first waiting call, its abort kept with the call; with its
 * result, the call's end, a timer away, when the exchange's part is garbage. The abort is
 * a closure of the exchange, which holds the whole part: it is let go (null) when the sync
 * ends, even when it ends before its start returns (a host that did not parse), or the end's
 * part would be made beside the exchange's (docs/module-and-apps.md has what that cost).
 */
const drive = (x?: SyncResult) => {
  const head = queue[0];
  if (x) {
    head[7] = null;
    setTimeout(() => loadModule().end(ntptime, queue, drive, x), 0);
  } else {
    const abort = loadModuleAsk()(head[4], head[5], drive);
    if (head[7] !== null) head[7] = abort;
  }
};

const ntptime = {
  host: CONFIG.host,
  tz: 0,
  last: null,
  sethost: (host: unknown) => loadModule().repl(ntptime, queue, drive).sethost(host),
  settime: (tz?: number) => loadModule().repl(ntptime, queue, drive).settime(tz),
  time: () => loadModule().repl(ntptime, queue, drive).time(),
  localtime: (t?: number) => loadModule().repl(ntptime, queue, drive).localtime(t),
} as Ntptime & Events;

EXPORTS = ntptime;
