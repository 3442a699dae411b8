import { board } from "@board";
import { config } from "@config";
import { Ntptime, Outcome, createNtptime } from "../lib/ntptime";
import { useZone } from "@zone";
import { syncRound } from "@round";
import { useDisplay } from "@display";
import { HOLD, MIN_POLL, nextPoll } from "../lib/poll";
import { TWO32 } from "../lib/wire";
import { View } from "../displays/render";

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

const ntptime = createNtptime(dev, Object.assign({}, config, { tz: 0, host: saved.host || config.host })) as Ntptime & Events;
if (board.extend) board.extend(ntptime);
// The zone (parsed by the build) is applied by useZone, unless settime(hours) chose one before a reboot.
const offsetNow = useZone(ntptime, dev, saved.tz == null ? config.zone! : { std: saved.tz * 60, dst: 0 });
global.ntptime = ntptime;

/** Events for applications: ntptime.on("sync" | "error", outcome), ntptime.on("step", was, now). */
interface Events {
  emit(event: string, ...args: unknown[]): void;
}
const setTime = dev.setTime;
dev.setTime = (t) => {
  const was = dev.clock();
  setTime(t);
  // Below NTP's step threshold a correction is not a step (RFC 5905 s11.3).
  if (Math.abs(t - was) > HOLD) ntptime.emit("step", was, t);
};
let told: Outcome | null = null;
const tell = () => {
  const o = ntptime.last;
  if (o && o != told) ntptime.emit(o.reason ? "error" : "sync", (told = o));
};

const settime = ntptime.settime;
ntptime.settime = (tz) => {
  return settime(tz).then((r) => {
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
ntptime.status = () => ({ servers: servers(), denied: denied, last: ntptime.last, next: next, interval: interval, fails: fails });

const two = (n: number) => (n < 10 ? "0" : "") + n;

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

dev.log("clock: board " + board.name + ", server " + servers().join(" ") + ", poll " + Math.max(MIN_POLL, config.poll) + "-" + config.maxPoll + " s");
const later = (s: number) => {
  next = dev.clock() + s;
  timer = dev.after(round, s * 1000);
};

const round = () => {
  const hosts = servers().filter((h) => !denied[h]);
  if (!hosts.length) return later(interval || MIN_POLL);
  const boot = boots;
  syncRound(ntptime, dev, config, hosts, !!goodAt).then((results) => {
    if (boot != boots) return;
    let rate = false;
    let changed = false;
    results.forEach((r) => {
      // (the sync's own line already says "failed: kod DENY"; status().denied lists them)
      if ((r.kiss == "DENY" || r.kiss == "RSTR") && !denied[r.host]) changed = !!(denied[r.host] = r.kiss);
      rate = rate || r.kiss == "RATE";
    });
    tell();
    const ok = !ntptime.last!.reason;
    if (ok) goodAt = dev.clock();
    fails = ok ? 0 : fails + 1;
    interval = nextPoll(interval || config.poll, config, ok ? ntptime.last!.offset : undefined, fails - 1, rate);
    // A RATE is remembered across a reboot: the first round after it waits this long, not startDelay.
    if (rate != !!saved.rate) (saved.rate = rate ? interval : 0), (changed = true);
    if (changed) save();
    later(interval);
  });
};

const start = () => {
  dev.cancel(timer);
  boots++;
  board.up((err) => {
    // A random start, so that a fleet powered on together does not ask at once.
    if (!err) return later(saved.rate || (dev.rand() / TWO32) * config.startDelay);
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
// One tick a second for every face: the view is computed once for the console and the panel.
if (config.console || config.display)
  setInterval(() => {
    const v = view();
    const t = v.t;
    panel.draw(v);
    if (config.console)
      dev.log(t[0] + "-" + two(t[1]) + "-" + two(t[2]) + " " + two(t[3]) + ":" + two(t[4]) + ":" + two(t[5]) + " " + v.zone +
        (v.state == "synced" ? "" : " (" + v.state + ")"));
  }, 1000);
