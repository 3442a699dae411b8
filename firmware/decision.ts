// The end of a round, a per-use part of its own (build/bundle.mjs PER_USE): the choice among the
// servers' answers, the discipline applying it, the leap watch, the events and the next
// round's time. The resident code loads it once every server of the round has been asked
// (firmware/clock.ts proceed), when the exchange's code is already garbage: a round's peak is
// the larger of the two, and neither carries boot, the REPL or the saved record's checks
// (firmware/transient.ts).
import { Outcome, settling } from "../lib/ntptime";
import { LEAP_STEP, leapAt } from "../lib/leap";
import { Fault, Resident, RoundOptions, decide, fault, recovered, reschedule, save, saveFreq } from "./round";
import { choose } from "@choose";
import { recover } from "./supervise";
import { rtcDue } from "./rtc";

declare let DECISION: (r: Resident, cause?: number) => void;

/** The round's options, from the build config and the choice the config picks. */
const OPTIONS: RoundOptions = { pivot: CONFIG.pivot, maxStep: CONFIG.maxStep, stepThreshold: CONFIG.stepThreshold, choose: choose };

/**
 * A leap second announced for tonight: told once, and the clock stepped at its midnight
 * (leapNow, firmware/schedule.ts). After stepping back the clock reads that day again for a
 * second, while servers still announce it: a midnight done is not watched again.
 */
function watchLeap(r: Resident, li: number) {
  const now = r.dev.clock();
  const at = leapAt(now, li);
  // none announced and none watched (no timer then): the leap fields stay absent, as they are
  // until a server first announces one (each would take a JsVar for good)
  if (!at && !r.leapMidnight) return;
  // (Espruino throws on clearTimeout(undefined): no timer before the first announcement)
  if (r.leapTimer) r.dev.disarm(r.leapTimer, r.leapNow);
  if (at == r.leapt) return;
  if (at && at != r.leapMidnight) r.api.emit("leap", LEAP_STEP[li], at);
  r.leapStep = LEAP_STEP[li];
  if ((r.leapMidnight = at)) r.leapTimer = r.dev.after(r.leapNow, (at - r.dev.clock()) * 1000);
}

/**
 * A round's end, every host asked: decided (round.ts), told, the promise or the schedule
 * served, the next round started. With a `cause`, the supervisor's recovery instead
 * (firmware/supervise.ts): the round under way ended as failed, or the schedule armed again.
 * It lives here, not in the rest of the per-use code, which a REPL call loads.
 */
DECISION = (r, cause) => {
  if (cause) return recover(r, cause);
  const q = r.rounds[0];
  decide(r, OPTIONS, q, (x, rate, line) => {
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
  });
};
