// A round's end, its answers decided on (firmware/round-decide.ts), in the part of its own
// (firmware/parts/end.ts): told, the promise or the schedule served, a Kiss-o'-Death kept,
// the leap watch, the record and the RTC kept, the next round started.
import { Outcome, settling } from "../lib/ntptime";
import { Resident } from "./state";
import { reschedule } from "./schedule";
import { watchLeap } from "./leap";
import { save, saveFreq } from "./settings";
import { Fault, fault, recovered } from "./faults";
import { rtcDue } from "./rtc";

/**
 * A round's Kiss-o'-Death answers: DENY and RSTR saved (that server is never asked again,
 * RFC 4330 s8); whether one asked to slow down (RATE).
 */
export function kisses(r: Resident, results: Outcome[]) {
  let changed = false;
  let rate = false;
  results.forEach((x) => {
    // (the line already says "failed: kod DENY"; status().denied lists them)
    if ((x.kiss == "DENY" || x.kiss == "RSTR") && !r.saved.denied![x.host]) changed = !!(r.saved.denied![x.host] = x.kiss);
    rate = rate || x.kiss == "RATE";
  });
  if (changed) save(r);
  return rate;
}

export function end(r: Resident) {
  const q = r.rounds[0];
  const x = q.out!;
  const line = q.line!;
  const rate = kisses(r, q.results);
  r.rounds.shift();
  // the next round, or the schedule's if it came due meanwhile (firmware/clock.ts proceed)
  r.dev.after(r.proceed, 0);
  const wait = q.resolved || q.boot != r.boots ? -1 : reschedule(r, q, x, rate);
  if (q.sets) {
    // A RATE is said (a failure's line names its kiss already), and when it puts the schedule off, until when.
    let said = rate && !x.reason ? ", server asked to slow down (RATE)" : "";
    if (rate && wait >= 0) said += ": next round in " + Math.round(wait) + " s";
    r.dev.log(line + said);
    if (!x.reason) {
      r.goodAt = r.dev.clock();
      watchLeap(r, x.leap || 0);
      saveFreq(r);
      if (CONFIG.rtc) rtcDue(r, x.applied!);
      delete r.short;
      recovered(r);
      // failures that say the network is gone: a network fault, counted once until a good sync
    } else if (["dns", "socket", "send", "timeout", "udp", "reset", "at-timeout", "at-error"].indexOf(x.reason) >= 0 && r.told != Fault.Network + 1) fault(r, Fault.Network, "no server reached (" + x.reason + ")");
    r.api.emit(x.reason ? "error" : "sync", x);
  }
  // a record Storage would not take, written again
  if (r.unsaved) save(r);
  if (q.resolved) {
    const now = r.dev.clock();
    r.settle = settling(x, q.sets, now, q.resolved, q.rejected!);
  }
}
