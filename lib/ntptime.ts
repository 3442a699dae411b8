import { Env, SyncResult } from "./client";
import { civil } from "./calendar";

/** A device: the client's Env plus the clock setter, the console and the display time zone. */
export interface Device extends Env {
  /** sets the clock to Unix seconds (Espruino setTime) @internal */
  setNow(t: number): void;
  log(line: string): void;
  /** display time zone in hours; the clock itself stays UTC (E.setTimeZone) @internal */
  setZone(hours: number): void;
  /** daylight saving rules as E.setDST's twelve numbers (lib/tz.ts dstArgs) @internal */
  setDst?(...args: number[]): void;
  /**
   * The local time at Unix time t, in the zone setZone/setDst set: [year, month, day, hours,
   * minutes, seconds, weekday from Monday 0, minutes east of UTC]. On Espruino the
   * interpreter's own Date, which follows E.setTimeZone and E.setDST. @internal
   */
  local(t: number): number[];
  /** a number unique to the device, from its MAC where it has one (consecutive across a batch) */
  id?: number;
  /** calls fn every ms, until a call of it is cut short (Espruino's setInterval) @internal */
  interval(fn: () => void, ms: number): unknown;
}

/** `ntptime.last`: a sync's result and the host it was asked of. @public */
export interface Outcome extends SyncResult {
  host: string;
  /** set when the time came from a modem's own NTP command: whole seconds, no reply checks */
  unchecked?: boolean;
  /** what the clock app did with the offset: "step", "slew" or "held" (a slew within the estimate) */
  applied?: string;
}

/** What the REPL object drives: the one sync pipeline and the zone, both the clock app's. @internal */
export interface Pipeline {
  /**
   * One round: every server asked, the answer chosen and (when `apply`) set on the clock,
   * printed, kept and told; the outcome is in ntptime.last, and settles the promise through
   * answer() below.
   */
  run(apply: boolean, resolve: (v: number) => void, reject: (e: Error) => void): void;
  /** minutes east of UTC at Unix time t (DST included) */
  offset(t: number): number;
  /** settime(hours): from now on the zone is that fixed offset */
  fix(hours: number): void;
  /** sethost(): true for a host the client can ask (lib/host.ts parseHost), then kept across reboots */
  accept(host: unknown): boolean;
}

/** The REPL's data: the fields a user reads at the prompt. @public */
export interface NtptimeData {
  host: string;
  tz: number;
  last: Outcome | null;
}

/** The REPL's methods (repl() below). @public */
export interface Repl {
  sethost(host: unknown): number;
  settime(tz?: number): Promise<number>;
  time(): Promise<number>;
  localtime(t?: number): number[];
}

/** @public */
export interface Ntptime extends NtptimeData, Repl {
  /** added by the clock app: servers, last sync, next poll */
  status?(): unknown;
  /** added by the clock app: alarms on local wall time (firmware/alarms.ts) */
  at?(when: unknown, fn: unknown, name?: unknown): unknown;
  cancel?(which: unknown): number;
}

/**
 * The QuecPython/MicroPython style `ntptime` object's methods on the device REPL: argument
 * checks and promises over the clock app's pipeline, which does the syncing. They work on
 * `api`'s fields; the clock app makes them for each call (firmware/parts/control.ts), so that
 * between calls only the object's data and a small stub per method stay in memory.
 */
export function repl(api: NtptimeData, dev: Device, p: Pipeline): Repl {
  return {
    sethost(host) {
      if (!p.accept(host)) return 1;
      api.host = host as string;
      return 0;
    },
    settime(tz) {
      return new Promise((resolve, reject) => {
        if (tz != null) {
          if (!(tz >= -12 && tz <= 14)) {
            dev.log("ntptime: bad tz " + tz);
            return resolve(1);
          }
          p.fix((api.tz = tz));
        }
        p.run(true, resolve, reject);
      });
    },
    time() {
      return new Promise((resolve, reject) => p.run(false, resolve, reject));
    },
    localtime(t) {
      const u = t == null ? dev.clock() : t;
      return civil(u + p.offset(u) * 60);
    },
  };
}

/** A promise's settling, kept to be made later: the function and its argument. */
export type Settling = [(v: any) => void, unknown];

/**
 * What a REPL promise settles with when its round ends: settime() (applied) 0, or 1 after a
 * failure; time() the server's time now (`now` is the device clock), or the failure as an Error.
 */
export function settling(o: Outcome, apply: boolean, now: number, resolve: (v: number) => void, reject: (e: Error) => void): Settling {
  if (apply) return [resolve, +!!o.reason];
  return o.reason ? [reject, Error(o.reason)] : [resolve, now + o.offset!];
}

/** The same, made now. */
export function answer(o: Outcome, apply: boolean, now: number, resolve: (v: number) => void, reject: (e: Error) => void) {
  const s = settling(o, apply, now, resolve, reject);
  s[0](s[1]);
}
