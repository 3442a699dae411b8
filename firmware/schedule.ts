// The poll schedule (the state's ScheduleSlice): one timer, armed for the next round; the
// network brought up first at every boot; the interval after each round (lib/poll.ts).
import { Outcome } from "../lib/ntptime";
import { Applied, free } from "../lib/discipline";
import { MIN_POLL, nextPoll, startWait } from "../lib/poll";
import { TWO32 } from "../lib/wire";
import { Resident, Round } from "./state";
import { hosts, save } from "./settings";
import { begin } from "./round";

/** The schedule's next round, `s` seconds from now: one timer, whoever armed the last; the supervisor expects it then (firmware/clock.ts). */
export function later(r: Resident, s: number) {
  r.dev.disarm(r.timer, r.due);
  r.nextAt = r.dev.clock() + s;
  r.timer = r.dev.after(r.due, s * 1000);
  r.watch = Math.ceil(s) + 5;
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
