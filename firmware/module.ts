// require("ntptime"): the Espruino module (node build.mjs --module). It is the REPL object
// and nothing else: a user's code brings the network up (Wi-Fi, Ethernet, the Linux build's
// own) and calls settime() when it wants the time. What stays in memory between calls is the
// object's data and a one-line stub per method; the rest is the module's part
// (firmware/parts/module.ts: the client, its checks, the REPL's methods), made for each call
// and garbage after it, its code in flash when the module is a Storage file.
import { loadModule } from "@part/module";
import { Ntptime } from "../lib/ntptime";
import { Events } from "./state";

/** module.exports (build.mjs defines it so: esbuild would wrap a file that names `module` itself) */
declare let EXPORTS: unknown;

/** Calls waiting for the one under way: rounds run one at a time (firmware/module-repl.ts). */
const queue: (() => void)[] = [];

const ntptime = {
  host: CONFIG.host,
  tz: 0,
  last: null,
  sethost: (host: unknown) => loadModule()(ntptime, queue).sethost(host),
  settime: (tz?: number) => loadModule()(ntptime, queue).settime(tz),
  time: () => loadModule()(ntptime, queue).time(),
  localtime: (t?: number) => loadModule()(ntptime, queue).localtime(t),
} as Ntptime & Events;

EXPORTS = ntptime;
