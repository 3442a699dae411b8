// The module's part (require("ntptime"), firmware/module.ts): the REPL's methods and the end
// of a sync (firmware/module-repl.ts), made for each call and for each answer.
import { moduleEnd, moduleRepl } from "../module-repl";

declare let MODULE: { repl: typeof moduleRepl; end: typeof moduleEnd };

MODULE = { repl: moduleRepl, end: moduleEnd };
