// The clock app's logic around a round, part of the per-use code (firmware/transient.ts):
// it works on the resident state (firmware/clock.ts) and keeps nothing of its own. run() is
// the one road every sync takes; due() is the schedule; start() the boot's reading of the
// saved record; pipeline() what the REPL drives.
import { Resident, RoundOptions, round, save } from "./round";
import { ASIDE, RECORD, checkSaved } from "./settings";
import { Outcome, Pipeline, Repl } from "../lib/ntptime";
import { MIN_POLL, nextPoll, startWait } from "../lib/poll";
import { Applied, free, freq, leap } from "../lib/discipline";
import { LEAP_STEP, leapAt } from "../lib/leap";
import { NTP_PORT, TWO32 } from "../lib/wire";
import { parseHost } from "../lib/host";
import { applyZone, offsetAt } from "@zone";

/** What the per-use code offers (firmware/transient.ts), made anew on each load. @internal */
export interface Transient {
  start(r: Resident): void;
  boot(r: Resident): void;
  due(r: Resident): void;
  leapNow(r: Resident): void;
  repl(r: Resident): Repl;
  status(r: Resident): Status;
}

const servers = (r: Resident) => [r.api.host].concat(CONFIG.servers);
const hosts = (r: Resident) => servers(r).filter((h) => !r.saved.denied![h]);

/** At boot: the saved record checked against this image, the zone, the console's first line. */
export function start(r: Resident) {
  const saved = (r.saved = checkSaved(r.store.read(RECORD), CONFIG.image, r.dev.log, (text) => r.store.write(ASIDE, text)));
  if (saved.host) r.api.host = saved.host;
  if (saved.tz != null) r.zone = { std: saved.tz * 60, dst: 0 };
  r.api.tz = r.zone.std / 60;
  applyZone(r.dev, r.zone);
  r.pollEvery = saved.rate || 0;
  r.dev.log("clock: board " + r.board.name + ", server " + servers(r).join(" ") + ", poll " + Math.max(MIN_POLL, CONFIG.poll) + "-" + CONFIG.maxPoll + " s" + (CONFIG.key != null ? ", key " + CONFIG.key : ""));
}

/**
 * A leap second announced for tonight: told once, and the clock stepped at its midnight
 * (leapNow). After stepping back the clock reads that day again for a second, while servers
 * still announce it: a midnight done is not watched again.
 */
function watchLeap(r: Resident, li: number) {
  r.dev.disarm(r.leapTimer);
  const at = leapAt(r.dev.clock(), li);
  if (at == r.leapt) return;
  if (at && at != r.leapMidnight) r.api.emit("leap", LEAP_STEP[li], at);
  r.leapStep = LEAP_STEP[li];
  if ((r.leapMidnight = at)) r.leapTimer = r.dev.after(r.leapNow, (at - r.dev.clock()) * 1000);
}

export function leapNow(r: Resident) {
  r.leapt = r.leapMidnight;
  r.leapMidnight = 0;
  leap(r.disc, r.clk, r.leapStep);
  r.dev.log("ntptime: leap second, clock " + (r.leapStep < 0 ? "back" : "forward") + " 1 s");
}

/**
 * The one road from the network to the clock, for the schedule and the REPL alike: a round
 * over every server not denied (firmware/round.ts), then the leap watch and the events.
 */
export function run(r: Resident, o: RoundOptions, apply: boolean, cb: (x: Outcome, rate: boolean) => void) {
  const asked = hosts(r);
  if (!asked.length) {
    r.dev.log("ntptime: every server answered Kiss-o'-Death DENY or RSTR; not asking (status().denied)");
    return cb((r.api.last = { reason: "denied", host: r.api.host, server: r.api.host, sent: 0, good: 0 }), false);
  }
  r.syncing++;
  round(r, o, asked, apply, (x, rate) => {
    r.syncing--;
    if (apply) {
      if (!x.reason) (r.goodAt = r.dev.clock()), watchLeap(r, x.leap || 0);
      r.api.emit(x.reason ? "error" : "sync", x);
    }
    cb(x, rate);
  });
}

function later(r: Resident, s: number) {
  r.nextAt = r.dev.clock() + s;
  r.timer = r.dev.after(r.due, s * 1000);
}

function bringUp(r: Resident) {
  r.board.up((err) => {
    // A start slot from the device's MAC, so that a fleet powered on together does not ask at once.
    if (!err) return (r.online = true), later(r, r.saved.rate || startWait(r.dev.id!, (r.dev.rand() >>> 0) / TWO32, CONFIG.startDelay));
    r.dev.log(r.board.name + ": " + err + ", trying again in 30 s");
    r.timer = r.dev.after(r.due, 30000);
  });
}

/** At every boot (a boot from save() too): a fresh schedule, the network brought up first. */
export function boot(r: Resident) {
  r.dev.disarm(r.timer);
  r.boots++;
  r.online = false;
  bringUp(r);
}

/** The schedule's timer: the network brought up (after a failure), or a round. */
export function due(r: Resident, o: RoundOptions) {
  if (!r.online) return bringUp(r);
  if (!hosts(r).length) return later(r, r.pollEvery || MIN_POLL);
  const boot = r.boots;
  // Rounds are `interval` apart from start to start, whatever a round took: a fleet started
  // in even slots (startWait) stays in them.
  const began = free(r.disc, r.clk);
  run(r, o, true, (x, rate) => {
    if (boot != r.boots) return;
    r.failed = x.reason ? r.failed + 1 : 0;
    r.pollEvery = nextPoll(r.pollEvery || CONFIG.poll, { poll: CONFIG.poll, maxPoll: CONFIG.maxPoll }, x.reason ? undefined : (x.applied as Applied) || "step", r.failed - 1, rate);
    // A RATE is remembered across a reboot: the first round after it waits this long, not startDelay.
    if (rate != !!r.saved.rate) (r.saved.rate = rate ? r.pollEvery : 0), save(r);
    later(r, Math.max(0, r.pollEvery - (free(r.disc, r.clk) - began)));
  });
}

/** What the REPL object drives (lib/ntptime.ts): the road above, the zone, the saved host. */
export function pipeline(r: Resident, o: RoundOptions): Pipeline {
  return {
    run: (apply, cb) => run(r, o, apply, cb),
    offset: (t) => offsetAt(r.zone, t),
    fix: (hours) => {
      r.zone = { std: hours * 60, dst: 0 };
      r.dev.setZone(hours);
      if (r.saved.tz !== hours) (r.saved.tz = hours), save(r);
    },
    accept: (host) => {
      if (!parseHost(host, NTP_PORT)) return false;
      if (r.saved.host !== host) (r.saved.host = host as string), save(r);
      return true;
    },
  };
}

/** ntptime.status(): what a user reads of the schedule. @public */
export interface Status {
  servers: string[];
  /** servers that answered Kiss-o'-Death DENY or RSTR, never asked again */
  denied?: Record<string, string>;
  last: Outcome | null;
  /** device clock of the next round, seconds between rounds, failed rounds in a row */
  next: number;
  interval: number;
  fails: number;
  /** the crystal's frequency error, ppm */
  ppm: number;
}

export function status(r: Resident): Status {
  return { servers: servers(r), denied: r.saved.denied, last: r.api.last, next: r.nextAt, interval: r.pollEvery, fails: r.failed, ppm: freq(r.disc) * 1e6 };
}
