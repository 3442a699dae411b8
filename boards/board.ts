import { Device } from "../lib/ntptime";

/**
 * A modem's own NTP client (Quectel AT+QNTP, SIMCom AT+CNTP): whole seconds, and none of
 * the reply checks, so only a fallback for when the modem will not open UDP.
 */
export type ModemClock = (host: string, cb: (t: number | null, why: string) => void) => void;

/** What a board gives the firmware: a Device for the client, its network bring-up, and what else it can do. */
export interface Board {
  name: string;
  /** @internal */
  dev: Device;
  /** brings the network up; err is "" on success, otherwise a message for the console @internal */
  up(cb: (err: string) => void): void;
  /** a small record that survives a reboot (Espruino Storage) @internal */
  store: Store;
  /** runs fn at every boot of a saved image (E.on("init")) */
  onBoot(fn: () => void): void;
  /** a modem's own NTP command, the round's fallback when it refuses UDP (firmware/modem-ntp.ts); only on boards.mjs's boards with modemClock @internal */
  modemClock?: ModemClock;
  /** gives an object on() and emit(): Espruino has them on every object, Node does not */
  events?(o: object): void;
}

/** Small text files kept across reboots, by name: Espruino's Storage module, or its stand-in. */
export interface Store {
  /** the file's text, or undefined when there is none */
  read(name: string): string | undefined;
  write(name: string, text: string): unknown;
  /** bytes free at the end of the store, and making room there (Espruino's; a stand-in may lack them) */
  getFree?(): number;
  compact?(): void;
}
