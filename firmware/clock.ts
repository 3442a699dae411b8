import { board } from "@board";
import { config } from "@config";
import { createNtptime } from "../lib/ntptime";
import { useZone } from "@zone";

// RFC 4330 s10: a client must never poll a server more often than once every 15 s.
const MIN_POLL = 15;

const dev = board.device;
// The zone (parsed by the build from a POSIX TZ string or hours) is applied by useZone.
const ntptime = createNtptime(dev, Object.assign({}, config, { tz: 0 }));
if (board.extend) board.extend(ntptime);
const offsetNow = useZone(ntptime, dev, config.zone!);
global.ntptime = ntptime;
let synced = false;

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

const resync = () => {
  ntptime.settime().then((failed) => {
    synced = synced || !failed;
    dev.after(resync, Math.max(MIN_POLL, config.poll) * 1000);
  });
};

dev.log("clock: board " + board.name + ", server " + ntptime.host + ", poll " + Math.max(MIN_POLL, config.poll) + " s");
const start = () =>
  board.up((err) => {
    if (!err) return resync();
    dev.log(board.name + ": " + err + ", trying again in 30 s");
    dev.after(start, 30000);
  });
start();
if (config.console) setInterval(tick, 1000);
