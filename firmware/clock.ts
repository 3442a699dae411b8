// The clock app, the composition root, and all of it that stays in memory: the state (one
// object, `app`), the timers' and the exchange's callbacks, the discipline's tick and a stub
// per REPL method. Everything else is per-use code, made when a round, a boot or a REPL call
// needs it and garbage after, in three parts, one at a time: the exchange with one server
// (@exchange, firmware/exchange.ts), a round's end (@decision, firmware/decision.ts) and the
// rest (@transient, firmware/transient.ts: boot, the schedule, the REPL). Every sync is
//   the schedule (due) or ntptime.settime() -> begin (firmware/schedule.ts): a round queued
//   -> proceed, here: each server asked (the exchange) -> the round's end (firmware/decision.ts,
//   firmware/round.ts): choice -> discipline -> console line, Kiss-o'-Death saved -> leap watch, events.
import { board } from "@board";
import { loadExchange } from "@exchange";
import { loadDecision } from "@decision";
import { loadTransient } from "@transient";
import { useDisplay } from "@display";
import { Ntptime } from "../lib/ntptime";
import { DISCIPLINE_LENGTH, tick } from "../lib/discipline";
import { two } from "../lib/calendar";
import { Events, Resident } from "./round";
import { NTP_PORT } from "../lib/wire";

const dev = board.dev;

/** Every change of the clock comes through here; above the configured step threshold (RFC 5905 s11.3 STEPT) it is a step. */
const set = (t: number) => {
  const was = dev.clock();
  dev.setNow(t);
  if (Math.abs(t - was) > CONFIG.stepThreshold) {
    ntptime.emit("step", was, t);
    // the alarms worked out again from the new clock (firmware/alarms.ts)
    if (CONFIG.alarms && app.alarms!.length) app.ringing = dev.after(app.ring!, 0);
  }
};

const ntptime = {
  host: CONFIG.host,
  tz: 0,
  last: null,
  sethost: (host: unknown) => loadTransient().repl(app).sethost(host),
  settime: (tz?: number) => loadTransient().repl(app).settime(tz),
  time: () => loadTransient().repl(app).time(),
  localtime: (t?: number) => loadTransient().repl(app).localtime(t),
  status: () => loadTransient().status(app),
} as Ntptime & Events;

const app: Resident = {
  board: board,
  dev: dev,
  api: ntptime,
  disc: new Float64Array(DISCIPLINE_LENGTH),
  clk: { clock: dev.clock, setNow: set },
  store: board.store,
  saved: {},
  modemNtp: board.modemNtp,
  goodAt: 0,
  rounds: [],
  pollEvery: 0,
  failed: 0,
  nextAt: 0,
  timer: 0,
  boots: 0,
  online: false,
  leapMidnight: 0,
  leapTimer: 0,
  leapt: 0,
  leapStep: 0,
  due: () => loadTransient().due(app),
  leapNow: () => loadTransient().leapNow(app),
  // One part of the per-use code at a time: the exchange for each server, then the round's end.
  proceed: () => {
    const q = app.rounds[0];
    const i = q.results.length;
    // (a host checked by begin: "name" or "name:port"; port 0, a failure without I/O, for "")
    const h = i < q.to.length ? q.to[i].split(":") : null;
    if (h) loadExchange()(dev, h[0], h[0] ? +(h[1] || NTP_PORT) : 0, app.asked);
    else loadDecision()(app);
  },
  // (from inside the exchange: proceed() waits until it has unwound and its code is garbage)
  asked: (x) => {
    const q = app.rounds[0];
    q.results.push(Object.assign(x, { host: q.hosts[q.results.length] }));
    dev.after(app.proceed, 0);
  },
};
if (board.events) board.events(ntptime);
// Alarms only in an image that asks for them (CONFIG.alarms: an --entry app's): the default image carries none.
if (CONFIG.alarms) {
  ntptime.at = (when, fn, name) => loadTransient().at!(app, when, fn, name);
  ntptime.cancel = (which) => loadTransient().cancel!(app, which);
  app.alarms = [];
  app.ringing = 0;
  app.ring = () => loadTransient().ring!(app);
}
global.ntptime = ntptime;
loadTransient().start(app);

const panel = useDisplay();
const boot = () => {
  panel.connect();
  loadTransient().boot(app);
};
// Uploaded, the image boots at once; saved, it runs at every boot, where E.on("init") comes
// first and cancels this timer. A boot from save() also gets a fresh schedule.
app.timer = dev.after(boot, 0);
board.onBoot(boot);

// One tick a second: the discipline's correction first (not during a round: a correction
// inside an exchange would skew its sample), then the faces: the local time, the offset in
// effect (DST included) as "UTC+8" or "UTC-3:30", and the sync state, stale after four polls
// at the longest interval without a good sync. The local time is the device's (dev.local: on
// Espruino its own Date, which follows E.setTimeZone and E.setDST), so neither the zone's
// rules nor the calendar stay in memory.
setInterval(() => {
  if (!app.rounds.length) tick(app.disc, app.clk, CONFIG.slew);
  // An alarm due within the second: a timer to the moment, never one aimed further ahead
  // (a step shifts it: firmware/alarms.ts). Not before the clock is set (the build date).
  const now = dev.clock();
  if (CONFIG.alarms) {
    const next = app.alarms![0];
    if (next && !app.ringing && now > CONFIG.pivot && now + 1 > next.next) app.ringing = dev.after(app.ring!, Math.max(0, (next.next - now) * 1000));
  }
  // (the panel's type, not CONFIG.display, which would keep the wiring in memory: build.mjs configDefines)
  if (CONFIG.console || CONFIG.display!.type) {
    const t = dev.local(now);
    const m = t[7];
    const a = Math.abs(m);
    const zone = "UTC" + (m < 0 ? "-" : "+") + ((a / 60) | 0) + (a % 60 ? ":" + two(a % 60) : "");
    const state = !app.goodAt ? "not synced" : now - app.goodAt > 4 * CONFIG.maxPoll ? "stale" : "synced";
    if (CONFIG.display!.type) panel.draw({ t: t, zone: zone, state: state });
    if (CONFIG.console)
      dev.log(t[0] + "-" + two(t[1]) + "-" + two(t[2]) + " " + two(t[3]) + ":" + two(t[4]) + ":" + two(t[5]) + " " + zone + (state == "synced" ? "" : " (" + state + ")"));
  }
}, 1000);
