// A modem's own NTP command (Quectel AT+QNTP, SIMCom AT+CNTP: the board's ModemClock) as a
// round's fallback when the modem will not open UDP (firmware/round.ts decide), in the round's
// choice's part (firmware/parts/decide.ts): only an image for a board that has one carries it (boards/boards.mjs modemClock).
import { Outcome } from "../lib/ntptime";
import { NTP_PORT } from "../lib/wire";
import { parseHost } from "../lib/host";
import { jump } from "../lib/discipline";
import { fixed } from "../lib/calendar";
import { ModemClock } from "../boards/board";
import { Resident } from "./state";

/**
 * The modem's time for `host`. Its answer is whole seconds and passes none of the reply
 * checks, so it is said so on the console and in ntptime.last (server "modem NTP", unchecked:
 * true). The one check kept: never a time before the firmware was built (`pivot`). When it
 * gives a time, the clock is set through the discipline (when `apply`) and `done` gets the
 * outcome and the console line; when not, `done` gets null and the line.
 */
export function modemNtp(r: Resident, clock: ModemClock, host: string, pivot: number, apply: boolean, done: (o: Outcome | null, line: string) => void) {
  const head = "ntptime: " + host + " via modem NTP";
  clock((parseHost(host, NTP_PORT) || { name: host }).name, (t, why) => {
    if (t == null || t < pivot) return done(null, head + " failed: " + (t == null ? why : "time before the build date"));
    // The modem truncates to the second: the middle of that second halves the worst error.
    const offset = t + 0.5 - r.dev.clock();
    // (a time with no sync behind it: the discipline's history starts again, the clock moved by the one setter, Resident.moveBy)
    if (apply) jump(r.disc, r, offset);
    done({ reason: "", host: host, server: "modem NTP", sent: 0, good: 0, offset: offset, unchecked: true },
      head + " (whole-second, unchecked) offset " + fixed(offset, 1) + " s, set " + new Date(r.dev.clock() * 1000).toISOString());
  });
}
