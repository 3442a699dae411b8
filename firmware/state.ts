// The clock app's state: one object, `app`, made by firmware/clock.ts, the only data of the
// app that lives between uses. Its slices are declared here by concern, each with the module
// that writes it; the types it holds (a round, the saved record, an alarm) are here too, so
// that the modules working on the state import it and it imports none of them.
import { Device, Ntptime, Outcome, Settling } from "../lib/ntptime";
import { SyncResult } from "../lib/client";
import { DisciplineState, Steered } from "../lib/discipline";
import { Board, Store } from "../boards/board";
import { Zone } from "../lib/tz";

/**
 * Events for applications: ntptime.on("sync" | "error", outcome), ntptime.on("step", was,
 * now), ntptime.on("leap", step, at) when a server announces a leap second for tonight.
 */
export interface Events {
  emit(event: string, ...args: unknown[]): void;
}

/**
 * A round: the hosts asked in turn, their outcomes so far, what to do with the answer.
 * It is data, not a closure, so that nothing holds a part's code while a server is asked.
 * @internal
 */
export interface Round {
  /** as written (status().servers, Outcome.host), and as asked: "" for one that is not a server address (firmware/clock.ts proceed) */
  hosts: string[];
  to: string[];
  results: Outcome[];
  /** set the clock by the answer (the schedule, settime()), or only measure it (time()) */
  sets: boolean;
  /** the REPL's promise, settled through lib/ntptime.ts settling() (Resident.settle); a scheduled round has none */
  resolved?: (v: number) => void;
  rejected?: (e: Error) => void;
  /** the boot it began in (a boot from save() restarts the schedule), and the free-running clock then */
  boot: number;
  began: number;
  /** once every host is asked: its outcome and console line, decided (firmware/round-decide.ts) for its end to tell (firmware/round-end.ts) */
  out?: Outcome;
  line?: string;
  /** 1 while a step of it (a server asked, its choice, its end) is under way (firmware/clock.ts proceed); the exchange's end, for the supervisor (lib/client.ts sync) */
  stepping?: number;
  /** the abort of the exchange under way (lib/client.ts sync), 0 once it has ended (fewer bytes than undefined) */
  halt?: (() => void) | 0;
}

/** The record kept in the board's store: written by firmware/settings.ts, read back at boot (checkSaved there). */
export interface Saved {
  /** the image that wrote host and tz (CONFIG.image): another image's are not taken */
  image?: string;
  /** from ntptime.sethost() */
  host?: string;
  /** hours, from ntptime.settime(hours) */
  tz?: number;
  /** servers that answered Kiss-o'-Death DENY or RSTR: never asked again (RFC 4330 s8) */
  denied?: Record<string, string>;
  /** the interval after a Kiss-o'-Death RATE, 0 once a round passes without one */
  rate?: number;
  /** the crystal's frequency error (ppm), this image's: the discipline's warm start at boot (firmware/settings.ts saveFreq) */
  freq?: number;
  /** its standard error (ppm) when saved; absent in a record written before it was kept: FREQ_MOVED */
  skew?: number;
}

/**
 * An alarm (ntptime.at, firmware/alarms.ts): what the app gave and when it is next due.
 * @public
 */
export interface Alarm {
  /** as given: "07:00", "Mon-Fri 07:00", "2027-01-01 07:00" */
  when: string;
  /** device clock (Unix seconds) it is next due; 0 until the clock is set */
  next: number;
  /** kept across reboots under this name */
  name?: string;
  /** @internal */
  fn: (at: number) => void;
  /** the due time last rung or missed (the time it was made, at first) @internal */
  handled: number;
}

/**
 * The rounds (firmware/round.ts): the clock the discipline steers (Steered: clock() and
 * moveBy(), where a change above the step threshold is told as a step; fields of the state
 * itself, not an object of their own: 2 JsVars less for good), the REPL object, the last good
 * sync and the rounds themselves. @internal
 */
export interface RoundSlice extends Steered {
  board: Board;
  dev: Device;
  /** the ntptime object (its data: host, tz, last) */
  api: Ntptime & Events;
  /** the discipline's state (lib/discipline.ts) */
  disc: DisciplineState;
  /** device clock of the last good sync, 0 before one */
  goodAt: number;
  /**
   * The round under way first, then those waiting for it: rounds run one at a time. While
   * there is one the discipline's ticks wait, since a correction inside an exchange would
   * skew its sample.
   */
  rounds: Round[];
  /**
   * A REPL promise to settle (lib/ntptime.ts settling), made by the resident proceed() once
   * the part that ended its round is garbage: Espruino runs a promise's callbacks at once, and
   * a callback that calls settime() again would load the next part on top of it.
   */
  settle?: Settling;
}

/** The saved settings (firmware/settings.ts): the record, the zone, a write that waits. @internal */
export interface SettingsSlice {
  store: Store;
  saved: Saved;
  /** the zone settime(hours) chose; until then the build's (CONFIG.zone, parsed by build.mjs), which the parts carry (zoneOf) */
  zone?: Zone;
  /** 1 while the record waits to be written again; absent but then */
  unsaved?: number;
  /** device clock when the frequency error was last saved (saveFreq); absent until then */
  freqAt?: number;
}

/**
 * The poll schedule (firmware/schedule.ts; its timer's resident callback, firmware/clock.ts
 * due, forgets `timer` as it fires and sets `held`, and moveBy shifts `nextAt` with a step). @internal
 */
export interface ScheduleSlice {
  /** seconds between rounds, failed rounds in a row, device clock of the next round */
  pollEvery: number;
  failed: number;
  nextAt: number;
  /** the pending timer; the boot it belongs to (a boot from save() restarts the schedule); the network is up */
  timer: unknown;
  boots: number;
  online: boolean;
  /** 1 when the schedule's round came due while another held its part; it begins once that one ends (absent until then: it takes no memory) */
  held?: number;
}

/**
 * The leap watch (firmware/leap.ts): the leap second announced for tonight, its midnight (0:
 * none), the timer that steps the clock then, the last midnight done, and the step (-1
 * inserts a second, 1 deletes one); absent until a server first announces one. @internal
 */
export interface LeapSlice {
  leapMidnight?: number;
  leapTimer?: unknown;
  leapt?: number;
  leapStep?: number;
}

/**
 * Faults survived (firmware/faults.ts), made at the first: a count per kind (faultName), each
 * in 10 bits of this one number (faultCount); and lastFault, the last kind and its device
 * clock (whole seconds * 8 + kind). Two numbers, 4 JsVars at rest where a list of six took 9
 * (measured at the ESP8266 size's REPL). What is only there while a fault lasts is kept apart
 * and deleted after, so that a clock at rest after faults holds no more than this. @internal
 */
export interface FaultSlice {
  faults?: number;
  lastFault?: number;
  /** the kind + 1 of the fault told and not yet recovered from; absent but then */
  told?: number;
}

/**
 * The supervisor (firmware/clock.ts's tick, firmware/supervise.ts): the part an entry is
 * running (Part), 0 between entries: still set at the next tick, the entry
 * was cut short (out of memory interrupts Espruino's event, and no catch sees it). `watch`:
 * ticks left before the round under way must have moved on, or the schedule's timer must have
 * fired; at 0 it is stalled. `beat`: ticks since the backstop last looked. @internal
 */
export interface SupervisorSlice {
  part: number;
  watch: number;
  beat: number;
  /** recoveries cut short in a row: absent until the first recovery */
  tries?: number;
  /** scheduled rounds in a row ended for want of memory since the last good sync (firmware/supervise.ts); absent but then */
  short?: number;
}

/**
 * With CONFIG.rtc (firmware/rtc.ts), each absent until it is first set: 1 while the clock
 * runs on the chip's time, until the first good sync; 1 when the chip is to be written (2:
 * its drift measured, the write next); the device clock of the last write and the corrections
 * made by then (the discipline's: Discipline free()); the chip's drift, ppm; the write's
 * timer while armed (firmware/clock.ts). @internal
 */
export interface RtcSlice {
  fromRtc?: number;
  rtcDue?: number;
  rtcAt?: number;
  rtcMade?: number;
  rtcPpm?: number;
  rtcArmed?: unknown;
}

/** With CONFIG.alarms: the alarms, the next due first (firmware/alarms.ts), and the timer armed within a second of it. @internal */
export interface AlarmSlice {
  alarms?: Alarm[];
  ringing?: unknown;
}

/**
 * The timers' and the exchange's callbacks, resident (firmware/clock.ts): a closure made in
 * a part would keep all of it alive while it waits. proceed() takes the round under
 * way a step on: its next host asked (firmware/round.ts ask), or with all asked, its end
 * (firmware/round-end.ts); asked() keeps a host's outcome and calls proceed() once the
 * exchange has unwound. @internal
 */
export interface Callbacks {
  due(): void;
  leapNow(): void;
  ring?(): void;
  /** with CONFIG.rtc: the chip's write (firmware/rtc.ts) */
  rtcWrite?(): void;
  proceed(): void;
  asked(x: SyncResult): void;
}

/** What the control part offers (firmware/parts/control.ts), made anew on each load. @internal */
export interface Control {
  start(r: Resident): void;
  boot(r: Resident): void;
  due(r: Resident): void;
  leapNow(r: Resident): void;
  /** a REPL method by name: ntptime's (lib/ntptime.ts repl), status(), at() and cancel() */
  replCall(r: Resident, method: string, a?: unknown, b?: unknown, c?: unknown): any;
  /** with CONFIG.alarms (firmware/alarms.ts) */
  ring?(r: Resident): void;
}

/** The clock app's state (firmware/clock.ts `app`): every slice above. @internal */
export interface Resident extends RoundSlice, SettingsSlice, ScheduleSlice, LeapSlice, FaultSlice, SupervisorSlice, RtcSlice, AlarmSlice, Callbacks {}

/** The part an entry runs (Resident.part): build/bundle.mjs PARTS, code made when it is used and garbage after. */
export const enum Part {
  /** firmware/parts/control.ts: boot, the schedule, the REPL */
  Control = 1,
  /** firmware/parts/exchange.ts: one server asked */
  Exchange = 2,
  /** firmware/parts/end.ts: a round's end, and the supervisor's recovery */
  End = 3,
  /** firmware/parts/rtc.ts: the battery-backed RTC read at power-on, written after a sync */
  Rtc = 4,
  /** firmware/parts/decide.ts: a round's choice among its answers, applied through the discipline */
  Decide = 5,
  /**
   * The supervisor's recovery, with its cause: Recover + the fault's kind * 8 + the part that
   * was cut short (firmware/supervise.ts recover). Cut short itself, it is tried again.
   */
  Recover = 64,
}
