import { Device } from "../lib/ntptime";

/** What a board gives the firmware: a Device for the client, and its network bring-up. */
export interface Board {
  name: string;
  device: Device;
  /** brings the network up; err is "" on success, otherwise a message for the console */
  up(cb: (err: string) => void): void;
}
