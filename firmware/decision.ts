// The end of a round, a per-use part of its own (build.mjs PER_USE): the choice among the
// servers' answers, the discipline applying it, the leap watch, the events and the next
// round's time. The resident code loads it once every server of the round has been asked
// (firmware/clock.ts proceed), when the exchange's code is already garbage: a round's peak is
// the larger of the two, and neither carries boot, the REPL or the saved record's checks
// (firmware/transient.ts).
import { Outcome, answer } from "../lib/ntptime";
import { Applied, free } from "../lib/discipline";
import { LEAP_STEP, leapAt } from "../lib/leap";
import { nextPoll } from "../lib/poll";
import { Resident, Round, RoundOptions, decide, later, save } from "./round";
import { choose } from "@choose";

declare let DECISION: (r: Resident) => void;

/** The round's options, from the build config and the choice the config picks. */
const OPTIONS: RoundOptions = { pivot: CONFIG.pivot, maxStep: CONFIG.maxStep, stepThreshold: CONFIG.stepThreshold, choose: choose };

/**
 * A leap second announced for tonight: told once, and the clock stepped at its midnight
 * (leapNow, firmware/schedule.ts). After stepping back the clock reads that day again for a
 * second, while servers still announce it: a midnight done is not watched again.
 */
function watchLeap(r: Resident, li: number) {
  r.dev.disarm(r.leapTimer);
  const at = leapAt(r.dev.clock(), li);
  if (at == r.leapt) return;
  if (at && at != r.leapMidnight) r.api.emit("leap", LEAP_STEP[li], at);
  r.leapStep = LEAP_STEP[li];
  if ((r.leapMidnight = at)) r.leapTimer = r.dev.after(r.leapNow, (at - r.dev.clock()) * 1000);
}

/** After a scheduled round: the next one, sooner after a failure, later after a Kiss-o'-Death RATE (lib/poll.ts). */
function reschedule(r: Resident, q: Round, x: Outcome, rate: boolean) {
  r.failed = x.reason ? r.failed + 1 : 0;
  r.pollEvery = nextPoll(r.pollEvery || CONFIG.poll, { poll: CONFIG.poll, maxPoll: CONFIG.maxPoll }, x.reason ? undefined : (x.applied as Applied) || "step", r.failed - 1, rate);
  // A RATE is remembered across a reboot: the first round after it waits this long, not startDelay.
  if (rate != !!r.saved.rate) (r.saved.rate = rate ? r.pollEvery : 0), save(r);
  // Rounds are `interval` apart from start to start, whatever a round took: a fleet started
  // in even slots (lib/poll.ts startWait) stays in them.
  later(r, Math.max(0, r.pollEvery - (free(r.disc, r.clk) - q.began)));
}

/** A round's end, every host asked: decided (round.ts), told, the promise or the schedule served, the next round started. */
DECISION = (r) => {
  const q = r.rounds[0];
  decide(r, OPTIONS, q, (x, rate) => {
    r.rounds.shift();
    if (r.rounds.length) r.dev.after(r.proceed, 0);
    if (q.sets) {
      if (!x.reason) (r.goodAt = r.dev.clock()), watchLeap(r, x.leap || 0);
      r.api.emit(x.reason ? "error" : "sync", x);
    }
    if (q.resolved) answer(x, q.sets, r.dev.clock(), q.resolved, q.rejected!);
    else if (q.boot == r.boots) reschedule(r, q, x, rate);
  });
};
