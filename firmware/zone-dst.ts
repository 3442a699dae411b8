import { Device } from "../lib/ntptime";
import { Zone, dstArgs } from "../lib/tz";

/**
 * A zone with daylight saving (the build parsed the config's POSIX TZ string): E.setDST
 * for the device's own Date, and offsetAt through the same rules (lib/tz.ts follows
 * Espruino's), so the console, localtime() and Date agree across DST changes. A fixed zone
 * here is one chosen at the REPL with settime(hours), as QuecPython's does.
 */
export function applyZone(dev: Device, z: Zone) {
  if (z.dst && dev.setDst) return dev.setDst.apply(dev, dstArgs(z));
  // E.setDST's rules rule Date while their first number is not 0, whatever E.setTimeZone
  // says: a fixed zone chosen at the REPL turns them off.
  if (dev.setDst) dev.setDst(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  dev.setZone(z.std / 60);
}

export { offsetAt } from "../lib/tz";
