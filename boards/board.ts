import { Device, Ntptime } from "../lib/ntptime";

/**
 * A modem's own NTP client (Quectel AT+QNTP, SIMCom AT+CNTP): whole seconds, and none of
 * the reply checks, so only a fallback for when the modem will not open UDP.
 */
export type ModemClock = (host: string, cb: (t: number | null, why: string) => void) => void;

/** What a board gives the firmware: a Device for the client, and its network bring-up. */
export interface Board {
  name: string;
  device: Device;
  /** brings the network up; err is "" on success, otherwise a message for the console */
  up(cb: (err: string) => void): void;
  /** board additions to the REPL object (a modem's NTP fallback), applied once at boot */
  extend?(ntptime: Ntptime): void;
  /** a small JSON record that survives a reboot (Espruino Storage) */
  store: Store;
  /** runs fn at every boot of a saved image (E.on("init")) */
  onBoot(fn: () => void): void;
}

/** One JSON record kept across reboots; read() gives undefined when there is none yet. */
export interface Store {
  read(): any;
  write(v: object): void;
}
