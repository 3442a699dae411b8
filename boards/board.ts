import { Device } from "../lib/ntptime";

/**
 * A modem's own NTP client (Quectel AT+QNTP, SIMCom AT+CNTP): whole seconds, and none of
 * the reply checks, so only a fallback for when the modem will not open UDP.
 */
export type ModemClock = (host: string, cb: (t: number | null, why: string) => void) => void;

/** What a board gives the firmware: a Device for the client, its network bring-up, and what else it can do. */
export interface Board {
  name: string;
  device: Device;
  /** brings the network up; err is "" on success, otherwise a message for the console */
  up(cb: (err: string) => void): void;
  /** a small record that survives a reboot (Espruino Storage) */
  store: Store;
  /** runs fn at every boot of a saved image (E.on("init")) */
  onBoot(fn: () => void): void;
  /** a modem's own NTP, the round's fallback when it refuses UDP (boards/modem-fallback.ts) */
  modemNtp?: import("../firmware/round").ModemNtp;
  /** gives an object on() and emit(): Espruino has them on every object, Node does not */
  events?(o: object): void;
}

/** One text record kept across reboots. */
export interface Store {
  /** its text, or undefined when there is none yet */
  read(): string | undefined;
  write(text: string): void;
  /** keeps a damaged record's text under another name (firmware/settings.ts ASIDE), for its owner to look at */
  aside(text: string): void;
}
