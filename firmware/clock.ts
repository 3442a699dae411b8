// The clock app, the composition root, and all of it that stays in memory: the state (one
// object, `app`), the timers' callbacks, the discipline's tick and a stub per REPL method.
// Everything else is the per-use code (@transient, firmware/transient.ts), made when a round,
// a boot or a REPL call needs it and garbage after: every sync is
//   the schedule (due) or ntptime.settime() -> run (firmware/schedule.ts) -> round (firmware/round.ts):
//   servers asked -> choice -> discipline -> console line, Kiss-o'-Death saved -> leap watch, events.
import { board } from "@board";
import { loadTransient } from "@transient";
import { offsetAt } from "@zone";
import { useDisplay } from "@display";
import { Ntptime } from "../lib/ntptime";
import { DISCIPLINE_LENGTH, tick } from "../lib/discipline";
import { civil, two } from "../lib/calendar";
import { Events, Resident } from "./round";

const dev = board.dev;

/** Every change of the clock comes through here; above the configured step threshold (RFC 5905 s11.3 STEPT) it is a step. */
const set = (t: number) => {
  const was = dev.clock();
  dev.setNow(t);
  if (Math.abs(t - was) > CONFIG.stepThreshold) ntptime.emit("step", was, t);
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
  zone: CONFIG.zone!,
  goodAt: 0,
  syncing: 0,
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
};
if (board.events) board.events(ntptime);
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
// at the longest interval without a good sync. The console line takes the local time from
// Date's ISO form of the shifted clock: the calendar code stays out of an image without a panel.
setInterval(() => {
  if (!app.syncing) tick(app.disc, app.clk, CONFIG.slew);
  if (CONFIG.console || CONFIG.display) {
    const u = dev.clock();
    const m = offsetAt(app.zone, u);
    const a = Math.abs(m);
    const zone = "UTC" + (m < 0 ? "-" : "+") + ((a / 60) | 0) + (a % 60 ? ":" + two(a % 60) : "");
    const state = !app.goodAt ? "not synced" : u - app.goodAt > 4 * CONFIG.maxPoll ? "stale" : "synced";
    if (CONFIG.display) panel.draw({ t: civil(u + m * 60), zone: zone, state: state });
    if (CONFIG.console) dev.log(new Date((u + m * 60) * 1000).toISOString().slice(0, 19).replace("T", " ") + " " + zone + (state == "synced" ? "" : " (" + state + ")"));
  }
}, 1000);
