// The supervisor's recovery, in the round's end's part (firmware/parts/end.ts): the resident
// tick (firmware/clock.ts) calls it when an entry into a part was cut short (out of
// memory interrupts Espruino's event), when the round under way has not moved on for longer
// than a step can take, and when the schedule's timer never fired. It leaves nothing behind:
// the exchange's socket and timer, the round, its promise. It never sets the clock.
import { Part, Resident } from "./state";
import { Fault, fault, faultName } from "./faults";
import { later, reschedule } from "./schedule";
import { Outcome, settling } from "../lib/ntptime";
import { lineOf } from "./choose-one";

/** Scheduled rounds in a row ended for want of memory before the image starts again from flash. */
const SHORT_ROUNDS = 3;

/** `cause`: Part.Recover + the fault's kind * 8 + the part cut short (0: none). */
export function recover(r: Resident, cause: number) {
  const kind: Fault = (cause >> 3) & 7;
  const part: Part = cause & 7;
  const q = r.rounds[0];
  // Espruino's own account of it, read (and so cleared) here: "LOW_MEMORY,MEMORY"
  const read = typeof E != "undefined" && E.getErrorFlags ? E.getErrorFlags() : [];
  const flags = read.length ? " (" + read.join(",") + ")" : "";
  fault(r, kind, (kind == Fault.Memory ? "out of memory in " + ["", "boot/schedule/REPL", "exchange", "round's end", "RTC", "round's choice"][part] + flags : q ? "round stalled" : "schedule not armed") + ", recovering");
  // (an alarm cut short: the tick arms it again)
  if (CONFIG.alarms) r.ringing = 0;
  // A round under way is ended (its exchange already halted by the tick, firmware/clock.ts):
  // whatever was cut short, it is not known to have kept its state.
  if (q) {
    r.rounds.shift();
    const x: Outcome = { reason: faultName(kind), host: q.hosts[0], server: q.hosts[0], sent: 0, good: 0 };
    r.api.last = x;
    r.dev.log(lineOf(x));
    if (q.sets) r.api.emit("error", x);
    if (q.resolved) {
      const now = r.dev.clock();
      r.settle = settling(x, q.sets, now, q.resolved, q.rejected!);
    } else {
      // Scheduled rounds ended for want of memory, in a row: what holds it is not the clock's
      // to give back (an app's, or the interpreter's own after an interrupted event). The last
      // resort is a board's: the image started again from flash (load(): the clock keeps its
      // time, the record is in Storage, the schedule starts afresh). Not a REPL's round: its
      // caller is told and asks again.
      if (kind == Fault.Memory && (r.short = (r.short || 0) + 1) >= SHORT_ROUNDS && typeof load != "undefined") {
        r.dev.log("ntptime: memory short at " + SHORT_ROUNDS + " rounds in a row, starting again from flash");
        return load();
      }
      if (q.boot == r.boots) reschedule(r, q, x, false);
    }
  } else if (kind == Fault.Stalled || r.nextAt <= r.dev.clock()) {
    // no round: the schedule armed again, unless its timer is still to come
    later(r, 0);
  }
  // the next round, or the schedule's if it came due meanwhile
  r.dev.after(r.proceed, 0);
}
