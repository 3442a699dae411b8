// The footprint probe: the client and the ntptime facade with the lib they pull in, as a device image holds them.
import { repl } from "../lib/ntptime";
import { sync } from "../lib/client";
declare var global: any;
global.repl = repl;
global.sync = sync;
