// The fault soak (issue 24): a clock image on the ESP8266-sized interpreter, booted from flash,
// against chronyd behind a relay that can turn bad, hurt again and again from a seeded
// schedule as a clock on a shelf is hurt over months. After each fault the soak waits for a
// good sync (within one poll interval of the fault, or 30 s after it ends, whichever is
// later), checks the device clock against the servers at the console, that the schedule is
// armed, and memory at rest; between faults a user types settime() at the REPL. tools/soak.ts
// prints its table (npm run soak); test/device/soak.test.ts runs a short form.
import { Clock, CONFIGS, BAD_DNS, EMPTY, FILL, GOOD, clockError, nextIn, squeeze, startClock } from "./clock-device";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { consoleLine, sleep } from "./device";
import { seeded } from "../../bench/relay";
import { realtime } from "./realtime";

/** The schedule's poll in the soak's clocks (startClock: poll and maxPoll 15 s, the RFC 4330 floor). */
const POLL = 15;
/** Seconds after a fault ends within which the issue asks for a good sync, when later than one poll. */
const AFTER = 30;
/** The device clock against the servers at every good sync (its offset), the issue's figure. */
export const CLOCK_BOUND = 0.005;
/**
 * The device clock read at the console between syncs, beyond what the console's round trip
 * leaves unknown: a clock never set wrong (a wrong set is seconds). Not CLOCK_BOUND: a sync's
 * offset under the step threshold is slewed out over seconds, and on this shared machine the
 * interpreter's timestamps under qemu carry its scheduling delays.
 */
export const CONSOLE_BOUND = 0.05;
/**
 * The fault after which the clock is rightly off until the next sync: its offset then is the
 * fault's, not the clock's. (So is the first sync after every power-on, a power cut's or an
 * exit's too: the interpreter starts on this machine's time, behind the servers: startClock's ahead.)
 */
const MOVES_CLOCK = "setTime by the user";

/** A round's console line: one server's, or a multi-server round's. */
const ROUND = /^ntptime: (?:\d+ of \d+ servers answered|\S+ \S+ (?:failed|stratum))/;

interface Line {
  t: number;
  line: string;
}

/** The Linux build's assertion failure (make/family/ESP8266.make builds a board without them). */
const ASSERTION = /ASSERT\(.*\) FAILED AT/;

/** Console lines with the host's time of arrival, read in the background (the device's own out restarts at each power-on). */
class Console {
  lines: Line[] = [];
  private at = 0;
  private timer: NodeJS.Timeout;
  constructor(private c: Clock) {
    this.timer = setInterval(() => this.read(), 25);
  }
  read() {
    const out = this.c.dev.out;
    if (out.length < this.at) this.at = 0;
    for (let eol; (eol = out.indexOf("\n", this.at)) >= 0; ) {
      const line = consoleLine(out.slice(this.at, eol));
      this.at = eol + 1;
      this.lines.push({ t: realtime(), line });
    }
  }
  /** The first line from index `from` on matching `re`, waiting until host time `until`. */
  async find(re: RegExp, from: number, until: number): Promise<Line | undefined> {
    for (;;) {
      this.read();
      for (let i = from; i < this.lines.length; i++) if (re.test(this.lines[i].line)) return this.lines[i];
      from = this.lines.length;
      if (realtime() > until) return undefined;
      await sleep(50);
    }
  }
  close() {
    clearInterval(this.timer);
  }
}

/** The soak's view of the device at rest: JsVars in use (2v29 leaves the console's history out), free, the schedule. */
interface Rest {
  use: number;
  free: number;
  next: number;
  now: number;
  faults?: Record<string, number | string>;
}

interface Soaked {
  kind: string;
  /** a good sync came within the bound and the schedule was armed after it */
  survived: boolean;
  /** seconds from the fault's end to the next good sync (Infinity: none within the bound) */
  toSync: number;
  before?: number;
  after?: number;
  note?: string;
}

interface Ctx {
  c: Clock;
  con: Console;
  rand: () => number;
  /** host time of the fault's start and end */
  start: number;
  end: number;
  note?: string;
  /** memory was squeezed (given back from the console after `end` too) */
  hog?: boolean;
  /** seconds beyond the usual bound the recovery may take (a stalled round's own bound) */
  grace?: number;
}

const between = (rand: () => number, lo: number, hi: number) => lo + rand() * (hi - lo);

/** Memory taken until `left` JsVars are free from `at` ms on, for `ms` (clock-device squeeze). */
const hog = (x: Ctx, at: number, ms: number) => {
  x.c.dev.type(squeeze(Math.round(between(x.rand, 20, 60)), ms, at));
  x.start = realtime() + at / 1000;
  x.end = x.start + ms / 1000;
  x.hog = true;
};

/** ms until `into` seconds into the next scheduled round, by the device's account. */
const untilRound = async (x: Ctx, into: number) => Math.max(0, Math.round(((await nextIn(x.c.dev)) + into) * 1000));

/**
 * Every fault the soak injects, by the name its table gives. Each hurts the device and sets
 * x.start and x.end, the host times the fault began and ended; the soak then waits for the
 * recovery.
 */
export const FAULTS: Record<string, (x: Ctx) => Promise<void>> = {
  // a moment without memory at each stage of the clock's life
  "memory at boot": async (x) => {
    // a squeeze armed by .boot1 (run before the image at power-on, erased as it runs), then a power cycle
    const ms = Math.round(between(x.rand, 2000, 10000));
    const code = `require("Storage").erase(".boot1");` + squeeze(Math.round(between(x.rand, 20, 60)), ms, 0);
    await x.c.dev.eval(`require("Storage").write(".boot1",${JSON.stringify(code)})`);
    await x.c.dev.powerCycle();
    x.start = realtime();
    x.end = x.start + ms / 1000;
    x.hog = true;
  },
  "memory as a round is due": async (x) => hog(x, await untilRound(x, -between(x.rand, 0, 1)), Math.round(between(x.rand, 2000, 12000))),
  "memory in the exchange": async (x) => hog(x, await untilRound(x, between(x.rand, 0.02, 0.4)), Math.round(between(x.rand, 2000, 12000))),
  "memory late in a round": async (x) => hog(x, await untilRound(x, between(x.rand, 0.4, 2.5)), Math.round(between(x.rand, 2000, 12000))),
  "memory at the REPL": async (x) => {
    hog(x, 0, Math.round(between(x.rand, 2000, 8000)));
    await sleep(300);
    x.c.dev.type("ntptime.settime()");
    x.c.dev.type("ntptime.status()");
  },
  // the network lost and back
  "network: names unresolved": async (x) => {
    x.c.dev.type("global.NETDOWN=1");
    x.start = realtime();
    await sleep(between(x.rand, 5000, 40000));
    x.c.dev.type("delete global.NETDOWN");
    x.end = realtime();
  },
  "network: link down": async (x) => {
    await x.c.dev.run(["ip", "link", "set", "lo", "down"], 5000);
    x.start = realtime();
    await sleep(between(x.rand, 5000, 40000));
    await x.c.dev.run(["ip", "link", "set", "lo", "up"], 5000);
    x.end = realtime();
  },
  // the servers: gone, asking to slow down, talking rubbish
  "server silent": (x) => badServer(x, "silent"),
  "server Kiss-o'-Death RATE": (x) => badServer(x, "kod RATE"),
  "server garbage": (x) => badServer(x, "garbage"),
  // a resolver's answer that throws when read: the exchange's callback dies, its timer
  // disarmed, and the round (the next, within a poll) can only end by the supervisor's stall
  // bound (CONFIG.stall), which the recovery is given besides
  "resolver garbage (round stalled)": async (x) => {
    x.c.dev.type(BAD_DNS);
    x.start = x.end = realtime();
    x.grace = POLL + x.c.stall;
  },
  // Storage full while the record must be written (the host spelled the other way)
  "Storage full": async (x) => {
    x.c.dev.type(FILL);
    x.start = realtime();
    await sleep(1500);
    const was = await x.c.dev.eval<string>("ntptime.host");
    const host = (was.startsWith("localhost") ? "127.0.0.1:" : "localhost:") + was.split(":")[1];
    x.note = "sethost " + (await x.c.dev.eval<number>(`ntptime.sethost(${JSON.stringify(host)})`));
    await sleep(between(x.rand, 3000, 15000));
    x.c.dev.type(EMPTY);
    x.end = realtime();
  },
  // the user's code stepping the clock, either way, by up to an hour
  "setTime by the user": async (x) => {
    const by = (x.rand() < 0.5 ? -1 : 1) * Math.round(between(x.rand, 1, 3600));
    x.c.dev.type(`setTime(getTime()+${by})`);
    x.start = x.end = realtime();
  },
  // REPL calls while a scheduled round holds its part
  "REPL during a round": async (x) => {
    const wait = await untilRound(x, between(x.rand, 0.05, 0.8));
    x.c.dev.type(`setTimeout(function(){ntptime.settime();ntptime.status();ntptime.sethost(ntptime.host);},${wait})`);
    x.start = x.end = realtime() + wait / 1000;
    await sleep(wait);
  },
  // a power cut at a random moment (in a round, in a Storage write, at rest), then a boot from flash
  "power cut": async (x) => {
    await sleep(between(x.rand, 0, POLL * 1000));
    x.start = realtime();
    await x.c.dev.powerCycle();
    x.end = realtime();
  },
};

async function badServer(x: Ctx, mode: "silent" | "garbage" | `kod ${string}`) {
  await x.c.answer!(mode);
  x.start = realtime();
  await sleep(between(x.rand, 5000, 40000));
  await x.c.answer!("pass");
  x.end = realtime();
}

/** Fisher-Yates, seeded: every kind once, in an order the seed repeats. */
function shuffle<T>(a: T[], rand: () => number): T[] {
  const b = a.slice();
  for (let i = b.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [b[i], b[j]] = [b[j], b[i]];
  }
  return b;
}

/** The whole console in a file of the temporary folder, each line with its host time, `marked` lines with "> ": the file's path. */
function saveConsole(con: Console, name: string, marked: Line[] = []): string {
  const file = join(tmpdir(), name);
  writeFileSync(file, con.lines.map((l) => (marked.includes(l) ? "> " : "") + new Date(l.t * 1000).toISOString().slice(11, 23) + " " + l.line).join("\n") + "\n");
  return file;
}

/** Memory and schedule at rest: no round under way (status() answers busy during one), or undefined after 60 s. */
async function rest(c: Clock): Promise<Rest | undefined> {
  const until = realtime() + 60;
  while (realtime() < until && c.dev.running()) {
    // (a console that does not answer, under a squeeze the device is still in: asked again)
    const r = await c.dev.eval<Rest | 0>("(function(m,s){return s===1?0:{use:m.usage,free:m.free,next:s.next,now:getTime(),faults:s.faults};})(process.memory(),ntptime.status())").catch(() => 0 as const);
    if (r) return r;
    await sleep(500);
  }
  return undefined;
}

export interface SoakOptions {
  config: keyof typeof CONFIGS;
  seed: number;
  /** faults to inject and rounds to run, at least */
  faults: number;
  rounds: number;
  /** the fault kinds (all of FAULTS by default) */
  kinds?: string[];
  /** a bound on the whole run, minutes */
  minutes: number;
  /** seconds the device's servers run ahead of this machine (startClock's ahead) */
  ahead?: number;
  log?: (line: string) => void;
}

export interface SoakResult {
  config: string;
  seed: number;
  soaked: Soaked[];
  rounds: number;
  good: number;
  /** REPL calls answered busy */
  busy: number;
  /** the device clock's worst error at a check, less the console's half round trip, seconds */
  worst: number;
  checks: number;
  /** the largest |offset| of a good sync that slewed, but the first after the user moved the clock (MOVES_CLOCK) or a power-on, seconds */
  offset: number;
  /**
   * Those syncs' |offset| less half their round trip, seconds: what the sync itself proves of
   * the clock's error (a reply's delay may lie anywhere on the way out or back, RFC 5905 s8)
   */
  beyond: number[];
  /** those syncs' |offset|, seconds */
  offsets: number[];
  /** good syncs that stepped, besides those first ones */
  steps: number;
  /** at rest after the first sync and at the end */
  restStart: number;
  restEnd: number;
  leastFree: number;
  /** the supervisor's fault lines by their text's kind and part ("memory, out of memory in exchange") */
  told: Record<string, number>;
  /** the interpreter exited by itself (on a board: a reboot) */
  exits: number;
  seconds: number;
}

/** One device's soak: faults in a seeded order that takes every kind in turn, until both `faults` and `rounds` are met. */
export async function soak(o: SoakOptions): Promise<SoakResult> {
  const t0 = realtime();
  const log = o.log || (() => {});
  const rand = seeded(o.seed);
  const c = await startClock(CONFIGS[o.config], { life: o.minutes * 60 + 600, relay: { seed: o.seed }, ahead: o.ahead });
  const con = new Console(c);
  const corrections = new Set<Line>();
  const res: SoakResult = { config: o.config, seed: o.seed, soaked: [], rounds: 0, good: 0, busy: 0, worst: 0, checks: 0, offset: 0, beyond: [], offsets: [], steps: 0, restStart: 0, restEnd: 0, leastFree: Infinity, told: {}, exits: 0, seconds: 0 };
  const check = async (what: string) => {
    const e = await clockError(c.dev, c.ahead).catch(() => undefined);
    if (!e) return;
    const beyond = Math.abs(e.error) - e.within;
    res.checks++;
    if (beyond > res.worst) {
      res.worst = beyond;
      log(`  ${what}: the device clock ${(e.error * 1000).toFixed(1)} ms off (console +-${(e.within * 1000).toFixed(1)} ms)`);
    }
  };
  try {
    // The REPL calls the soak makes as a user (between faults, and the Storage fault's
    // sethost), made before memory at rest is read at the start and at the end, so that both
    // hold what they keep for good: settime() puts Espruino's Promise class in the global scope
    // (8 JsVars, until a power-on), sethost() the host in the record (3, read back at boot).
    // (a settime() typed at the REPL, `before` it on the same line, awaited: whether it answered)
    const settime = async (before = "") => {
      const at = con.lines.length;
      c.dev.type(before + `ntptime.settime().then(function(v){print("SOAK settime "+v);})`);
      return { at, answered: !!(await con.find(/^SOAK settime/, at, realtime() + 3 * c.stall)) };
    };
    const asUser = async () => (await settime("ntptime.sethost(ntptime.host);")).at;
    // memory at rest to come back to: after the first sync and those calls
    // (an interpreter that exits meanwhile, at the Linux build's assertions after a moment
    // without memory, is started again from flash, as in the soak itself: at most twice)
    let first: Rest | undefined;
    for (let tries = 0; !first && tries < 3; tries++) {
      if (tries) {
        res.exits++;
        log(`  ${o.config}#${o.seed}: no rest after the first sync, the interpreter started again:\n` + lastLines(con, 6));
        await c.dev.powerCycle();
        await con.find(GOOD, con.lines.length, realtime() + 60);
      }
      const at = await asUser();
      first = c.dev.running() && !con.lines.slice(at).some((l) => ASSERTION.test(l.line)) ? await rest(c) : undefined;
    }
    if (!first) throw new Error("no rest after the first sync:\n" + c.dev.tail());
    res.restStart = first.use;
    let order: string[] = [];
    const kinds = o.kinds || Object.keys(FAULTS);
    // (console lines looked at for the Linux build's assertions: every line up to here)
    let watched = con.lines.length;
    // An assertion between faults (the console's reads of memory, the REPL's settime() calls)
    // is an exit too, and the interpreter is started again before the next fault: it prints
    // every variable at the console's pace first, for many minutes, while it still runs.
    const exitedBetween = async () => {
      await sleep(300);
      con.read();
      if (c.dev.running() && !con.lines.slice(watched).some((l) => ASSERTION.test(l.line))) return false;
      res.exits++;
      log(`  ${o.config}#${o.seed}: the interpreter exited between faults, started again:\n` + lastLines(con, 3));
      await c.dev.powerCycle();
      await con.find(GOOD, con.lines.length, realtime() + 60);
      watched = con.lines.length;
      return true;
    };
    while ((res.soaked.length < o.faults || countRounds() < o.rounds) && realtime() - t0 < o.minutes * 60) {
      if (!order.length) order = shuffle(kinds, rand);
      const kind = order.shift()!;
      await exitedBetween();
      let before = await rest(c);
      if (!before && (await exitedBetween())) before = await rest(c);
      if (before) res.leastFree = Math.min(res.leastFree, before.free);
      await check("before " + kind);
      const x: Ctx = { c, con, rand, start: 0, end: 0 };
      let from = con.lines.length;
      try {
        await FAULTS[kind](x);
      } catch (e) {
        x.note = "the injection failed: " + String(e).split("\n")[0];
        x.start = x.start || realtime();
        x.end = x.end || realtime();
      }
      // memory an app squeezed is given back from the console too: Espruino may interrupt the
      // app's own timer that would give it back (it is the app's memory, not the clock's)
      if (x.hog) for (const s of [1, 3]) setTimeout(() => c.dev.running() && c.dev.type("delete global.HOG"), Math.max(0, x.end + s - realtime()) * 1000);
      // the recovery: a good sync after the fault's end, within one poll of its start or 30 s
      // after its end; an interpreter that exits (on a board: a reset) is started again, and
      // the fault then ends at that reboot
      let bound = Math.max(x.start + POLL, x.end + AFTER) + (x.grace || 0);
      let sync: Line | undefined;
      let after: Rest | undefined;
      const exited = () => !c.dev.running() || con.lines.slice(from).some((l) => ASSERTION.test(l.line));
      while (!after && realtime() < bound) {
        // (the Linux build's own assertions, which a board's build leaves out, end the
        // interpreter after a dump of every variable at the console's pace: a minute gone;
        // after the good sync too, while memory is read: the sync is then looked for again)
        if (exited()) {
          res.exits++;
          x.note = (x.note ? x.note + "; " : "") + "the interpreter exited: " + lastLines(con, 3);
          await c.dev.powerCycle();
          x.end = realtime();
          bound = x.end + AFTER;
          from = con.lines.length;
          sync = undefined;
        }
        con.read();
        for (let i = from; i < con.lines.length && !sync; i++) if (con.lines[i].t >= x.end && GOOD.test(con.lines[i].line)) sync = con.lines[i];
        if (sync) {
          after = await rest(c);
          if (!after && !exited()) break;
        } else await sleep(100);
      }
      // (the sync that puts the clock back after the user moved it)
      if (sync && kind == MOVES_CLOCK) corrections.add(sync);
      // (a round due in the last two seconds is armed: its timer fires after the console's
      // command it raced, or, held back by the ticks' setTime calls, the tick starts it: firmware/clock.ts)
      const armed = !!after && after.next > after.now - 2.5 && after.next <= after.now + POLL + 6;
      if (sync) await check("after " + kind);
      const s: Soaked = { kind, survived: !!sync && armed, toSync: sync ? sync.t - x.end : Infinity, before: before && before.use, after: after && after.use, note: x.note };
      if (sync && !armed) s.note = (s.note ? s.note + "; " : "") + "the schedule is not armed: " + JSON.stringify(after);
      res.soaked.push(s);
      log(`${o.config}#${o.seed} ${res.soaked.length} ${kind}: ${s.survived ? "survived" : "NOT SURVIVED"}, good sync ${s.toSync.toFixed(1)} s after its end, rest ${s.before} -> ${s.after}${s.note ? ", " + s.note : ""}`);
      if (!s.survived) {
        // the whole console since the soak began, for the one who reads the failure
        const file = saveConsole(con, `soak-${o.config}-${o.seed}-${res.soaked.length}.log`);
        log(lastLines(con, 12) + "\n    (the console: " + file + ")");
      }
      watched = con.lines.length;
      // a user at the REPL between faults: settime() once to three times, each awaited
      for (let n = Math.floor(rand() * 4); n > 0; n--) if (!(await settime()).answered) break;
    }
    await exitedBetween();
    await asUser();
    const end = await rest(c);
    res.restEnd = end ? end.use : NaN;
  } finally {
    con.read();
    // (the first good sync after each power-on puts back the clock the interpreter started with)
    let fresh = false;
    const over: Line[] = [];
    for (const l of con.lines) {
      if (/^espruino: Interactive mode/.test(l.line)) fresh = true;
      const m = GOOD.exec(l.line);
      if (!m) continue;
      const first = fresh;
      fresh = false;
      if (first || corrections.has(l)) continue;
      // a step puts back a clock something else moved (a restart the soak did not see at once); counted apart
      if (/ s, step /.test(l.line)) res.steps++;
      else {
        const off = Math.abs(+m[1]);
        const delay = / delay ([\d.]+) s/.exec(l.line);
        const beyond = off - (delay ? +delay[1] / 2 : 0);
        res.offset = Math.max(res.offset, off);
        res.offsets.push(off);
        res.beyond.push(beyond);
        if (beyond > CLOCK_BOUND) over.push(l);
      }
    }
    if (over.length) {
      // the whole console, for the one who reads where the clock was off
      const file = saveConsole(con, `soak-${o.config}-${o.seed}-clock.log`, over);
      log(`  ${o.config}#${o.seed}: ${over.length} good syncs beyond the bound (marked > in ${file})`);
    }
    for (const l of con.lines) {
      if (ROUND.test(l.line)) (res.rounds++, GOOD.test(l.line) && res.good++);
      if (/^ntptime: busy/.test(l.line)) res.busy++;
      const f = /^ntptime: fault: (\w+), ([a-z ]+)/.exec(l.line);
      if (f) res.told[f[1] + ", " + f[2].trim()] = (res.told[f[1] + ", " + f[2].trim()] || 0) + 1;
    }
    con.close();
    await c.stop();
    res.seconds = realtime() - t0;
  }
  return res;

  function countRounds() {
    return con.lines.filter((l) => ROUND.test(l.line)).length;
  }
}

const lastLines = (con: Console, n: number) => con.lines.slice(-n).map((l) => "    | " + l.line).join("\n");

/** The soak's table: one row per fault kind over every device of a config, then the figures. */
export function table(results: SoakResult[]): string {
  const rows: string[] = [];
  const all = results.flatMap((r) => r.soaked);
  const kinds = [...new Set(all.map((s) => s.kind))];
  const median = (a: number[]) => (a.length ? a.slice().sort((p, q) => p - q)[Math.floor(a.length / 2)] : NaN);
  const max = (a: number[]) => (a.length ? Math.max(...a) : NaN);
  rows.push("| fault | injected | survived | s to the next good sync (median / worst) | JsVars at rest before / after (median; worst change) |");
  rows.push("|---|---|---|---|---|");
  for (const k of kinds) {
    const s = all.filter((x) => x.kind == k);
    const sync = s.map((x) => x.toSync).filter(isFinite);
    const pairs = s.filter((x) => x.before != null && x.after != null);
    const change = max(pairs.map((x) => x.after! - x.before!));
    rows.push(`| ${k} | ${s.length} | ${s.filter((x) => x.survived).length} | ${median(sync).toFixed(1)} / ${max(sync).toFixed(1)} | ${median(pairs.map((x) => x.before!))} / ${median(pairs.map((x) => x.after!))}; ${change >= 0 ? "+" : ""}${change} |`);
  }
  const sum = (f: (r: SoakResult) => number) => results.reduce((a, r) => a + f(r), 0);
  const told: Record<string, number> = {};
  for (const r of results) for (const k in r.told) told[k] = (told[k] || 0) + r.told[k];
  rows.push("");
  rows.push(`rounds ${sum((r) => r.rounds)} (${sum((r) => r.good)} good), faults ${all.length}, survived ${all.filter((s) => s.survived).length}, lost schedules ${all.filter((s) => !s.survived).length}, REPL calls answered busy ${sum((r) => r.busy)}, interpreter exits ${sum((r) => r.exits)}`);
  rows.push(`memory at rest (JsVars in use): ${results.map((r) => `${r.restStart} -> ${r.restEnd}`).join(", ")} (per device: after the first sync -> at the end, each read after a settime() and a sethost() at the REPL); least free at rest ${Math.min(...results.map((r) => r.leastFree))}`);
  const offsets = results.flatMap((r) => r.offsets).sort((p, q) => p - q);
  const beyond = results.flatMap((r) => r.beyond);
  const ms = (x: number) => (x * 1000).toFixed(2);
  rows.push(`device clock: at every good sync that slewed within ${ms(Math.max(...results.map((r) => r.offset)))} ms of the servers (its offset; bound ${CLOCK_BOUND * 1000} ms; median ${ms(median(offsets))}, p95 ${ms(offsets[Math.floor(offsets.length * 0.95)] ?? NaN)} over ${offsets.length} syncs), beyond half its round trip at worst ${ms(max(beyond))} ms (${beyond.filter((b) => b > CLOCK_BOUND).length} over the bound), ${sum((r) => r.steps)} steps besides the first sync after each fault that moved the clock; read at the console ${sum((r) => r.checks)} times, at worst ${(Math.max(...results.map((r) => r.worst)) * 1000).toFixed(1)} ms beyond its half round trip (bound ${CONSOLE_BOUND * 1000} ms)`);
  rows.push(`faults the device told: ${Object.keys(told).sort().map((k) => `${k} ${told[k]}`).join("; ") || "none"}`);
  const notes = all.filter((s) => s.note && !/^sethost/.test(s.note));
  for (const s of notes) rows.push(`  note: ${s.kind}: ${s.note}`);
  return rows.join("\n");
}
