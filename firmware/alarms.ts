// ntptime.at(): alarms on local wall time, in the control part (firmware/parts/control.ts).
// An alarm keeps the device-clock time it is next due (lib/alarm.ts nextAt, in the zone in
// effect, DST included); the resident tick (firmware/clock.ts) compares the clock with the
// first of them once a second and, within the last second, arms a timer to the moment. No
// timer is ever aimed far ahead: Espruino's setTime shifts pending timers by the step (a
// timer keeps its delay, not its time of day), so a timeout set at 06:00 for 07:00 would
// fire at the wrong wall time after any step or slew. A timer aimed under a second ahead
// can be shifted by a step only within that second, and ring() checks the clock again when
// it fires. After a step the alarms are worked out again from the new clock; one whose time
// the clock passed by more than GRACE (the device was off, or the clock jumped) is told as
// "missed", not rung late.
import { Alarm, Resident } from "./state";
import { write, zoneOf } from "./settings";
import { nextAt, parseWhen } from "../lib/alarm";
import { offsetAt } from "@zone";

/** Storage file of the named alarms: name -> [when, the due time last handled]. */
export const ALARMS = "ntptime.at";
/** seconds: an alarm more than this late is missed, not rung */
export const GRACE = 60;

const saved = (r: Resident): Record<string, [string, number]> => {
  try {
    return JSON.parse(r.store.read(ALARMS) || "{}") || {};
  } catch (e) {
    return {};
  }
};
/** The named alarms written, only when they differ from the file: an app that makes the same alarms at every boot does not wear the flash. */
function keep(r: Resident) {
  const all: Record<string, [string, number]> = {};
  r.alarms!.forEach((a) => {
    if (a.name) all[a.name] = [a.when, a.handled];
  });
  const text = JSON.stringify(all);
  // (a full Storage is a fault, counted; the alarms ring on, and are written at the next change)
  if (text != (r.store.read(ALARMS) || "{}")) write(r, ALARMS, text);
}

/** The alarm `which` (the object, or a name) taken out; true when it was there. */
function drop(r: Resident, which: unknown) {
  const n = r.alarms!.length;
  r.alarms = r.alarms!.filter((a) => a != which && (!a.name || a.name != which));
  return r.alarms.length < n;
}

/** ntptime.cancel(alarm or name): 0 when it was there, 1 when not. */
export function cancel(r: Resident, which: unknown): number {
  if (!drop(r, which)) return 1;
  keep(r);
  return 0;
}

/**
 * Every alarm worked out again from the clock now (after its tick, a step, a zone change or
 * a new alarm): those due are rung (fn(at), `this` the alarm) or told missed, and moved on to
 * their next time; a one-off done is dropped. Nothing rings before the clock is set (the
 * build date), and none twice for one due time, since each goes on from the last it handled.
 */
export function ring(r: Resident) {
  r.dev.disarm(r.ringing!, r.ring!);
  r.ringing = 0;
  const now = r.dev.clock();
  if (now < CONFIG.pivot) return;
  const offset = (t: number) => offsetAt(zoneOf(r), t);
  const rung: Alarm[] = [];
  let changed = false;
  r.alarms!.forEach((a) => {
    const w = parseWhen(a.when)!;
    // (made before the clock was set: nothing of it was missed)
    if (!a.handled) a.handled = now;
    // not due by the last reckoning: again from now (the clock or the zone may have changed), never before the last handled
    if (!(a.next && a.next <= now)) a.next = nextAt(w, a.next ? Math.max(now, a.handled) : a.handled, offset);
    if (a.next && a.next <= now) {
      if (now - a.next <= GRACE) rung.push(a);
      else r.api.emit("missed", a, a.next);
      a.handled = a.next;
      a.next = nextAt(w, now, offset);
      changed = changed || !!a.name;
    }
  });
  r.alarms = r.alarms!.filter((a) => a.next).sort((a, b) => a.next - b.next);
  if (changed) keep(r);
  rung.forEach((a) => a.fn.call(a, a.handled));
}

/** ntptime.at(when, fn, name): a new alarm; with a name it replaces that name's and is kept across reboots. */
export function at(r: Resident, when: unknown, fn: unknown, name?: unknown): Alarm {
  if (!parseWhen(when) || typeof fn != "function" || (name != null && typeof name != "string"))
    throw new Error("ntptime.at(when, fn[, name]): when is \"07:00\", \"Mon-Fri 07:00\" or \"2027-01-01 07:00\" (seconds optional), fn a function, name a string");
  const a: Alarm = { when: when as string, next: 0, fn: fn as Alarm["fn"], handled: 0 };
  if (name) {
    a.name = name as string;
    drop(r, name);
    // the same alarm as before the reboot: from where it was, so that one due while the device was off is told
    const s = saved(r)[a.name];
    if (s && s[0] == when) a.handled = s[1];
  }
  r.alarms!.push(a);
  ring(r);
  if (a.name) keep(r);
  return a;
}
