// The clock images' Storage and boot hook, every Espruino board's (not the module's, whose
// user keeps their own: boards/espruino-device.ts).
import { Store } from "./board";

/** The app's record: Espruino's Storage as it is, files in flash by name. */
export const storage: Store = require("Storage");

/** After save(), Espruino runs E.on("init") handlers at every boot (the image itself is not run again). */
export const onInit = (fn: () => void) => E.on("init", fn);
