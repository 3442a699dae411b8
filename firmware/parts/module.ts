// The module's part (require("ntptime"), firmware/module.ts): the REPL's methods over one
// exchange (firmware/module-repl.ts), made for each call.
import { moduleRepl } from "../module-repl";

declare let MODULE: typeof moduleRepl;

MODULE = moduleRepl;
