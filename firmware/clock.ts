// The clock app, the composition root, and all of it that stays in memory: the state (one
// object, `app`: firmware/state.ts), the timers' and the exchange's callbacks, the
// discipline's tick and a stub per REPL method. Everything else is in parts (build/bundle.mjs
// PARTS), made when a round, a boot or a REPL call needs one and garbage after, one at a time:
// the exchange with one server (firmware/parts/exchange.ts), a round's choice
// (firmware/parts/decide.ts), a round's end (firmware/parts/end.ts), the control part (firmware/parts/control.ts: start, boot, the
// schedule, the REPL) and with an RTC the chip's (firmware/parts/rtc.ts).
//
// The road from ntptime.settime() to the clock, hop by hop (the schedule's timer joins at 3):
//   1. firmware/clock.ts ntptime.settime -> use: no round under way, the control part entered
//   2. firmware/repl.ts replCall -> lib/ntptime.ts repl().settime -> firmware/repl.ts pipeline().run
//      (the schedule: firmware/clock.ts app.due -> firmware/schedule.ts due)
//   3. firmware/round.ts begin: a Round (data) queued on app.rounds, proceed() called
//   4. firmware/clock.ts app.proceed: the next server asked in the exchange part
//      (firmware/parts/exchange.ts -> lib/client.ts sync, the board's socket: boards/espruino.ts)
//   5. firmware/clock.ts app.asked: its outcome kept; proceed() again, for the next server
//   6. firmware/clock.ts app.proceed, every server asked: the decide part
//      (firmware/parts/decide.ts -> firmware/round-decide.ts -> firmware/round.ts decide: the
//      choice, firmware/choose-one.ts or choose-many.ts)
//   7. lib/discipline.ts measure: a step or a slew begun -> firmware/clock.ts moveBy, the one
//      setter of the clock (dev.setNow: Espruino's setTime); the outcome and its line kept on
//      the round, proceed() again
//   8. firmware/clock.ts app.proceed, the round decided: the end part (firmware/parts/end.ts
//      -> firmware/round-end.ts end): the console line, the leap watch (firmware/leap.ts), the
//      record (firmware/settings.ts), the RTC's write due, the events, the next round
//      (firmware/schedule.ts reschedule), the promise's settling kept in app.settle
//   9. firmware/clock.ts app.proceed: the promise settled, the end part now garbage
// Between rounds the tick below (lib/discipline.ts tick -> moveBy) slews what step 7 began.
import { board } from "@board";
import { useDisplay } from "@display";
import { Ntptime } from "../lib/ntptime";
import { DISCIPLINE_LENGTH, tick } from "../lib/discipline";
import { two } from "../lib/calendar";
import { Events, Part, Resident } from "./state";
import { Fault } from "./faults";
import { NTP_PORT } from "../lib/wire";
import { PCF8563_PHASE } from "../lib/rtc";

const dev = board.dev;

/**
 * The tick's figures (the tick below), an enum so that the build writes them into the code:
 * esbuild folds no plain const of a module that imports, and a number kept in the wrapper's
 * scope takes two JsVars for good.
 */
const enum Tick {
  /** ms between the backstop's looks for a tick */
  BackstopEvery = 2000,
  /** beats a tick counts with no look before it takes the backstop for lost (three periods) */
  BackstopLost = 6,
  /**
   * ticks the supervisor's recovery may be cut short in a row before the image starts again
   * from flash: longer than an app's moment without memory (the fault soak's last 12 s), short
   * enough that memory the interpreter keeps after an interrupted event (each recovery then cut
   * short) is given back within the 30 s after a fault that the fault soak allows (60 ticks were
   * not: its seed 28, the full config)
   */
  RecoveryTries = 15,
  /** seconds before its moment that the RTC's write is called: time to load its part */
  RtcLead = 0.15,
}

/**
 * Every change of the clock comes through here, by `d` seconds; above the configured step
 * threshold (RFC 5905 s11.3 STEPT) it is a step. The clock is read right before it is set:
 * every setTime loses the time between (about 10 us on the interpreter at rest, 50-70 us with
 * the machine's cores busy, and a whole time slice when the process is preempted in between).
 */
const moveBy = (d: number) => {
  const was = dev.clock();
  dev.setNow(was + d);
  if (Math.abs(d) > CONFIG.stepThreshold) {
    // (the schedule's next round stays where it was in time: its timer does, and the tick checks it)
    app.nextAt += d;
    ntptime.emit("step", was, was + d);
    // the alarms worked out again from the new clock (firmware/alarms.ts)
    if (CONFIG.alarms && app.alarms!.length) app.ringing = dev.after(app.ring!, 0);
  }
};

/**
 * Every entry into a part: app.part names the part until the entry returns or
 * throws. Out of memory interrupts Espruino's whole event, finally blocks too, so a part
 * still named at the next tick was cut short, and the supervisor recovers (the tick below).
 */
const enter = (part: Part, fn: () => any) => {
  const was = app.part;
  app.part = part;
  try {
    return fn();
  } finally {
    app.part = was;
  }
};

/**
 * A REPL call (firmware/repl.ts replCall). While a round holds its part (the exchange or
 * its end) nothing loads on top of it: the call answers at once as a failure, "busy", with
 * a line, and is the caller's to make again.
 */
const use = (method: string, a?: unknown, b?: unknown, c?: unknown): any => {
  if (!app.rounds.length) return enter(Part.Control, () => loadControl().replCall(app, method, a, b, c));
  dev.log("ntptime: busy, a round is under way: " + method + "() gives 1");
  // (as a failed round answers: settime() with 1, time() with the reason)
  return method == "settime" ? Promise.resolve(1) : method == "time" ? Promise.reject(Error("busy")) : 1;
};

const ntptime = {
  host: CONFIG.host,
  tz: 0,
  last: null,
  sethost: (host: unknown) => use("sethost", host),
  settime: (tz?: number) => use("settime", tz),
  time: () => use("time"),
  // The local time is the device's own Date (dev.local), with the day of the year as
  // MicroPython's utime.localtime() gives it: no part loaded, so an app may ask at any
  // moment, during a round too.
  localtime: (t?: number) => {
    const l = dev.local(t == null ? dev.clock() : t);
    l[7] = Math.round((new Date(l[0], l[1] - 1, l[2]).getTime() - new Date(l[0], 0, 1).getTime()) / 864e5) + 1;
    return l;
  },
  status: () => use("status"),
} as Ntptime & Events;

const app: Resident = {
  board: board,
  dev: dev,
  api: ntptime,
  disc: new Float64Array(DISCIPLINE_LENGTH),
  clock: dev.clock,
  moveBy: moveBy,
  store: board.store,
  saved: {},
  goodAt: 0,
  rounds: [],
  pollEvery: 0,
  failed: 0,
  nextAt: 0,
  timer: 0,
  boots: 0,
  online: false,
  part: 0,
  watch: CONFIG.stall!,
  // (the first tick makes the backstop)
  beat: Tick.BackstopLost,
  // The schedule's timer, during a round: held, and run once the round ends. (Its id is
  // forgotten as it fires: Espruino hands a fired timer's id to the next timer, which
  // later()'s disarm would otherwise cancel.)
  due: () => {
    app.timer = 0;
    if (app.rounds.length) app.held = 1;
    else enter(Part.Control, () => loadControl().due(app));
  },
  leapNow: () => enter(Part.Control, () => loadControl().leapNow(app)),
  // One part at a time: the exchange for each server, then the round's
  // choice, then its end; with no round, the schedule's round if it came due meanwhile.
  proceed: () => {
    // a REPL promise the last part settled: now that its code is garbage
    const s = app.settle;
    if (s) {
      // (deleted, not left holding undefined: a field takes a JsVar for good)
      delete app.settle;
      s[0](s[1]);
    }
    const q = app.rounds[0];
    // (asked twice, by a round's end and a round begun: one step at a time)
    if (q && q.stepping) return;
    if (!q) {
      app.watch = Math.max(0, Math.ceil(app.nextAt - dev.clock())) + 5;
      if (app.held) {
        delete app.held;
        app.due();
      }
      return;
    }
    const i = q.results.length;
    // (a host checked by begin: "name" or "name:port"; port 0, a failure without I/O, for "")
    const h = i < q.to.length ? q.to[i].split(":") : null;
    // (a step's bound, build/config.mjs configDefines; a round's choice may wait for a modem's own NTP command, an AT command of up to 60 s)
    app.watch = CONFIG.stall! + (h ? 0 : 60);
    q.stepping = 1;
    // (an answer from an exchange the supervisor gave up on, once its round has ended, is dropped)
    if (h) {
      const halt = enter(Part.Exchange, () => loadExchange()(dev, h[0], h[0] ? +(h[1] || NTP_PORT) : 0, (x) => app.rounds[0] == q && app.asked(x)));
      // (its abort holds the exchange's code, so it is kept only while the exchange is under
      // way: one that ended before returning, as a host that is not one does, has already
      // been through asked(), and a kept abort would hold that code while the next part loads)
      if (q.stepping) q.halt = halt;
    } else if (!q.out) enter(Part.Decide, () => loadDecide()(app));
    else enter(Part.End, () => loadEnd()(app));
  },
  // (from inside the exchange: proceed() waits until it has unwound and its code is garbage)
  asked: (x) => {
    const q = app.rounds[0];
    // (its end forgotten: it holds the exchange's code, which must be garbage before the next part loads)
    q.stepping = 0;
    q.halt = 0;
    q.results.push(Object.assign(x, { host: q.hosts[q.results.length] }));
    dev.after(app.proceed, 0);
  },
};
if (board.events) board.events(ntptime);
// Alarms only in an image that asks for them (CONFIG.alarms: an --entry app's): the default image carries none.
if (CONFIG.rtc)
  app.rtcWrite = () => {
    delete app.rtcArmed;
    // (a round begun since it was armed holds its part: the tick arms the write again after it)
    if (!app.rounds.length) enter(Part.Rtc, () => loadRtc().toChip(app));
  };
if (CONFIG.alarms) {
  ntptime.at = (when, fn, name) => use("at", when, fn, name);
  ntptime.cancel = (which) => use("cancel", which);
  app.alarms = [];
  app.ringing = 0;
  app.ring = () => enter(Part.Control, () => loadControl().ring!(app));
}
global.ntptime = ntptime;
enter(Part.Control, () => loadControl().start(app));

// (an image without a panel makes none: CONFIG.display.type is folded at build time, and the
// no-op panel's object and closures would be 20 JsVars for good)
const panel = CONFIG.display!.type ? useDisplay() : undefined;
const boot = () => {
  if (CONFIG.display!.type) panel!.connect();
  // A power-on (the clock before the build date): the battery-backed RTC's time first. A boot
  // that keeps the clock (load() after save(), the supervisor's last resort) keeps its own.
  if (CONFIG.rtc && dev.clock() < CONFIG.pivot) enter(Part.Rtc, () => loadRtc().boot(app));
  enter(Part.Control, () => loadControl().boot(app));
};
// Uploaded, the image boots at once; saved, it runs at every boot, where E.on("init") comes
// first and this timer finds it booted. A boot from save() also gets a fresh schedule.
dev.after(() => app.boots || boot(), 0);
board.onBoot(boot);

// One tick a second. First the supervisor: an entry into a part cut short (out of
// memory), a round that has not moved on for longer than a step can take, or a schedule
// whose timer never fired. Its recovery (firmware/supervise.ts, in the end part)
// ends the round as failed, counts the fault and arms the schedule again; if memory is still
// short it is cut short itself and tried again at the next tick. It never sets the clock.
// Then the discipline's correction (not during a round: a correction inside an exchange
// would skew its sample), then the faces: the local time, the offset in effect (DST
// included) as "UTC+8" or "UTC-3:30", and the sync state, stale after four polls at the
// longest interval without a good sync. The local time is the device's (dev.local: on
// Espruino its own Date, which follows E.setTimeZone and E.setDST), so neither the zone's
// rules nor the calendar stay in memory.
//
// The tick arms its successor before anything else, 5 ms into the next second (the faces
// change with it; a timer a little early still lands after the top, so no second ticks
// twice): Espruino drops an interval whose callback is cut short by a moment without
// memory, where a timeout armed first survives whatever the rest of the tick meets. Only
// that first arming can be cut short itself, and then no tick is armed: the backstop, an
// interval, arms one again when no tick has counted a beat since it last looked; a tick that
// counts Tick.BackstopLost beats unlooked-at makes the backstop again (dropped by a call of its
// own cut short). The two are lost together only if both are cut short within two periods.
// (A beat counted, not a timer looked up in Espruino's list: 5 JsVars less for good. A tick
// cannot go unseen for a period while it is armed: the loop blocked for that long runs every
// timer due before the backstop's next call, and an ESP8266's watchdog resets it sooner.)
const backstop = () => {
  if (!app.beat) dev.after(second, 0);
  app.beat = 0;
};
const second = () => {
  dev.after(second, 1005 - (dev.clock() % 1) * 1000);
  if (++app.beat > Tick.BackstopLost) {
    app.beat = 0;
    dev.interval(backstop, Tick.BackstopEvery);
  }
  // Out of memory in an exchange's own callback (a reply's checks: a key's SHA1), which no
  // entry marks, is in Espruino's error flags, read (and so cleared) while an exchange is under way.
  const q0 = app.rounds[0];
  const cut = app.part || (q0 && q0.halt && typeof E != "undefined" && E.getErrorFlags && E.getErrorFlags().indexOf("MEMORY") >= 0 ? Part.Exchange : 0);
  if (cut || --app.watch < 0) {
    // (a recovery cut short: the same cause again)
    const cause = cut >= Part.Recover ? cut : Part.Recover + (cut ? Fault.Memory : Fault.Stalled) * 8 + cut;
    app.part = 0;
    app.watch = 5;
    // the exchange under way ended first: its socket, its timer and its memory, which the recovery may need
    if (q0 && q0.halt) {
      q0.halt();
      // (the abort holds the exchange's code: garbage before the recovery's part loads)
      q0.halt = 0;
    }
    // The recovery cut short at every tick for 15 s: memory is held by what the clock cannot
    // free, and the last resort is the board's own, the image started again from flash (as
    // firmware/supervise.ts does after three scheduled rounds short of memory).
    if (cut >= Part.Recover && (app.tries = (app.tries || 0) + 1) > Tick.RecoveryTries && typeof load != "undefined") load();
    enter(cause, () => loadEnd()(app, cause));
    delete app.tries;
  }
  // (every second, during a round too, so that it sees a clock someone else moved)
  tick(app.disc, app, app.rounds.length ? 0 : CONFIG.slew);
  // The battery-backed RTC to be written (firmware/rtc.ts), with no round under way: a timer
  // a little before the moment of the second its write needs (lib/rtc.ts RTC_PHASE), where it
  // waits out the rest.
  if (CONFIG.rtc && app.rtcDue && !app.rtcArmed && !app.rounds.length)
    app.rtcArmed = dev.after(app.rtcWrite!, (((CONFIG.rtc.type == "pcf8563" ? PCF8563_PHASE : 0) - (dev.clock() % 1) + 1 - Tick.RtcLead) % 1) * 1000);
  // An alarm due within the second: a timer to the moment, never one aimed further ahead
  // (a step shifts it: firmware/alarms.ts). Not before the clock is set (the build date).
  const now = dev.clock();
  // The schedule's round, its time come a second ago and its timer not fired: every setTime
  // (a tick's correction) holds Espruino's timers back by the time since its idle loop began
  // (it takes the time set for the loop's start, jsiLastIdleTime), and a timer armed a poll
  // ahead falls behind the clock; the supervisor took that for a lost schedule.
  if (app.timer && !app.rounds.length && now > app.nextAt + 1) {
    dev.disarm(app.timer, app.due);
    app.due();
  }
  if (CONFIG.alarms) {
    const next = app.alarms![0];
    if (next && !app.ringing && now > CONFIG.pivot && now + 1 > next.next) app.ringing = dev.after(app.ring!, Math.max(0, (next.next - now) * 1000));
  }
  // (the panel's type, not CONFIG.display, which would keep the wiring in memory: build/config.mjs configDefines)
  if (CONFIG.console || CONFIG.display!.type) {
    const t = dev.local(now);
    const m = t[7];
    const a = Math.abs(m);
    const zone = "UTC" + (m < 0 ? "-" : "+") + ((a / 60) | 0) + (a % 60 ? ":" + two(a % 60) : "");
    // (firmware/round.ts syncState written out: a function of the resident code's own would
    // keep about 7 JsVars for good)
    const state = !app.goodAt ? (CONFIG.rtc && app.fromRtc ? "rtc" : "not synced") : now - app.goodAt > 4 * CONFIG.maxPoll ? "stale" : "synced";
    if (CONFIG.display!.type) panel!.draw({ t: t, zone: zone, state: state });
    if (CONFIG.console)
      dev.log(t[0] + "-" + two(t[1]) + "-" + two(t[2]) + " " + two(t[3]) + ":" + two(t[4]) + ":" + two(t[5]) + " " + zone + (state == "synced" ? "" : " (" + state + ")"));
  }
};
dev.after(second, 1000);
