// A round: every server not denied asked in turn, then its answers decided on. begin() queues
// one (the schedule's and the REPL's road alike); the resident code asks its servers
// (firmware/clock.ts proceed, firmware/parts/exchange.ts); decide() takes the answers to one
// outcome, applied through the discipline (firmware/parts/decide.ts); the round's end
// (firmware/round-end.ts) tells it, each in a part of its own.
import { Outcome, settling } from "../lib/ntptime";
import { Env, SyncResult } from "../lib/client";
import { choose } from "./choose-one";
import { measure, free } from "../lib/discipline";
import { parseHost } from "../lib/host";
import { NTP_PORT } from "../lib/wire";
import { fixed } from "../lib/calendar";
import { ModemClock } from "../boards/board";
import { Resident, Round } from "./state";
import { hosts } from "./settings";
import { modemNtp } from "./modem-ntp";

/** One server asked (firmware/parts/exchange.ts: lib/client.ts sync with the build's options); a port of 0 fails as "host". Returns its abort. @internal */
export type Ask = (env: Env, name: string, port: number, done: (x: SyncResult) => void) => () => void;

/** @internal */
export interface RoundOptions {
  /** Unix seconds: the build date, before which no time is taken (the modem's NTP here; the exchange checks replies against it) */
  pivot: number;
  /** seconds: after the first sync, a larger step needs two servers that agree (several servers only) */
  maxStep: number;
  /** seconds: the discipline steps above this, slews below (RFC 5905 s11.3 STEPT) */
  stepThreshold: number;
  /** the choice among the results: one server's, or several servers' (firmware/choose-many.ts) */
  choose: typeof choose;
  /** on a board whose modem has its own NTP command: the round's fallback when it refuses UDP (firmware/modem-ntp.ts) */
  modem?: typeof modemNtp;
}

/**
 * The one road from the network to the clock, for the schedule and the REPL alike: a round
 * over every server not denied, queued behind one under way. The resident code asks its
 * servers (firmware/clock.ts proceed), then ends it (firmware/round-end.ts).
 */
export function begin(r: Resident, apply: boolean, resolve?: (v: number) => void, reject?: (e: Error) => void) {
  const asked = hosts(r);
  if (!asked.length) {
    r.dev.log("ntptime: every server answered Kiss-o'-Death DENY or RSTR; not asking (status().denied)");
    const x = (r.api.last = { reason: "denied", host: r.api.host, server: r.api.host, sent: 0, good: 0 });
    // (only the REPL gets here: the schedule does not begin a round with no one to ask)
    if (resolve) {
      const now = r.dev.clock();
      r.settle = settling(x, apply, now, resolve, reject!);
      r.dev.after(r.proceed, 0);
    }
    return;
  }
  // One at a time: a REPL call during a round answers busy (firmware/clock.ts use); the
  // schedule's round waits for the one under way.
  // `began` on the free-running clock: the next scheduled round is `interval` after it
  // (firmware/schedule.ts reschedule).
  const to = asked.map((h) => (parseHost(h, NTP_PORT) ? h : ""));
  const q: Round = { hosts: asked, to: to, results: [], sets: apply, boot: r.boots, began: free(r.disc, r) };
  // (set only for the REPL: a field holding undefined still takes memory)
  if (resolve) {
    q.resolved = resolve;
    q.rejected = reject;
  }
  if (r.rounds.push(q) == 1) r.dev.after(r.proceed, 0);
}

/**
 * The clock's state as the face and status() say it: "synced"; "stale" after four polls at
 * the longest interval without a good sync; before the first, "rtc" while it runs on the
 * battery-backed chip's time (CONFIG.rtc), else "not synced". (The resident tick has it
 * written out: firmware/clock.ts.)
 */
export const syncState = (r: Resident, now: number) =>
  !r.goodAt ? (CONFIG.rtc && r.fromRtc ? "rtc" : "not synced") : now - r.goodAt > 4 * CONFIG.maxPoll ? "stale" : "synced";

/**
 * "stratum 2 offset 0.001234 s delay 0.0400 s, slew 2026-...": a good outcome's end of the
 * console line, `how` it was applied, at `stamp` (the device time in ISO 8601: the clock's
 * own Date here, lib/calendar.ts isoTime in the module, which has no other use for a Date).
 */
export function resultText(x: Outcome, how: string, stamp: string) {
  return "stratum " + x.stratum + " offset " + fixed(x.offset!, 6) + " s delay " + fixed(x.delay!, 4) + " s, " + (how == "held" ? "slew" : how) + " " + stamp;
}

/**
 * The answers of a round, every host asked (firmware/clock.ts proceed): with none answering
 * and a modem that refused UDP, the modem's own NTP; with several servers, the choice among
 * them; then (when the round sets the clock) the discipline applies it. `done` gets the
 * outcome and the round's console line, which the round's end prints when the round sets
 * the clock (firmware/round-end.ts).
 */
export function decide(r: Resident, o: RoundOptions, q: Round, done: (o: Outcome, line: string) => void) {
  const dev = r.dev;
  const results = q.results;
  const apply = q.sets;

  const finish = (out: Outcome, line: string) => {
    r.api.last = out;
    done(out, line);
  };

  /** A good outcome, applied (or only measured), as the line's end. */
  const applied = (x: Outcome) => {
    let how = "measured";
    if (apply) how = x.applied = measure(r.disc, r, o, x.offset!, x.err!);
    const stamp = new Date(dev.clock() * 1000).toISOString();
    return resultText(x, how, stamp);
  };

  // The modem refused UDP and no server answered: its own NTP command, whole seconds that
  // pass none of the reply checks (said so on the console and in ntptime.last).
  const refused = results.filter((x) => x.reason == "udp")[0];
  const clock: ModemClock | undefined = r.board.modemClock;
  if (o.modem && clock && refused && !results.some((x) => !x.reason)) return o.modem(r, clock, refused.host, o.pivot, apply, (out, line) => finish(out || refused, line));
  const c = o.choose(results, !!r.goodAt, o.maxStep);
  // (each call's arguments worked out before it: lib/client.ts send)
  const line = c.best.reason ? c.line : c.line + " " + applied(c.best);
  finish(c.best, line);
}
