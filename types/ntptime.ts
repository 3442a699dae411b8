// What an app built with `--entry` imports: `import { ntptime } from "ntptime"`. The build
// resolves "ntptime" to the clock app's object (global.ntptime); tsc reads the types here,
// which come from the sources themselves, so they cannot drift from what the image does.
import type { Outcome } from "../lib/ntptime";
import type { Alarm } from "../firmware/round";
import type { Status } from "../firmware/schedule";

export type { Outcome, Alarm, Status };

/** The clock app's `ntptime` object: the REPL API, the schedule's status, alarms and events. */
export interface Ntptime {
  /** the server asked: "name" or "a.b.c.d", with an optional ":port" */
  host: string;
  /** the zone in hours that settime(hours) set (0 until then, or the build's standard offset) */
  tz: number;
  /** the last sync's result; null before the first */
  last: Outcome | null;
  /** 0: set (and kept across reboots), 1: not a valid host, nothing changed */
  sethost(host: string): number;
  /** one round now, the clock set by it: 0 on success, 1 on failure; never rejects. With hours, the zone too. */
  settime(tz?: number): Promise<number>;
  /** the server's Unix time now, without setting the clock; rejects with the failure's reason */
  time(): Promise<number>;
  /** [year, month, mday, hour, minute, second, weekday (Monday 0), yearday] at Unix time t (now), in the zone */
  localtime(t?: number): number[];
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
