import { board } from "@board";
import { config } from "@config";
import { createNtptime } from "../lib/ntptime";

// RFC 4330 s10: a client must never poll a server more often than once every 15 s.
const MIN_POLL = 15;

const dev = board.device;
const ntptime = createNtptime(dev, config);
if (board.extend) board.extend(ntptime);
global.ntptime = ntptime;
let synced = false;

const two = (n: number) => (n < 10 ? "0" : "") + n;

const tick = () => {
  const t = ntptime.localtime();
  dev.log(t[0] + "-" + two(t[1]) + "-" + two(t[2]) + " " + two(t[3]) + ":" + two(t[4]) + ":" + two(t[5]) +
    " UTC" + (ntptime.tz < 0 ? "" : "+") + ntptime.tz + (synced ? "" : " (not synced)"));
};

const resync = () => {
  ntptime.settime().then((failed) => {
    synced = synced || !failed;
    dev.after(resync, Math.max(MIN_POLL, config.poll) * 1000);
  });
};

dev.log("clock: board " + board.name + ", server " + ntptime.host + ", poll " + Math.max(MIN_POLL, config.poll) + " s");
if (config.tz) dev.setZone(config.tz);
const start = () =>
  board.up((err) => {
    if (!err) return resync();
    dev.log(board.name + ": " + err + ", trying again in 30 s");
    dev.after(start, 30000);
  });
start();
if (config.console) setInterval(tick, 1000);
