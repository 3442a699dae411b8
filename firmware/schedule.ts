// The clock app's logic around a round, part of the per-use code (firmware/transient.ts):
// it works on the resident state (firmware/clock.ts) and keeps nothing of its own. begin()
// starts the one road every sync takes (its end: firmware/decision.ts); due() is the
// schedule; start() the boot's reading of the saved record; pipeline() what the REPL drives.
import { Fault, Resident, faultCount, faultName, Round, later, save, syncState, zoneOf } from "./round";
import { ASIDE, RECORD, checkSaved } from "./settings";
import { Outcome, Pipeline, repl, settling } from "../lib/ntptime";
import { MIN_POLL, startWait } from "../lib/poll";
import { free, freq, leap, warm } from "../lib/discipline";
import { NTP_PORT, TWO32 } from "../lib/wire";
import { parseHost } from "../lib/host";
import { applyZone, offsetAt } from "@zone";
import { at, cancel, ring } from "./alarms";

/** What the per-use code offers (firmware/transient.ts), made anew on each load. @internal */
export interface Transient {
  start(r: Resident): void;
  boot(r: Resident): void;
  due(r: Resident): void;
  leapNow(r: Resident): void;
  /** a REPL method by name: ntptime's (lib/ntptime.ts repl), status(), at() and cancel() */
  replCall(r: Resident, method: string, a?: unknown, b?: unknown, c?: unknown): any;
  /** with CONFIG.alarms (firmware/alarms.ts) */
  ring?: typeof ring;
}

const servers = (r: Resident) => [r.api.host].concat(CONFIG.servers);
const hosts = (r: Resident) => servers(r).filter((h) => !r.saved.denied![h]);

/** At boot: the saved record checked against this image, the zone, the console's first line. */
export function start(r: Resident) {
  // (each call's arguments worked out before it: lib/client.ts send)
  const text = r.store.read(RECORD);
  const saved = (r.saved = checkSaved(text, CONFIG.image, r.dev.log, (aside) => r.store.write(ASIDE, aside)));
  if (saved.host) r.api.host = saved.host;
  if (saved.tz != null) r.zone = { std: saved.tz * 60, dst: 0 };
  r.api.tz = zoneOf(r).std / 60;
  applyZone(r.dev, zoneOf(r));
  r.pollEvery = saved.rate || 0;
  // the crystal's frequency error as the last run left it: the first hour holds as a long run does
  if (saved.freq) warm(r.disc, r, saved.freq * 1e-6);
  r.dev.log("clock: board " + r.board.name + ", server " + servers(r).join(" ") + ", poll " + Math.max(MIN_POLL, CONFIG.poll) + "-" + CONFIG.maxPoll + " s" + (CONFIG.key != null ? ", key " + CONFIG.key : ""));
}

export function leapNow(r: Resident) {
  r.leapt = r.leapMidnight;
  r.leapMidnight = 0;
  leap(r.disc, r, r.leapStep!);
  r.dev.log("ntptime: leap second, clock " + (r.leapStep! < 0 ? "back" : "forward") + " 1 s");
}

/**
 * The one road from the network to the clock, for the schedule and the REPL alike: a round
 * over every server not denied, queued behind one under way. The resident code asks its
 * servers (firmware/clock.ts proceed, firmware/exchange.ts), then ends it (firmware/decision.ts).
 */
export function begin(r: Resident, apply: boolean, resolve?: (v: number) => void, reject?: (e: Error) => void) {
  const asked = hosts(r);
  if (!asked.length) {
    r.dev.log("ntptime: every server answered Kiss-o'-Death DENY or RSTR; not asking (status().denied)");
    const x = (r.api.last = { reason: "denied", host: r.api.host, server: r.api.host, sent: 0, good: 0 });
    // (only the REPL gets here: the schedule does not begin a round with no one to ask)
    if (resolve) {
      const now = r.dev.clock();
      r.settle = settling(x, apply, now, resolve, reject!);
      r.dev.after(r.proceed, 0);
    }
    return;
  }
  // One at a time: a REPL call during a round answers busy (firmware/clock.ts use); the
  // schedule's round waits for the one under way.
  // `began` on the free-running clock: the next scheduled round is `interval` after it
  // (firmware/decision.ts reschedule).
  const to = asked.map((h) => (parseHost(h, NTP_PORT) ? h : ""));
  const q: Round = { hosts: asked, to: to, results: [], sets: apply, boot: r.boots, began: free(r.disc, r) };
  // (set only for the REPL: a field holding undefined still takes memory)
  if (resolve) (q.resolved = resolve), (q.rejected = reject);
  if (r.rounds.push(q) == 1) r.dev.after(r.proceed, 0);
}

/** seconds a bring-up may take (a cellular modem's AT+QIACT waits up to 60 s) before the supervisor starts it again */
const BRING_UP = 90;

function bringUp(r: Resident) {
  r.nextAt = r.dev.clock() + BRING_UP;
  r.watch = BRING_UP;
  r.board.up((err) => {
    // A start slot from the device's MAC, so that a fleet powered on together does not ask at once.
    if (!err) {
      r.online = true;
      return later(r, r.saved.rate || startWait(r.dev.id!, (r.dev.rand() >>> 0) / TWO32, CONFIG.startDelay));
    }
    r.dev.log(r.board.name + ": " + err + ", trying again in 30 s");
    later(r, 30);
  });
}

/** At every boot (a boot from save() too): a fresh schedule, the network brought up first. */
export function boot(r: Resident) {
  r.dev.disarm(r.timer, r.due);
  r.boots++;
  r.online = false;
  bringUp(r);
}

/** The schedule's timer: the network brought up (after a failure), or a round. */
export function due(r: Resident) {
  if (!r.online) return bringUp(r);
  if (!hosts(r).length) return later(r, r.pollEvery || MIN_POLL);
  begin(r, true);
}

/** What the REPL object drives (lib/ntptime.ts): the road above, the zone, the saved host. */
export function pipeline(r: Resident): Pipeline {
  return {
    run: (apply, resolve, reject) => begin(r, apply, resolve, reject),
    offset: (t) => offsetAt(zoneOf(r), t),
    fix: (hours) => {
      applyZone(r.dev, (r.zone = { std: hours * 60, dst: 0 }));
      if (r.saved.tz !== hours) {
        r.saved.tz = hours;
        save(r);
      }
      // the alarms' wall times are now in that zone
      if (CONFIG.alarms) ring(r);
    },
    accept: (host) => {
      if (!parseHost(host, NTP_PORT)) return false;
      if (r.saved.host !== host) {
        r.saved.host = host as string;
        save(r);
      }
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
  /** ntptime.at()'s alarms, the next due first */
  alarms?: import("./round").Alarm[];
  /** faults survived since boot, by kind, and the last with its device clock (docs/faults.md); none yet: absent */
  faults?: Faults;
  /** what the face says: "synced", "stale", "rtc" or "not synced" (firmware/round.ts syncState) */
  state: string;
  /** with CONFIG.rtc: the chip, the device clock of its last write (0: none since boot), its drift measured between writes (ppm) */
  rtc?: { chip: string; written: number; ppm?: number };
}

/** @public */
export interface Faults {
  memory: number;
  stalled: number;
  storage: number;
  network: number;
  /** with CONFIG.rtc: the chip did not answer */
  rtc?: number;
  last: string;
  at: number;
}

export function status(r: Resident): Status {
  const f = r.faults;
  const l = r.lastFault!;
  const faults = f
    ? ({ memory: faultCount(f, Fault.Memory), stalled: faultCount(f, Fault.Stalled), storage: faultCount(f, Fault.Storage), network: faultCount(f, Fault.Network), last: faultName(l % 8), at: Math.floor(l / 8) } as Faults)
    : undefined;
  if (CONFIG.rtc && faults) faults.rtc = faultCount(f!, Fault.Rtc);
  const s: Status = { servers: servers(r), denied: r.saved.denied, last: r.api.last, next: r.nextAt, interval: r.pollEvery, fails: r.failed, ppm: freq(r.disc) * 1e6, alarms: r.alarms, faults: faults, state: syncState(r, r.dev.clock()) };
  if (CONFIG.rtc) s.rtc = { chip: CONFIG.rtc.type, written: r.rtcAt || 0, ppm: r.rtcPpm };
  return s;
}

/** The REPL's methods by name (firmware/clock.ts use): each made for the call. */
export function replCall(r: Resident, method: string, a?: unknown, b?: unknown, c?: unknown): any {
  if (method == "status") return status(r);
  if (CONFIG.alarms && method == "at") return at(r, a, b, c);
  if (CONFIG.alarms && method == "cancel") return cancel(r, a);
  return (repl(r.api, r.dev, pipeline(r)) as any)[method](a);
}
