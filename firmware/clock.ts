import { board } from "@board";
import { config } from "@config";
import { createNtptime } from "../lib/ntptime";
import { useZone } from "@zone";
import { syncRound } from "@round";
import { MIN_POLL, nextPoll } from "../lib/poll";
import { TWO32 } from "../lib/wire";

const dev = board.device;
// The zone (parsed by the build from a POSIX TZ string or hours) is applied by useZone.
const ntptime = createNtptime(dev, Object.assign({}, config, { tz: 0 }));
if (board.extend) board.extend(ntptime);
const offsetNow = useZone(ntptime, dev, config.zone!);
global.ntptime = ntptime;
let synced = false;
/** the poll schedule: seconds between rounds, failed rounds in a row, device clock of the next */
let interval = 0;
let fails = 0;
let next = 0;
/** servers that answered Kiss-o'-Death DENY or RSTR: never asked again (RFC 4330 s8) */
const denied: Record<string, string> = {};
const servers = () => [ntptime.host].concat(config.servers);
ntptime.status = () => ({ servers: servers(), denied: denied, last: ntptime.last, next: next, interval: interval, fails: fails });

const two = (n: number) => (n < 10 ? "0" : "") + n;

/** "UTC+8", "UTC-3:30": the offset in effect now, DST included. */
const utc = (min: number) => {
  const a = Math.abs(min);
  return "UTC" + (min < 0 ? "-" : "+") + ((a / 60) | 0) + (a % 60 ? ":" + two(a % 60) : "");
};

const tick = () => {
  const t = ntptime.localtime();
  dev.log(t[0] + "-" + two(t[1]) + "-" + two(t[2]) + " " + two(t[3]) + ":" + two(t[4]) + ":" + two(t[5]) +
    " " + utc(offsetNow()) + (synced ? "" : " (not synced)"));
};

dev.log("clock: board " + board.name + ", server " + servers().join(" ") + ", poll " + Math.max(MIN_POLL, config.poll) + "-" + config.maxPoll + " s");
const later = (s: number) => {
  next = dev.clock() + s;
  dev.after(round, s * 1000);
};

const round = () => {
  const hosts = servers().filter((h) => !denied[h]);
  if (!hosts.length) return later(interval || MIN_POLL);
  syncRound(ntptime, dev, config, hosts, synced).then((results) => {
    let rate = false;
    results.forEach((r) => {
      // (the sync's own line already says "failed: kod DENY"; status().denied lists them)
      if (r.kiss == "DENY" || r.kiss == "RSTR") denied[r.host] = r.kiss;
      rate = rate || r.kiss == "RATE";
    });
    const ok = !ntptime.last!.reason;
    synced = synced || ok;
    fails = ok ? 0 : fails + 1;
    later((interval = nextPoll(interval || config.poll, config, ok ? ntptime.last!.offset : undefined, fails - 1, rate)));
  });
};

const start = () =>
  board.up((err) => {
    // A random start, so that a fleet powered on together does not ask at once.
    if (!err) return later((dev.rand() / TWO32) * config.startDelay);
    dev.log(board.name + ": " + err + ", trying again in 30 s");
    dev.after(start, 30000);
  });
start();
if (config.console) setInterval(tick, 1000);
