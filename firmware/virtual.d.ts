// What build.mjs makes per image: the board picked by --board, the alternatives the config
// picks (each held to the one interface declared here), and the config itself.
declare module "@board" {
  export const board: import("../boards/board").Board;
}
declare module "@zone" {
  export const applyZone: typeof import("./zone-fixed").applyZone;
  export const offsetAt: typeof import("./zone-fixed").offsetAt;
}
declare module "@choose" {
  export const choose: typeof import("./choose-one").choose;
}
declare module "@display" {
  export const useDisplay: typeof import("../displays/none").useDisplay;
}
declare module "@auth" {
  export const keys: typeof import("./auth-key").keys | undefined;
  export const auth: typeof import("./auth-key").auth;
  export const signedBy: typeof import("./auth-key").signedBy;
  export const signWith: typeof import("./auth-key").signWith;
}
declare module "@sha1" {
  export const sha1: import("../lib/mac").Hash;
}
// The parts' loaders (build/bundle.mjs PARTS): on Espruino each is the global function its part
// is, named in the image as such (no variable of the image's own holds it); on Node the part's module.
/** The exchange with one server (firmware/parts/exchange.ts), made for each server a round asks. */
declare const loadExchange: () => import("./round").Ask;
/** A round's choice among its answers, applied (firmware/parts/decide.ts), made once its servers have been asked. */
declare const loadDecide: () => (r: import("./state").Resident) => void;
/** A round's end, or the supervisor's recovery (firmware/parts/end.ts), made once its answers have been decided on. */
declare const loadEnd: () => (r: import("./state").Resident, cause?: number) => void;
/** Start, boot, the schedule, the REPL (firmware/parts/control.ts), made on each call: its functions live until the call ends. */
declare const loadControl: () => import("./state").Control;
/** The battery-backed RTC's (firmware/parts/rtc.ts), made at power-on and for each write; only in an image whose config has rtc. */
declare const loadRtc: () => import("./rtc").RtcPart;
/** The module's (firmware/parts/module.ts), made on each call of the REPL's methods and at each sync's end. */
declare const loadModule: () => { repl: typeof import("./module-repl").moduleRepl; end: typeof import("./module-repl").moduleEnd };
/** The module's exchange (firmware/parts/module-ask.ts), made for each sync. */
declare const loadModuleAsk: () => typeof import("./module-ask").askHost;
/**
 * The build config. Every `CONFIG.key` is replaced by its value at build time (esbuild
 * define), so constants fold into the code and a feature the config leaves off is dead
 * code the image does not carry. `image` identifies the config (saved settings, firmware/settings.ts).
 */
declare const CONFIG: import("./config").Config & { image: string };
declare var global: any;
/** The board the image is built for (build.mjs --board): "esp8266", "linux", ... */
declare const BOARD: string;
/** The board's modem has an NTP command of its own (boards/boards.mjs modemClock; Board.modemClock). */
declare const BOARD_MODEM_CLOCK: boolean;
