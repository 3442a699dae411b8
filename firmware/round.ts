import { Device, Ntptime, Outcome } from "../lib/ntptime";
import { Env, SyncResult } from "../lib/client";
import { choose } from "./choose-one";
import { DisciplineState, Steered, measure } from "../lib/discipline";
import { Board, Store } from "../boards/board";
import { Zone } from "../lib/tz";
import { RECORD } from "./settings";

/** The record kept in the board's store (firmware/settings.ts reads it back). */
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
}

/** What a round works on: its part of the app's state (Resident). @internal */
export interface RoundState {
  dev: Device;
  /** the ntptime object (its data: host, tz, last) */
  api: Ntptime & Events;
  /** the discipline's state (lib/discipline.ts) and the clock it steers: a change above the step threshold is told as a step */
  disc: DisciplineState;
  clk: Steered;
  store: Store;
  saved: Saved;
  /** the modem's own NTP, where the board has it (boards/modem-fallback.ts) */
  modemNtp?: ModemNtp;
  /** device clock of the last good sync, 0 before one */
  goodAt: number;
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
  /** the REPL's promise, settled through lib/ntptime.ts answer(); a scheduled round has none */
  resolved?: (v: number) => void;
  rejected?: (e: Error) => void;
  /** the boot it began in (a boot from save() restarts the schedule), and the free-running clock then */
  boot: number;
  began: number;
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
  /** the leap second announced for tonight: its midnight (0: none), the timer that steps the clock then, the last midnight done */
  leapMidnight: number;
  leapTimer: unknown;
  leapt: number;
  /** the step then: -1 inserts a second, 1 deletes one */
  leapStep: number;
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

/** One server asked (firmware/exchange.ts: lib/client.ts sync with the build's options); a port of 0 fails as "host". @internal */
export type Exchange = (env: Env, name: string, port: number, done: (x: SyncResult) => void) => void;

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

/** The zone in effect: settime(hours)'s, or the build's (the per-use code carries it). */
export const zoneOf = (r: Resident) => r.zone || CONFIG.zone!;

/** "stratum 2 offset 0.001234 s delay 0.0400 s, slew 2026-...": a good outcome's end of the console line, `how` it was applied, at Unix time `now`. */
export function resultText(x: Outcome, how: string, now: number) {
  return "stratum " + x.stratum + " offset " + x.offset!.toFixed(6) + " s delay " + x.delay!.toFixed(4) + " s, " + (how == "held" ? "slew" : how) + " " + new Date(now * 1000).toISOString();
}

/** The schedule's next round, `s` seconds from now. */
export function later(r: Resident, s: number) {
  r.nextAt = r.dev.clock() + s;
  r.timer = r.dev.after(r.due, s * 1000);
}

/** The record as the store keeps it: written only when it changes (REPL, Kiss-o'-Death), to spare the flash. */
export function save(r: RoundState) {
  r.store.write(RECORD, JSON.stringify(r.saved));
}

/**
 * The end of a round (every host asked, firmware/clock.ts proceed; firmware/decision.ts): with none answering and a
 * modem that refused UDP, the modem's own NTP; with several servers, the choice among them;
 * then (when `apply`) the discipline applies it, one line is printed, and a Kiss-o'-Death
 * DENY or RSTR is saved. `done` gets the outcome and whether a server asked to slow down (RATE).
 */
export function decide(r: RoundState, o: RoundOptions, q: Round, done: (o: Outcome, rate: boolean) => void) {
  const dev = r.dev;
  const results = q.results;
  const apply = q.sets;

  const finish = (out: Outcome, line: string) => {
    if (apply) dev.log(line);
    let changed = false;
    let rate = false;
    results.forEach((x) => {
      // (the line already says "failed: kod DENY"; status().denied lists them)
      if ((x.kiss == "DENY" || x.kiss == "RSTR") && !r.saved.denied![x.host]) changed = !!(r.saved.denied![x.host] = x.kiss);
      rate = rate || x.kiss == "RATE";
    });
    if (changed) save(r);
    done((r.api.last = out), rate);
  };

  /** A good outcome, applied (or only measured), as the line's end. */
  const applied = (x: Outcome) => {
    let how = "measured";
    if (apply) how = x.applied = measure(r.disc, r.clk, o, x.offset!, x.err!);
    return resultText(x, how, dev.clock());
  };

  // The modem refused UDP and no server answered: its own NTP command, whole seconds that
  // pass none of the reply checks (said so on the console and in ntptime.last).
  const refused = results.filter((x) => x.reason == "udp")[0];
  if (r.modemNtp && refused && !results.some((x) => !x.reason)) return r.modemNtp(r, refused.host, o.pivot, apply, (out, line) => finish(out || refused, line));
  const c = o.choose(results, !!r.goodAt, o.maxStep);
  finish(c.best, c.best.reason ? c.line : c.line + " " + applied(c.best));
}
