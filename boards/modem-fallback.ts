import { Device, Ntptime } from "../lib/ntptime";
import { parseHost } from "../lib/host";
import { NTP_PORT } from "../lib/wire";
import { ModemClock } from "./board";

/**
 * On a modem that refuses to open UDP (reason "udp"), settime() falls back to the module's
 * own NTP command. Its answer is whole seconds and passes none of the reply checks, so it
 * is said so on the console and in ntptime.last (server "modem NTP", unchecked: true). The
 * one check kept: never a time before the firmware was built.
 */
export function withModemClock(ntptime: Ntptime, dev: Device, modemClock: ModemClock, pivot: number) {
  const settime = ntptime.settime;
  ntptime.settime = (tz) =>
    settime(tz).then((failed) => {
      const last = ntptime.last;
      if (!failed || !last || last.reason != "udp") return failed;
      return new Promise<number>((resolve) =>
        modemClock((parseHost(last.host, NTP_PORT) || { name: last.host }).name, (t, why) => {
          const head = "ntptime: " + last.host + " via modem NTP";
          if (t == null || t < pivot) {
            dev.log(head + " failed: " + (t == null ? why : "time before the build date"));
            return resolve(1);
          }
          // The modem truncates to the second: the middle of that second halves the worst error.
          const offset = t + 0.5 - dev.clock();
          dev.setTime(dev.clock() + offset);
          ntptime.last = { reason: "", host: last.host, server: "modem NTP", sent: 0, good: 0, offset: offset, unchecked: true };
          dev.log(head + " (whole-second, unchecked) offset " + offset.toFixed(1) + " s, set " + new Date(dev.clock() * 1000).toISOString());
          resolve(0);
        }),
      );
    });
}
