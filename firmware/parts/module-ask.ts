// The module's exchange with ntptime.host (firmware/module-ask.ts), a part of its own: made
// for each sync, garbage after it, while the REPL's methods (firmware/parts/module.ts) are not
// in memory.
import { askHost } from "../module-ask";

declare let MODULE_ASK: typeof askHost;

MODULE_ASK = askHost;
