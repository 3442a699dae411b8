import { NTP_PORT } from "../lib/wire";
import { parseHost } from "../lib/host";
import { ModemNtp } from "../firmware/round";
import { ModemClock } from "./board";
import { jump } from "../lib/discipline";
import { fixed } from "../lib/calendar";

/**
 * A modem's own NTP command as the round's fallback when the modem will not open UDP. Its
 * answer is whole seconds and passes none of the reply checks, so it is said so on the
 * console and in ntptime.last (server "modem NTP", unchecked: true). The one check kept:
 * never a time before the firmware was built.
 */
export function modemFallback(clock: ModemClock): ModemNtp {
  return (r, host, pivot, apply, done) => {
    const head = "ntptime: " + host + " via modem NTP";
    clock((parseHost(host, NTP_PORT) || { name: host }).name, (t, why) => {
      if (t == null || t < pivot) return done(null, head + " failed: " + (t == null ? why : "time before the build date"));
      // The modem truncates to the second: the middle of that second halves the worst error.
      const offset = t + 0.5 - r.dev.clock();
      if (apply) {
        // a time with no sync behind it: the discipline's history starts again
        jump(r.disc, r, offset);
      }
      done({ reason: "", host: host, server: "modem NTP", sent: 0, good: 0, offset: offset, unchecked: true },
        head + " (whole-second, unchecked) offset " + fixed(offset, 1) + " s, set " + new Date(r.dev.clock() * 1000).toISOString());
    });
  };
}
