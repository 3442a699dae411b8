import { Device } from "../lib/ntptime";
import { Zone } from "../lib/tz";

/** A fixed zone (hours, or a POSIX TZ string without DST): E.setTimeZone. */
export function applyZone(dev: Device, z: Zone) {
  if (z.std) dev.setZone(z.std / 60);
}

/** Minutes east of UTC: the same at every time. */
export function offsetAt(z: Zone, t: number): number {
  return z.std;
}
