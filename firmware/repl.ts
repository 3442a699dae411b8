// The REPL's methods (firmware/clock.ts use): ntptime's own (lib/ntptime.ts repl) over the
// road every sync takes, status(), and with alarms at() and cancel(); each made for the call.
import { Outcome, Pipeline, repl } from "../lib/ntptime";
import { freq } from "../lib/discipline";
import { NTP_PORT } from "../lib/wire";
import { parseHost } from "../lib/host";
import { applyZone, offsetAt } from "@zone";
import { Alarm, Resident } from "./state";
import { save, servers, zoneOf } from "./settings";
import { begin, syncState } from "./round";
import { Faults, faultsOf } from "./faults";
import { at, cancel, ring } from "./alarms";

/** What the REPL object drives (lib/ntptime.ts): the road, the zone, the saved host. */
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
  alarms?: Alarm[];
  /** faults survived since boot, by kind, and the last with its device clock (docs/faults.md); none yet: absent */
  faults?: Faults;
  /** what the face says: "synced", "stale", "rtc" or "not synced" (firmware/round.ts syncState) */
  state: string;
  /** with CONFIG.rtc: the chip, the device clock of its last write (0: none since boot), its drift measured between writes (ppm) */
  rtc?: { chip: string; written: number; ppm?: number };
}

export function status(r: Resident): Status {
  const s: Status = { servers: servers(r), denied: r.saved.denied, last: r.api.last, next: r.nextAt, interval: r.pollEvery, fails: r.failed, ppm: freq(r.disc) * 1e6, alarms: r.alarms, faults: faultsOf(r), state: syncState(r, r.dev.clock()) };
  if (CONFIG.rtc) s.rtc = { chip: CONFIG.rtc.type, written: r.rtcAt || 0, ppm: r.rtcPpm };
  return s;
}

/** A REPL method by name (firmware/clock.ts use). */
export function replCall(r: Resident, method: string, a?: unknown, b?: unknown, c?: unknown): any {
  if (method == "status") return status(r);
  if (CONFIG.alarms && method == "at") return at(r, a, b, c);
  if (CONFIG.alarms && method == "cancel") return cancel(r, a);
  return (repl(r.api, r.dev, pipeline(r)) as any)[method](a);
}
