import { Settings } from "../lib/ntptime";

/** The build config (firmware/defaults.json merged with --config FILE.json, and the build date as pivot). */
export interface Config extends Settings {
  /** seconds between syncs; never below 15 (RFC 4330 s10) */
  poll: number;
  /** print the time on the serial console once a second */
  console: boolean;
  wifi?: { ssid: string; password?: string };
}
