import { Device } from "../lib/ntptime";
import { Zone, dstArgs } from "../lib/tz";

/**
 * A zone with daylight saving (the build parsed the config's POSIX TZ string): E.setDST
 * for the device's own Date, and offsetAt through the same rules (lib/tz.ts follows
 * Espruino's), so the console, localtime() and Date agree across DST changes. A fixed zone
 * here is one chosen at the REPL with settime(hours), as QuecPython's does.
 */
export function applyZone(dev: Device, z: Zone) {
  if (!z.dst) dev.setZone(z.std / 60);
  else if (dev.setDst) dev.setDst.apply(dev, dstArgs(z));
}

export { offsetAt } from "../lib/tz";
