// The clock app, the composition root: what lives between rounds. A round (the schedule's
// or the REPL's) is one road, in firmware/round.ts, whose code is made for the round and
// dropped after it (@transient): run() -> round -> choice -> discipline -> saved -> events.
import { board } from "@board";
import { loadTransient } from "@transient";
import { applyZone, offsetAt } from "@zone";
import { useDisplay } from "@display";
import { Ntptime, Outcome, createNtptime } from "../lib/ntptime";
import { MIN_POLL, nextPoll, startWait } from "../lib/poll";
import { Applied, createDiscipline } from "../lib/discipline";
import { LEAP_STEP, leapAt } from "../lib/leap";
import { TWO32 } from "../lib/wire";
import { two } from "../lib/calendar";
import { Zone } from "../lib/tz";
import { View } from "../displays/render";

/**
 * Events for applications: ntptime.on("sync" | "error", outcome), ntptime.on("step", was,
 * now), ntptime.on("leap", step, at) when a server announces a leap second for tonight.
 */
interface Events {
  emit(event: string, ...args: unknown[]): void;
}

const dev = board.device;
const store = board.store;
/** What survives a reboot, checked against this image. Written only when it changes (REPL, Kiss-o'-Death), to spare the flash. */
const saved = loadTransient().settings(store.read(), dev.log, store.aside);
const denied = saved.denied!;
const save = () => store.write(JSON.stringify(saved));

/** The zone: the build's (parsed by build.mjs), unless settime(hours) chose one. */
let zone: Zone = saved.tz == null ? CONFIG.zone! : { std: saved.tz * 60, dst: 0 };
applyZone(dev, zone);

/** Every change of the clock comes through here; above the configured step threshold (RFC 5905 s11.3 STEPT) it is a step. */
const set = (t: number) => {
  const was = dev.clock();
  dev.setTime(t);
  if (Math.abs(t - was) > CONFIG.stepThreshold) ntptime.emit("step", was, t);
};
/** The clock between syncs: drift holdover, slews below the step threshold (lib/discipline.ts). */
const discipline = createDiscipline({ clock: dev.clock, setTime: set }, { slew: CONFIG.slew, stepThreshold: CONFIG.stepThreshold });

/** syncs under way: the discipline's ticks wait, since a correction inside an exchange would skew its sample */
let syncing = 0;
/** device clock of the last good sync, 0 before one */
let goodAt = 0;
const servers = () => [ntptime.host].concat(CONFIG.servers);
const hosts = () => servers().filter((h) => !denied[h]);

/**
 * The one road from the network to the clock, for the schedule and the REPL alike: a round
 * over every server not denied (firmware/round.ts), then the leap watch and the events.
 */
const run = (apply: boolean, cb: (o: Outcome, rate: boolean) => void) => {
  const asked = hosts();
  if (!asked.length) {
    dev.log("ntptime: every server answered Kiss-o'-Death DENY or RSTR; not asking (status().denied)");
    return cb((ntptime.last = { reason: "denied", host: ntptime.host, server: ntptime.host, sent: 0, good: 0 }), false);
  }
  syncing++;
  const r = { dev: dev, ntptime: ntptime, discipline: discipline, set: set, saved: saved, save: save, synced: !!goodAt, modemNtp: board.modemNtp };
  loadTransient().round(r, asked, apply, (o, rate) => {
    syncing--;
    if (apply) {
      if (!o.reason) (goodAt = dev.clock()), watchLeap(o.leap || 0);
      ntptime.emit(o.reason ? "error" : "sync", o);
    }
    cb(o, rate);
  });
};

const ntptime = createNtptime(dev, saved.host || CONFIG.host, zone.std / 60, {
  run: run,
  offset: (t) => offsetAt(zone, t),
  fix: (hours) => {
    zone = { std: hours * 60, dst: 0 };
    dev.setZone(hours);
    if (saved.tz !== hours) (saved.tz = hours), save();
  },
  accept: (host) => {
    if (!loadTransient().valid(host)) return false;
    if (saved.host !== host) (saved.host = host as string), save();
    return true;
  },
}) as Ntptime & Events;
if (board.events) board.events(ntptime);
global.ntptime = ntptime;

/** the poll schedule: seconds between rounds, failed rounds in a row, device clock of the next */
let interval = saved.rate || 0;
let fails = 0;
let next = 0;
/** the pending timer, and the boot it belongs to: a boot from save() restarts the schedule */
let timer: unknown = 0;
let boots = 0;
ntptime.status = () => ({ servers: servers(), denied: denied, last: ntptime.last, next: next, interval: interval, fails: fails, ppm: discipline.freq() * 1e6 });

/** What the console and a display show; stale after four polls at the longest interval without a good sync. */
const view = (): View => {
  const m = offsetAt(zone, dev.clock());
  const a = Math.abs(m);
  return {
    t: ntptime.localtime(),
    // "UTC+8", "UTC-3:30": the offset in effect now, DST included
    zone: "UTC" + (m < 0 ? "-" : "+") + ((a / 60) | 0) + (a % 60 ? ":" + two(a % 60) : ""),
    state: !goodAt ? "not synced" : dev.clock() - goodAt > 4 * CONFIG.maxPoll ? "stale" : "synced",
  };
};

dev.log("clock: board " + board.name + ", server " + servers().join(" ") + ", poll " + Math.max(MIN_POLL, CONFIG.poll) + "-" + CONFIG.maxPoll + " s" + (CONFIG.key != null ? ", key " + CONFIG.key : ""));

/**
 * The leap second announced for tonight: its midnight (0: none), the timer that steps the
 * clock then, and the last midnight done (after stepping back the clock reads that day
 * again for a second, while servers still announce it).
 */
let leapMidnight = 0;
let leapTimer: unknown = 0;
let leapt = 0;
const watchLeap = (li: number) => {
  dev.cancel(leapTimer);
  const at = leapAt(dev.clock(), li);
  if (at == leapt) return;
  if (at && at != leapMidnight) ntptime.emit("leap", LEAP_STEP[li], at);
  if ((leapMidnight = at))
    leapTimer = dev.after(() => {
      leapMidnight = 0;
      leapt = at;
      discipline.leap(LEAP_STEP[li]);
      dev.log("ntptime: leap second, clock " + (li == 1 ? "back" : "forward") + " 1 s");
    }, (at - dev.clock()) * 1000);
};

const later = (s: number) => {
  next = dev.clock() + s;
  timer = dev.after(round, s * 1000);
};
const round = () => {
  if (!hosts().length) return later(interval || MIN_POLL);
  const boot = boots;
  // Rounds are `interval` apart from start to start, whatever a round took: a fleet started
  // in even slots (startWait) stays in them.
  const began = discipline.free();
  run(true, (o, rate) => {
    if (boot != boots) return;
    fails = o.reason ? fails + 1 : 0;
    interval = nextPoll(interval || CONFIG.poll, { poll: CONFIG.poll, maxPoll: CONFIG.maxPoll }, o.reason ? undefined : (o.applied as Applied) || "step", fails - 1, rate);
    // A RATE is remembered across a reboot: the first round after it waits this long, not startDelay.
    if (rate != !!saved.rate) (saved.rate = rate ? interval : 0), save();
    later(Math.max(0, interval - (discipline.free() - began)));
  });
};

const start = () => {
  dev.cancel(timer);
  boots++;
  board.up((err) => {
    // A start slot from the device's MAC, so that a fleet powered on together does not ask at once.
    if (!err) return later(saved.rate || startWait(dev.id!, dev.rand() / TWO32, CONFIG.startDelay));
    dev.log(board.name + ": " + err + ", trying again in 30 s");
    timer = dev.after(start, 30000);
  });
};
const panel = useDisplay();
const boot = () => {
  panel.connect();
  start();
};
// Uploaded, the image boots at once; saved, it runs at every boot, where E.on("init") comes
// first and cancels this timer. A boot from save() also gets a fresh schedule.
timer = dev.after(boot, 0);
board.onBoot(boot);
// One tick a second: the discipline's correction first, then the faces, with the view
// computed once for the console and the panel.
setInterval(() => {
  if (!syncing) discipline.tick();
  if (!CONFIG.console && !CONFIG.display) return;
  const v = view();
  const t = v.t;
  panel.draw(v);
  if (CONFIG.console)
    dev.log(t[0] + "-" + two(t[1]) + "-" + two(t[2]) + " " + two(t[3]) + ":" + two(t[4]) + ":" + two(t[5]) + " " + v.zone +
      (v.state == "synced" ? "" : " (" + v.state + ")"));
}, 1000);
