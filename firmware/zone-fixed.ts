import { Device, Ntptime } from "../lib/ntptime";
import { Zone } from "../lib/tz";

/** A fixed zone (hours, or a POSIX TZ string without DST): E.setTimeZone. Returns the offset now, in minutes. */
export function useZone(ntptime: Ntptime, dev: Device, zone: Zone): () => number {
  if (zone.std) dev.setZone((ntptime.tz = zone.std / 60));
  return () => ntptime.tz * 60;
}
