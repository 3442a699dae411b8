import { Device } from "../lib/ntptime";
import { Zone } from "../lib/tz";

/** A fixed zone (hours, or a POSIX TZ string without DST): E.setTimeZone, UTC included (settime(0) after settime(8)). */
export function applyZone(dev: Device, z: Zone) {
  dev.setZone(z.std / 60);
}

/** Minutes east of UTC: the same at every time. */
export function offsetAt(z: Zone, t: number): number {
  return z.std;
}
