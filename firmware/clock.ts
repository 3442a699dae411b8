import { board } from "@board";
import { config } from "@config";
import { Ntptime, Outcome, createNtptime } from "../lib/ntptime";
import { useZone } from "@zone";
import { syncRound } from "@round";
import { useDisplay } from "@display";
import { MIN_POLL, nextPoll, startWait } from "../lib/poll";
import { Applied, createDiscipline } from "../lib/discipline";
import { LEAP_STEP, leapAt } from "../lib/leap";
import { TWO32 } from "../lib/wire";
import { two } from "../lib/calendar";
import { View } from "../displays/render";
import { auth } from "@auth";

/** The record kept in board.store. */
interface Saved {
  /** from ntptime.sethost() */
  host?: string;
  /** hours, from ntptime.settime(hours) */
  tz?: number;
  denied?: Record<string, string>;
  /** the interval after a Kiss-o'-Death RATE, 0 once a round passes without one */
  rate?: number;
}

const dev = board.device;
/** What survives a reboot. Written only when it changes (REPL, Kiss-o'-Death), to spare the flash. */
const saved: Saved = board.store.read() || {};
const save = () => board.store.write(saved);
/** servers that answered Kiss-o'-Death DENY or RSTR: never asked again (RFC 4330 s8) */
const denied = saved.denied || (saved.denied = {});

/**
 * The options every sync runs with, built once: the REPL's settime() and the schedule's rounds
 * (one server or several) get this same object, so the key signs every request of either.
 */
const options = Object.assign({}, config, { tz: 0, host: saved.host || config.host, auth: auth });
const ntptime = createNtptime(dev, options) as Ntptime & Events;
if (board.extend) board.extend(ntptime);
// The zone (parsed by the build) is applied by useZone, unless settime(hours) chose one before a reboot.
const offsetNow = useZone(ntptime, dev, saved.tz == null ? config.zone! : { std: saved.tz * 60, dst: 0 });
global.ntptime = ntptime;

/**
 * Events for applications: ntptime.on("sync" | "error", outcome), ntptime.on("step", was,
 * now), ntptime.on("leap", step, at) when a server announces a leap second for tonight.
 */
interface Events {
  emit(event: string, ...args: unknown[]): void;
}
const setTime = dev.setTime;
/** Every change of the clock comes through here; up to the configured step threshold (RFC 5905 s11.3 STEPT) it is not a step. */
const set = (t: number) => {
  const was = dev.clock();
  setTime(t);
  if (Math.abs(t - was) > config.stepThreshold) ntptime.emit("step", was, t);
};
/** The clock between syncs: drift holdover, slews below config.stepThreshold (lib/discipline.ts). */
const discipline = createDiscipline({ clock: dev.clock, setTime: set }, config);
dev.setTime = (t, o) => {
  if (o) return (o.applied = discipline.measure(o.offset!, o.err!)) == "step" ? "step" : "slew";
  // a time with no sync behind it (a modem's whole seconds): the history starts again
  discipline.moved(t - dev.clock());
  set(t);
};
let told: Outcome | null = null;
const tell = () => {
  const o = ntptime.last;
  if (o && o != told) ntptime.emit(o.reason ? "error" : "sync", (told = o));
};

/** syncs under way: the discipline's ticks wait, since a correction inside an exchange would skew its sample */
let syncing = 0;
const settime = ntptime.settime;
ntptime.settime = (tz) => {
  syncing++;
  return settime(tz).then((r) => {
    syncing--;
    if (tz != null && ntptime.tz == tz && saved.tz !== tz) (saved.tz = tz), save();
    tell();
    return r;
  });
};
const sethost = ntptime.sethost;
ntptime.sethost = (h) => {
  const r = sethost(h);
  if (!r && saved.host !== h) (saved.host = h as string), save();
  return r;
};

/** the poll schedule: seconds between rounds, failed rounds in a row, device clock of the next */
let interval = saved.rate || 0;
let fails = 0;
let next = 0;
/** device clock of the last good sync, 0 before one */
let goodAt = 0;
/** the pending timer, and the boot it belongs to: a boot from save() restarts the schedule */
let timer: unknown = 0;
let boots = 0;
const servers = () => [ntptime.host].concat(config.servers);
ntptime.status = () => ({ servers: servers(), denied: denied, last: ntptime.last, next: next, interval: interval, fails: fails, ppm: discipline.freq() * 1e6 });

/** "UTC+8", "UTC-3:30": the offset in effect now, DST included. */
const utc = (min: number) => {
  const a = Math.abs(min);
  return "UTC" + (min < 0 ? "-" : "+") + ((a / 60) | 0) + (a % 60 ? ":" + two(a % 60) : "");
};

/** What the console and a display show; stale after four polls at the longest interval without a good sync. */
const view = (): View => ({
  t: ntptime.localtime(),
  zone: utc(offsetNow()),
  state: !goodAt ? "not synced" : dev.clock() - goodAt > 4 * config.maxPoll ? "stale" : "synced",
});

dev.log("clock: board " + board.name + ", server " + servers().join(" ") + ", poll " + Math.max(MIN_POLL, config.poll) + "-" + config.maxPoll + " s" + (auth ? ", key " + config.key : ""));
const later = (s: number) => {
  next = dev.clock() + s;
  timer = dev.after(round, s * 1000);
};

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

const round = () => {
  const hosts = servers().filter((h) => !denied[h]);
  if (!hosts.length) return later(interval || MIN_POLL);
  const boot = boots;
  // Rounds are `interval` apart from start to start, whatever a round took: a fleet started
  // in even slots (startWait) stays in them.
  const began = discipline.free();
  syncing++;
  syncRound(ntptime, dev, options, hosts, !!goodAt).then((results) => {
    syncing--;
    if (boot != boots) return;
    let rate = false;
    let changed = false;
    results.forEach((r) => {
      // (the sync's own line already says "failed: kod DENY"; status().denied lists them)
      if ((r.kiss == "DENY" || r.kiss == "RSTR") && !denied[r.host]) changed = !!(denied[r.host] = r.kiss);
      rate = rate || r.kiss == "RATE";
    });
    tell();
    const o = ntptime.last!;
    const ok = !o.reason;
    if (ok) (goodAt = dev.clock()), watchLeap(o.leap!);
    fails = ok ? 0 : fails + 1;
    interval = nextPoll(interval || config.poll, config, ok ? (o.applied as Applied) || "step" : undefined, fails - 1, rate);
    // A RATE is remembered across a reboot: the first round after it waits this long, not startDelay.
    if (rate != !!saved.rate) (saved.rate = rate ? interval : 0), (changed = true);
    if (changed) save();
    later(Math.max(0, interval - (discipline.free() - began)));
  });
};

const start = () => {
  dev.cancel(timer);
  boots++;
  board.up((err) => {
    // A start slot from the device's MAC, so that a fleet powered on together does not ask at once.
    if (!err) return later(saved.rate || startWait(dev.id!, dev.rand() / TWO32, config.startDelay));
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
  if (!config.console && !config.display) return;
  const v = view();
  const t = v.t;
  panel.draw(v);
  if (config.console)
    dev.log(t[0] + "-" + two(t[1]) + "-" + two(t[2]) + " " + two(t[3]) + ":" + two(t[4]) + ":" + two(t[5]) + " " + v.zone +
      (v.state == "synced" ? "" : " (" + v.state + ")"));
}, 1000);
