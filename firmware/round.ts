import { Device, Ntptime, Outcome } from "../lib/ntptime";
import { NTP_PORT } from "../lib/wire";
import { parseHost } from "../lib/host";
import { SyncOptions, sync } from "../lib/client";
import { choose } from "./choose-one";
import { Discipline } from "../lib/discipline";

/** The record kept in the board's store (firmware/settings.ts reads it back). */
export interface Saved {
  /** the image that wrote host and tz (CONFIG.image): another image's are not taken */
  image?: string;
  /** from ntptime.sethost() */
  host?: string;
  /** hours, from ntptime.settime(hours) */
  tz?: number;
  /** servers that answered Kiss-o'-Death DENY or RSTR: never asked again (RFC 4330 s8) */
  denied?: Record<string, string>;
  /** the interval after a Kiss-o'-Death RATE, 0 once a round passes without one */
  rate?: number;
}

/** The clock app's objects a round works on; they live between rounds, the round's code does not. */
export interface Resident {
  dev: Device;
  ntptime: Ntptime;
  discipline: Discipline;
  /** sets the clock, telling a step (firmware/clock.ts) */
  set(t: number): void;
  saved: Saved;
  save(): void;
  /** a good sync came before: a step above maxStep then needs two servers that agree */
  synced: boolean;
  /** the modem's own NTP, where the board has it (boards/modem-fallback.ts) */
  modemNtp?: ModemNtp;
}

/**
 * A modem's own NTP as the round's fallback for `host`: when it gives a time, the clock is
 * set (when `apply`) and `done` gets the outcome and the console line; when not, `done`
 * gets null and the line.
 */
export type ModemNtp = (r: Resident, host: string, pivot: number, apply: boolean, done: (o: Outcome | null, line: string) => void) => void;

export interface RoundOptions extends SyncOptions {
  /** seconds: after the first sync, a larger step needs two servers that agree (several servers only) */
  maxStep: number;
  /** the choice among the results: one server's, or several servers' (firmware/choose-many.ts) */
  choose: typeof choose;
}

/** What the image's per-round code offers (firmware/transient.ts), made anew for each use. */
export interface Transient {
  round(r: Resident, hosts: string[], apply: boolean, done: (o: Outcome, rate: boolean) => void): void;
  /** a host the client can ask: name or IPv4 address, with an optional port (lib/host.ts) */
  valid(host: unknown): boolean;
  /** the saved record, checked against this image (firmware/settings.ts) */
  settings(text: string | undefined, log: (line: string) => void, setAside: (text: string) => void): Saved;
}

/**
 * One round, the only road from the network to the clock, for the schedule and the REPL
 * alike: each host asked in turn; with none answering and a modem that refused UDP, the
 * modem's own NTP; with several servers, the choice among them; then (when `apply`) the
 * discipline applies it, one line is printed, and a Kiss-o'-Death DENY or RSTR is saved.
 * `done` gets the outcome and whether a server asked to slow down (RATE).
 */
export function round(r: Resident, o: RoundOptions, hosts: string[], apply: boolean, done: (o: Outcome, rate: boolean) => void) {
  const dev = r.dev;
  const results: Outcome[] = [];

  const finish = (out: Outcome, line: string) => {
    if (apply) dev.log(line);
    let changed = false;
    let rate = false;
    results.forEach((x) => {
      // (the line already says "failed: kod DENY"; status().denied lists them)
      if ((x.kiss == "DENY" || x.kiss == "RSTR") && !r.saved.denied![x.host]) changed = !!(r.saved.denied![x.host] = x.kiss);
      rate = rate || x.kiss == "RATE";
    });
    if (changed) r.save();
    done((r.ntptime.last = out), rate);
  };

  /** "stratum 2 offset 0.001234 s delay 0.0400 s, slew 2026-...": a good outcome, applied (or only measured). */
  const applied = (x: Outcome) => {
    let how = "measured";
    if (apply) how = x.applied = r.discipline.measure(x.offset!, x.err!);
    return "stratum " + x.stratum + " offset " + x.offset!.toFixed(6) + " s delay " + x.delay!.toFixed(4) + " s, " + (how == "held" ? "slew" : how) + " " + new Date(dev.clock() * 1000).toISOString();
  };

  const decide = () => {
    const c = o.choose(results, r.synced, o.maxStep);
    finish(c.best, c.best.reason ? c.line : c.line + " " + applied(c.best));
  };

  // The modem refused UDP and no server answered: its own NTP command, whole seconds that
  // pass none of the reply checks (said so on the console and in ntptime.last).
  const fallback = () => {
    const refused = results.filter((x) => x.reason == "udp")[0];
    if (!r.modemNtp || !refused || results.some((x) => !x.reason)) return decide();
    r.modemNtp(r, refused.host, o.pivot, apply, (out, line) => finish(out || refused, line));
  };

  const ask = (i: number) => {
    if (i == hosts.length) return fallback();
    const h = parseHost(hosts[i], NTP_PORT) || { name: hosts[i], port: 0 };
    sync(dev, o, h.name, h.port, (x) => {
      results.push(Object.assign(x, { host: hosts[i] }));
      ask(i + 1);
    });
  };
  ask(0);
}
