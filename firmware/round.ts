import { Device, Ntptime, Outcome } from "../lib/ntptime";
import { Env, SyncResult } from "../lib/client";
import { choose } from "./choose-one";
import { Applied, DisciplineState, Steered, fitted, free, freq, measure } from "../lib/discipline";
import { nextPoll } from "../lib/poll";
import { Board, Store } from "../boards/board";
import { Zone } from "../lib/tz";
import { RECORD, Saved } from "./settings";
import { fixed } from "../lib/calendar";

/**
 * What a round works on: its part of the app's state (Resident), and the clock the discipline
 * steers (Steered: clock() and moveBy(), where a change above the step threshold is told as
 * a step; fields of the state itself, not an object of their own: 2 JsVars less for good). @internal
 */
export interface RoundState extends Steered {
  dev: Device;
  /** the ntptime object (its data: host, tz, last) */
  api: Ntptime & Events;
  /** the discipline's state (lib/discipline.ts) */
  disc: DisciplineState;
  store: Store;
  saved: Saved;
  /** the modem's own NTP, where the board has it (boards/modem-fallback.ts) */
  modemNtp?: ModemNtp;
  /** device clock of the last good sync, 0 before one */
  goodAt: number;
  /**
   * Faults survived (fault() below), made at the first: a count per kind (faultName), each in
   * 10 bits of this one number (faultCount); and lastFault, the last kind and its device clock
   * (whole seconds * 8 + kind). Two numbers, 4 JsVars at rest where a list of six took 9
   * (measured at the ESP8266 size's REPL). What is only there while a fault lasts is kept
   * apart and deleted after, so that a clock at rest after faults holds no more than this.
   */
  faults?: number;
  lastFault?: number;
  /** the kind + 1 of the fault told and not yet recovered from; absent but then */
  told?: number;
  /** 1 while the record waits to be written again; absent but then */
  unsaved?: number;
  /** scheduled rounds in a row ended for want of memory since the last good sync (firmware/supervise.ts); absent but then */
  short?: number;
  /** device clock when the frequency error was last saved (saveFreq); absent until then */
  freqAt?: number;
  /**
   * With CONFIG.rtc (firmware/rtc.ts), each absent until it is first set: 1 while the clock
   * runs on the chip's time, until the first good sync; 1 when the chip is to be written
   * (2: its drift measured, the write next); the device clock of the last write and the
   * corrections made by then (the discipline's: Discipline free()); the chip's drift, ppm.
   */
  fromRtc?: number;
  rtcDue?: number;
  rtcAt?: number;
  rtcMade?: number;
  rtcPpm?: number;
}

/**
 * A round: the hosts asked in turn, their outcomes so far, what to do with the answer.
 * It is data, not a closure, so that nothing holds the per-use code while a server is asked.
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
  /** 1 while a step of it (a server asked, its end) is under way (firmware/clock.ts proceed); the exchange's end, for the supervisor (lib/client.ts sync) */
  stepping?: number;
  halt?: () => void;
}

/**
 * The clock app's state, the one object that lives between rounds: firmware/clock.ts makes
 * it, the per-use code (firmware/exchange.ts, firmware/decision.ts with this file,
 * firmware/transient.ts with schedule.ts) is made for each use and works on it. What a round works on, the board, the zone, the
 * rounds, the schedule, the leap watch.
 * @internal
 */
export interface Resident extends RoundState {
  board: Board;
  /** the zone settime(hours) chose; until then the build's (CONFIG.zone, parsed by build.mjs), which the per-use code carries (zoneOf below) */
  zone?: Zone;
  /**
   * The round under way first, then those waiting for it: rounds run one at a time. While
   * there is one the discipline's ticks wait, since a correction inside an exchange would
   * skew its sample.
   */
  rounds: Round[];
  /** the poll schedule: seconds between rounds, failed rounds in a row, device clock of the next round */
  pollEvery: number;
  failed: number;
  nextAt: number;
  /** the pending timer; the boot it belongs to (a boot from save() restarts the schedule); the network is up */
  timer: unknown;
  boots: number;
  online: boolean;
  /**
   * The leap second announced for tonight: its midnight (0: none), the timer that steps the
   * clock then, the last midnight done; absent until a server first announces one.
   */
  leapMidnight?: number;
  leapTimer?: unknown;
  leapt?: number;
  /** the step then: -1 inserts a second, 1 deletes one */
  leapStep?: number;
  /**
   * The supervisor (firmware/clock.ts): the part of the per-use code an entry is running
   * (PART), 0 between entries: still set at the next tick, the entry was cut short (out of
   * memory interrupts Espruino's event, and no catch sees it). `watch`: ticks left before the
   * round under way must have moved on, or the schedule's timer must have fired; at 0 it is
   * stalled. `held`: 1 when the schedule's round came due while another held its part; it
   * begins once that one ends (absent until then: it takes no memory). `beat`: ticks since the
   * backstop last looked (firmware/clock.ts).
   */
  part: number;
  watch: number;
  beat: number;
  /** recoveries cut short in a row (firmware/clock.ts): absent until the first recovery */
  tries?: number;
  held?: number;
  /**
   * A REPL promise to settle (lib/ntptime.ts settling), made by the resident proceed() once
   * the part that ended its round is garbage: Espruino runs a promise's callbacks at once, and
   * a callback that calls settime() again would load the next part on top of it.
   */
  settle?: import("../lib/ntptime").Settling;
  /** with CONFIG.alarms: the alarms, the next due first (firmware/alarms.ts), and the timer armed within a second of it */
  alarms?: Alarm[];
  ringing?: unknown;
  /**
   * The timers' and the exchange's callbacks, resident (firmware/clock.ts): a closure made
   * in the per-use code would keep all of it alive while it waits. proceed() takes the round
   * under way a step on: its next host asked (firmware/exchange.ts), or with all asked, its
   * end (firmware/decision.ts); asked() keeps a host's outcome and calls proceed() once the
   * exchange has unwound.
   */
  due(): void;
  leapNow(): void;
  ring?(): void;
  /** with CONFIG.rtc: the chip's write (firmware/rtc.ts), and its timer while armed */
  rtcWrite?(): void;
  rtcArmed?: unknown;
  proceed(): void;
  asked(x: SyncResult): void;
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

/** One server asked (firmware/exchange.ts: lib/client.ts sync with the build's options); a port of 0 fails as "host". Returns its abort. @internal */
export type Exchange = (env: Env, name: string, port: number, done: (x: SyncResult) => void) => () => void;

/** The part of the per-use code an entry runs (Resident.part). */
export const enum Part {
  Transient = 1,
  Exchange = 2,
  Decision = 3,
  /** the battery-backed RTC's (firmware/rtc-use.ts): read at power-on, written after a sync */
  Rtc = 4,
  /**
   * The supervisor's recovery, with its cause: Recover + the fault's kind * 8 + the part that
   * was cut short (firmware/supervise.ts recover). Cut short itself, it is tried again.
   */
  Recover = 64,
}

/**
 * What can go wrong on a clock that runs for months, as status().faults counts it
 * (docs/faults.md). Its name: made where it is told, so that no part keeps a list while loaded.
 */
export const faultName = (kind: number) => ["memory", "stalled", "storage", "network", "rtc"][kind];
export const enum Fault {
  Memory = 0,
  Stalled = 1,
  Storage = 2,
  Network = 3,
  /** the battery-backed RTC did not answer (CONFIG.rtc) */
  Rtc = 4,
}

/** One of each kind in RoundState.faults: 10 bits a kind (a double holds 53 bits exactly). */
const FAULT_UNIT = [1, 1024, 1048576, 1073741824, 1099511627776];
/** The count of one kind in RoundState.faults; at 1023 it stays. */
export const faultCount = (faults: number, kind: Fault) => Math.floor(faults / FAULT_UNIT[kind]) % 1024;

/** A fault: counted, and told in one line unless one told before is not yet recovered from. */
export function fault(r: RoundState, kind: Fault, what: string) {
  const f = r.faults || 0;
  if (faultCount(f, kind) < 1023) r.faults = f + FAULT_UNIT[kind];
  r.lastFault = Math.floor(r.dev.clock()) * 8 + kind;
  if (r.told) return;
  r.told = kind + 1;
  r.dev.log("ntptime: fault: " + faultName(kind) + ", " + what);
}

/**
 * The fault told last is over: one line. A good sync ends any but the RTC's, which only a
 * write to the chip ends (`rtc`); the record written ends Storage's.
 */
export function recovered(r: RoundState, rtc?: boolean) {
  if (!r.told || r.unsaved || (CONFIG.rtc && (r.told == Fault.Rtc + 1) != !!rtc)) return;
  r.dev.log("ntptime: recovered from the " + faultName(r.told - 1) + " fault");
  delete r.told;
}

/**
 * Events for applications: ntptime.on("sync" | "error", outcome), ntptime.on("step", was,
 * now), ntptime.on("leap", step, at) when a server announces a leap second for tonight.
 */
export interface Events {
  emit(event: string, ...args: unknown[]): void;
}

/**
 * A modem's own NTP as the round's fallback for `host`: when it gives a time, the clock is
 * set (when `apply`) and `done` gets the outcome and the console line; when not, `done`
 * gets null and the line.
 */
export type ModemNtp = (r: RoundState, host: string, pivot: number, apply: boolean, done: (o: Outcome | null, line: string) => void) => void;

/** @internal */
export interface RoundOptions {
  /** Unix seconds: the build date, before which no time is taken (the modem's NTP here; the exchange checks replies against it) */
  pivot: number;
  /** seconds: after the first sync, a larger step needs two servers that agree (several servers only) */
  maxStep: number;
  /** seconds: the discipline steps above this, slews below (RFC 5905 s11.3 STEPT) */
  stepThreshold: number;
  /** the choice among the results: one server's, or several servers' (firmware/choose-many.ts) */
  choose: typeof choose;
}

/**
 * The clock's state as the face and status() say it: "synced"; "stale" after four polls at
 * the longest interval without a good sync; before the first, "rtc" while it runs on the
 * battery-backed chip's time (CONFIG.rtc), else "not synced". (The resident tick has it
 * written out: firmware/clock.ts.)
 */
export const syncState = (r: RoundState, now: number) =>
  !r.goodAt ? (CONFIG.rtc && r.fromRtc ? "rtc" : "not synced") : now - r.goodAt > 4 * CONFIG.maxPoll ? "stale" : "synced";

/** The zone in effect: settime(hours)'s, or the build's (the per-use code carries it). */
export const zoneOf = (r: Resident) => r.zone || CONFIG.zone!;

/** "stratum 2 offset 0.001234 s delay 0.0400 s, slew 2026-...": a good outcome's end of the console line, `how` it was applied, at Unix time `now`. */
export function resultText(x: Outcome, how: string, now: number) {
  return "stratum " + x.stratum + " offset " + fixed(x.offset!, 6) + " s delay " + fixed(x.delay!, 4) + " s, " + (how == "held" ? "slew" : how) + " " + new Date(now * 1000).toISOString();
}

/** The schedule's next round, `s` seconds from now: one timer, whoever armed the last; the supervisor expects it then (firmware/clock.ts). */
export function later(r: Resident, s: number) {
  r.dev.disarm(r.timer, r.due);
  r.nextAt = r.dev.clock() + s;
  r.timer = r.dev.after(r.due, s * 1000);
  r.watch = Math.ceil(s) + 5;
}

/** Bytes a Storage file takes besides its text, at most: its header (a 4-byte size, a 28-byte name) and its end's alignment. */
const FILE_OVERHEAD = 40;

/**
 * A file written to the board's store: false (a storage fault counted) when Storage is full
 * or failing (write returns false or throws). The clock goes on either way.
 */
export function write(r: RoundState, name: string, text: string) {
  const s = r.store;
  let ok = false;
  try {
    // Storage erases a file's old text before it looks for room for the new: a write that
    // cannot fit would lose the record and throw (an exception puts Error's class in the
    // global scope, for good). So room is made first, or the write not tried.
    // (getFree reads through every file in Storage: once when there is room)
    const need = text.length + FILE_OVERHEAD;
    let room = !s.getFree || s.getFree() >= need;
    if (!room) {
      s.compact!();
      room = s.getFree!() >= need;
    }
    ok = room && s.write(name, text) !== false;
  } catch (e) {}
  if (!ok) fault(r, Fault.Storage, "Storage would not take " + name + ", kept for the next round");
  return ok;
}

/**
 * The record as the store keeps it: written only when it changes (REPL, Kiss-o'-Death), to
 * spare the flash; after a failed write, again at every round's end until it is written
 * (firmware/decision.ts).
 */
export function save(r: RoundState) {
  if (!write(r, RECORD, JSON.stringify(r.saved))) {
    r.unsaved = 1;
    return;
  }
  delete r.unsaved;
  if (r.told == Fault.Storage + 1) recovered(r);
}

/** ppm the frequency error must have moved since it was saved, and seconds between saves, to save it again */
const FREQ_MOVED = 1;
const FREQ_EVERY = 3600;

/**
 * After a good sync: the discipline's frequency error kept in the record for the next boot's
 * warm start (firmware/schedule.ts start), once the fit knows it within FREQ_MOVED, when it
 * has moved more than that since it was saved and at most once every FREQ_EVERY: the flash
 * is spared.
 */
export function saveFreq(r: RoundState) {
  const f = Math.round(freq(r.disc) * 1e9) / 1000;
  const now = r.dev.clock();
  if (!fitted(r.disc, FREQ_MOVED * 1e-6) || !(Math.abs(f - (r.saved.freq || 0)) > FREQ_MOVED) || now - r.freqAt! < FREQ_EVERY) return;
  r.saved.freq = f;
  r.freqAt = now;
  save(r);
}

/** After a scheduled round: the next one, sooner after a failure, later after a Kiss-o'-Death RATE (lib/poll.ts); the seconds until it. */
export function reschedule(r: Resident, q: Round, x: Outcome, rate: boolean) {
  r.failed = x.reason ? r.failed + 1 : 0;
  r.pollEvery = nextPoll(r.pollEvery || CONFIG.poll, { poll: CONFIG.poll, maxPoll: CONFIG.maxPoll }, x.reason ? undefined : (x.applied as Applied) || "step", r.failed - 1, rate);
  // A RATE is remembered across a reboot: the first round after it waits this long, not startDelay.
  // (the key deleted once over: a clock at rest after a RATE holds no more than before it)
  if (rate != !!r.saved.rate) {
    if (rate) r.saved.rate = r.pollEvery;
    else delete r.saved.rate;
    save(r);
  }
  // Rounds are `interval` apart from start to start, whatever a round took: a fleet started
  // in even slots (lib/poll.ts startWait) stays in them. Never more than `interval` after the
  // round's end: a round begun between a setTime() by the owner's code and the tick that sees
  // it (lib/discipline.ts tick) has the move in its start, and an hour's move put the next
  // round off by an hour.
  const wait = Math.min(r.pollEvery, Math.max(0, r.pollEvery - (free(r.disc, r) - q.began)));
  later(r, wait);
  return wait;
}

/**
 * The end of a round (every host asked, firmware/clock.ts proceed; firmware/decision.ts): with none answering and a
 * modem that refused UDP, the modem's own NTP; with several servers, the choice among them;
 * then (when `apply`) the discipline applies it, and a Kiss-o'-Death DENY or RSTR is saved.
 * `done` gets the outcome, whether a server asked to slow down (RATE), and the round's console
 * line, which it prints when the round sets the clock.
 */
export function decide(r: RoundState, o: RoundOptions, q: Round, done: (o: Outcome, rate: boolean, line: string) => void) {
  const dev = r.dev;
  const results = q.results;
  const apply = q.sets;

  const finish = (out: Outcome, line: string) => {
    let changed = false;
    let rate = false;
    results.forEach((x) => {
      // (the line already says "failed: kod DENY"; status().denied lists them)
      if ((x.kiss == "DENY" || x.kiss == "RSTR") && !r.saved.denied![x.host]) changed = !!(r.saved.denied![x.host] = x.kiss);
      rate = rate || x.kiss == "RATE";
    });
    if (changed) save(r);
    done((r.api.last = out), rate, line);
  };

  /** A good outcome, applied (or only measured), as the line's end. */
  const applied = (x: Outcome) => {
    let how = "measured";
    if (apply) how = x.applied = measure(r.disc, r, o, x.offset!, x.err!);
    const now = dev.clock();
    return resultText(x, how, now);
  };

  // The modem refused UDP and no server answered: its own NTP command, whole seconds that
  // pass none of the reply checks (said so on the console and in ntptime.last).
  const refused = results.filter((x) => x.reason == "udp")[0];
  if (r.modemNtp && refused && !results.some((x) => !x.reason)) return r.modemNtp(r, refused.host, o.pivot, apply, (out, line) => finish(out || refused, line));
  const c = o.choose(results, !!r.goodAt, o.maxStep);
  // (each call's arguments worked out before it: lib/client.ts send)
  const line = c.best.reason ? c.line : c.line + " " + applied(c.best);
  finish(c.best, line);
}
