import { Device, Ntptime } from "../lib/ntptime";
import { Zone, dstArgs, offsetAt } from "../lib/tz";
import { civil } from "../lib/calendar";

/**
 * A zone with daylight saving (the build parsed the config's POSIX TZ string): E.setDST
 * for the device's own Date, and ntptime.localtime() through the same rules (lib/tz.ts
 * follows Espruino's), so both agree across DST changes. settime(hours) still switches to
 * a fixed zone, as QuecPython's does. Returns the offset in effect now, in minutes.
 */
export function useZone(ntptime: Ntptime, dev: Device, z: Zone): () => number {
  let zone = z;
  ntptime.tz = zone.std / 60;
  // A fixed zone here is one chosen at the REPL with settime(hours) before a reboot.
  if (!zone.dst) dev.setZone(ntptime.tz);
  else if (dev.setDst) dev.setDst(dstArgs(zone));
  const settime = ntptime.settime;
  ntptime.settime = (hours) => {
    if (hours != null && hours >= -12 && hours <= 14) zone = { std: hours * 60, dst: 0 };
    return settime(hours);
  };
  ntptime.localtime = (t) => {
    const u = t == null ? dev.clock() : t;
    return civil(u + offsetAt(zone, u) * 60);
  };
  return () => offsetAt(zone, dev.clock());
}
