// The leap watch (the state's LeapSlice): a leap second a server announces for tonight
// (lib/leap.ts), told once, and the clock stepped at its midnight by the discipline.
import { LEAP_STEP, leapAt } from "../lib/leap";
import { leap } from "../lib/discipline";
import { Resident } from "./state";

/**
 * After a good sync, the reply's leap indicator `li`: a timer to tonight's midnight
 * (Resident.leapNow, which loads leapNow below). After stepping back the clock reads that day
 * again for a second, while servers still announce it: a midnight done is not watched again.
 */
export function watchLeap(r: Resident, li: number) {
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

/** The midnight come: the clock stepped by the leap second. */
export function leapNow(r: Resident) {
  r.leapt = r.leapMidnight;
  r.leapMidnight = 0;
  leap(r.disc, r, r.leapStep!);
  r.dev.log("ntptime: leap second, clock " + (r.leapStep! < 0 ? "back" : "forward") + " 1 s");
}
