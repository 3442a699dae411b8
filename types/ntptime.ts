// What an app built with `--entry` imports: `import { ntptime } from "ntptime"`. The build
// resolves "ntptime" to the clock app's object (global.ntptime); tsc reads the types here,
// which come from the sources themselves, so they cannot drift from what the image does.
import type { NtptimeData, Outcome, Repl } from "../lib/ntptime";
import type { Alarm } from "../firmware/state";
import type { Status } from "../firmware/schedule";

export type { Outcome, Alarm, Status };

/**
 * The clock app's `ntptime` object: the REPL API (host, tz, last; sethost() 0 or 1,
 * settime([hours]) resolving 0 or 1, time() the server's Unix time, localtime([t]): lib/ntptime.ts),
 * the schedule's status, alarms and events.
 */
export interface Ntptime extends NtptimeData, Repl {
  status(): Status;
  /**
   * An alarm on local wall time: "07:00" every day, "Mon-Fri 06:30" (Mon..Sun, ranges, commas),
   * "2027-01-01 00:00" once; seconds optional. fn(at) runs at that time, `this` the alarm;
   * a named alarm replaces that name's and is kept across reboots. Throws on a bad `when`.
   */
  at(when: string, fn: (this: Alarm, at: number) => void, name?: string): Alarm;
  /** 0: cancelled, 1: no such alarm */
  cancel(which: Alarm | string): number;
  on(event: "sync" | "error", fn: (r: Outcome) => void): void;
  /** the clock set by more than the step threshold: device time before and after, Unix seconds */
  on(event: "step", fn: (was: number, now: number) => void): void;
  /** a leap second tonight: -1 inserted, +1 deleted, at that midnight (Unix seconds) */
  on(event: "leap", fn: (step: number, at: number) => void): void;
  /** an alarm whose time passed more than a minute ago (the device was off, or the clock jumped): not rung */
  on(event: "missed", fn: (alarm: Alarm, at: number) => void): void;
  removeAllListeners(event?: string): void;
}

export declare const ntptime: Ntptime;
