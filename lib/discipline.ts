// Between syncs the device keeps time on its own crystal, off by tens of ppm. The
// discipline keeps each sync in terms of the free-running clock (the clock less every
// correction made so far), fits a line through the last syncs: the phase and the frequency
// error, a weighted least squares fit as chrony's regression does, and steers the clock
// along that line. The fit keeps no list of syncs: each sync is folded into weighted sums
// whose older terms fade by DECAY at every new one, so the line rests on all the history
// since it last started again (the slope on hours of it at the longest poll). Espruino has
// setTime only (no adjtime): small corrections are made as many small steps (a slew), large
// ones at once (a step).

/** The clock being steered: injected, so tests step a fake one. @internal */
export interface Steered {
  clock(): number;
  /**
   * moves the clock by `d` seconds, reading it as late as it can: the time between that
   * reading and the setting is lost at every call (Espruino's setTime takes a time, not a change)
   */
  moveBy(d: number): void;
}

/** @internal */
export interface DisciplineLimits {
  /** seconds: the largest correction made by one tick while slewing */
  slew: number;
  /** seconds: an offset larger than this is stepped at once (RFC 5905 s11.3 STEPT, 128 ms) */
  stepThreshold: number;
}

/** What a sync led to: stepped; within the estimate's error (so the poll may grow); or a slew outside it. */
export type Applied = "step" | "held" | "slew";

/**
 * What each sync leaves of the weight of the syncs before it. The fading weights sum to
 * 1 / (1 - DECAY), 14 syncs' worth, for the phase, and for the frequency their spread in
 * time (DECAY / (1 - DECAY)^2 syncs squared, times that sum) is a plain window of the last
 * 32 syncs'. The hour without a server of npm run bench (holdover) ended 2.84 ms off with the
 * last 8 syncs fitted; the table in docs/benchmark.md is this fit's.
 */
const DECAY = 0.93;
/** the frequency is fitted from this many syncs; fewer keep the last estimate (0 at first) */
const FIT_MIN = 4;
/** RFC 5905 s11.3 (MAXFREQ 500 PPM): a frequency error beyond this is a fault, not a crystal */
export const MAX_FREQ = 500e-6;
/** seconds: smaller corrections wait, since each setTime loses the interpreter's own time */
export const RESOLUTION = 1e-4;
/** seconds: every sync's error has at least this much (the device's reading of its clock) */
const FLOOR = 5e-4;
/** RFC 5905 s11.3 (PGATE): an offset within four jitters of the prediction means the estimate held */
const PGATE = 4;
/**
 * The frequency error's standard error before any fit: a board's crystal is specified to
 * 10-50 ppm. A fit over syncs seconds apart (settime() typed at the REPL twice) knows less
 * than that and is not taken (fit below).
 */
const COLD_SKEW = 100e-6;
/**
 * seconds: ticks come a second apart (a late one up to about two), so a free-running clock
 * that moved by more than this between two has been moved by someone else: setTime typed at
 * the REPL or called by the owner's code. Below it the frequency's term takes the move for
 * time elapsed, at most MAX_FREQ x 2 s (1 ms) and 40 us at a crystal's 20 ppm.
 */
const MOVED = 2;
/**
 * A sync outside its prediction by more than this many of the prediction's own frequency
 * errors over the time since the last sync (besides its own error and PGATE jitters) says the
 * clock moved in between without the discipline: see measure.
 */
const FREQ_GATE = 3;
/**
 * a fit counts when its standard error is at most this many times the prior's (fit), and
 * the prior is forgotten when the two differ by more than this many of their joint standard
 * errors: five, since the syncs' errors have longer tails than a normal distribution's (with
 * three, one of the bench's ten warm starts forgot a saved frequency 0.2 ppm off for a fit of
 * seven syncs 6 ppm off, 3.2 of its standard errors)
 */
const SKEW_TAKEN = 2;
const SKEW_APART = 5;

/**
 * The discipline's state, one Float64Array made at boot and never grown: a typed array
 * keeps its numbers packed in one buffer, where an object per sync took a JsVar per field,
 * and the closures around them more. Layout: the scalars below.
 */
export type DisciplineState = Float64Array;
/** every correction made so far: the free-running clock reads clock() - MADE */
const MADE = 0;
/**
 * the fit: the free-running clock is X0 + FREQ (r - R0) behind true time; once a sync is
 * folded in, R0 and X0 are the syncs' weighted means of r and x (both sides of the line's
 * point of least error)
 */
const FREQ = 1;
const R0 = 2;
const X0 = 3;
/** the fit's weighted rms residual */
const JITTER = 4;
/** syncs folded in since the history last started again */
const COUNT = 5;
/** the frequency error's standard error (chrony's skew), 0 before a fit or a warm start: COLD_SKEW */
const SKEW = 6;
/** the free-running clock at the last tick, 0 before the first */
const TICKED = 7;
/**
 * The syncs folded in, each a point (r, x): r the free-running clock at the sync, x its
 * error then (corrections made plus the offset measured), weighed 1 / error^2. WEIGHT: the
 * weights' sum; RR, RX, XX: the weighted sums of the products of the points' distances from
 * the means (R0, X0), kept as Welford's updates keep them, so that no sum of squares of
 * clock readings near 2e9 loses the precision.
 */
const WEIGHT = 8;
const RR = 9;
const RX = 10;
const XX = 11;
/** the free-running clock at the newest sync */
const NEWEST = 12;
/**
 * the frequency error known when the history began (a warm start's, or the estimate when it
 * last started again) and its standard error, 0 for none (a cold start: 0 known to
 * COLD_SKEW), taken at its first sync: the syncs
 * since are a fit independent of it, and the two are combined (fit)
 */
const PRIOR = 13;
const PRIOR_SKEW = 14;

/** new Float64Array(DISCIPLINE_LENGTH): a discipline with no history, its frequency error 0 */
export const DISCIPLINE_LENGTH = 15;

/** the clock less every change made to it (by the discipline, a leap, or someone else): it runs on without jumps */
export function free(s: DisciplineState, clk: Steered): number {
  return clk.clock() - s[MADE];
}

/** seconds of correction the fit wants made by now, less what has been */
export function pending(s: DisciplineState, clk: Steered): number {
  return s[X0] + s[FREQ] * (free(s, clk) - s[R0]) - s[MADE];
}

/** the frequency error, s/s (positive: the crystal is slow) */
export function freq(s: DisciplineState): number {
  return s[FREQ];
}

/** the frequency error's standard error, s/s (chrony's skew); 0 before a fit or a warm start */
export function skew(s: DisciplineState): number {
  return s[SKEW];
}

function restart(s: DisciplineState, clk: Steered) {
  s[COUNT] = 0;
  s[R0] = free(s, clk);
  s[X0] = s[MADE];
}

function correct(s: DisciplineState, clk: Steered, d: number) {
  clk.moveBy(d);
  s[MADE] += d;
}

// A sync (r, x) of weight pw folded into the sums, those before it faded by DECAY (the first
// after a restart starts them), then the line fitted to them.
function fit(s: DisciplineState, r: number, x: number, pw: number) {
  const first = s[COUNT]++ == 0;
  if (first) {
    // the history begins: what was known before it is the prior
    s[PRIOR] = s[FREQ];
    s[PRIOR_SKEW] = s[SKEW];
  }
  const w = (first ? 0 : DECAY * s[WEIGHT]) + pw;
  const dr = first ? 0 : r - s[R0];
  const dx = first ? 0 : x - s[X0];
  // (Welford: the means move towards the point by its share of the weight; each product
  // sum gains the point's distance from the old mean times its distance from the new)
  const mr = first ? r : s[R0] + (pw / w) * dr;
  const mx = first ? x : s[X0] + (pw / w) * dx;
  const rr = (first ? 0 : DECAY * s[RR]) + pw * dr * (r - mr);
  const rx = (first ? 0 : DECAY * s[RX]) + pw * dr * (x - mx);
  const xx = (first ? 0 : DECAY * s[XX]) + pw * dx * (x - mx);
  s[WEIGHT] = w;
  s[RR] = rr;
  s[RX] = rx;
  s[XX] = xx;
  s[NEWEST] = r;
  // The fit's slope rx / rr has the standard error sqrt(s2 / rr), s2 the residuals' variance
  // per unit of weight over the n - 2 degrees of freedom the line leaves (chrony's regress.c;
  // the fading sums count as 1 / (1 - DECAY) syncs at most): the scatter the syncs show, not
  // their error bounds, which are half a round trip wide, some twenty times the scatter. The
  // residuals' rms is taken as FLOOR at least, so that syncs that agree by chance, or over
  // loopback, claim no more than the device reads its clock to; and with few syncs it is
  // widened as chrony's sourcestats.c widens its skew, by Student's t at 99.95% (here over the
  // normal distribution's: 9.6 times for 2 degrees of freedom, 2.6 for 4, 1.3 for 12; the
  // expression below is within 20% of it), so that a fit of four or five syncs that agree by
  // chance does not pass for a known frequency (from a cold start at 15 s polls, on the virtual
  // clock, fits of four to nine syncs were 40-140 ppm off).
  //
  // The estimate is the fit and the prior (the frequency known when the history began; at a
  // cold start 0, known to COLD_SKEW) weighed by the inverse of their variances, as chrony
  // combines a new estimate with the one before: a warm start's saved frequency holds until
  // the syncs since the reboot know about as much, and then is refined by them, not replaced by
  // a fit that knows less. A fit that knows less than half of what the prior does counts for
  // nothing (syncs close together in time, a burst of settime() calls or a step's fresh
  // history at short polls, give a slope that says little: a cluster of four syncs in 2 s
  // fitted 100-230 ppm on a perfect clock in the fault soak, and the clock ran 7-78 ms off).
  // One that tells the prior is wrong (a crystal that changed) makes it forgotten: the cold
  // prior in its place.
  let f = s[FREQ];
  const slope = rx / rr;
  const dof = Math.min(s[COUNT], 1 / (1 - DECAY)) - 2;
  const t = 1 + 4 / dof + 80 / (dof * dof * dof * dof);
  const skew = t * Math.sqrt(Math.max(xx - (rx * rx) / rr, FLOOR * FLOOR * w) / (dof * rr));
  if (s[COUNT] >= FIT_MIN) {
    let known = s[PRIOR_SKEW] || COLD_SKEW;
    if (s[PRIOR_SKEW] > 0 && Math.abs(slope - s[PRIOR]) > SKEW_APART * Math.sqrt(skew * skew + known * known)) {
      s[PRIOR] = 0;
      s[PRIOR_SKEW] = 0;
      known = COLD_SKEW;
    }
    if (skew <= SKEW_TAKEN * known) {
      const a = 1 / (skew * skew);
      const b = 1 / (known * known);
      f = Math.max(-MAX_FREQ, Math.min(MAX_FREQ, (a * slope + b * s[PRIOR]) / (a + b)));
      s[SKEW] = 1 / Math.sqrt(a + b);
    }
  }
  s[FREQ] = f;
  s[R0] = mr;
  s[X0] = mx;
  // the weighted residual sum of squares of the line, over the weights
  s[JITTER] = Math.sqrt(Math.max(0, xx - 2 * f * rx + f * f * rr) / w);
}

/**
 * A sync measured `offset` (seconds, server ahead) with error `err` now. Steps the clock
 * at once when the offset is above the threshold; otherwise ticks will slew it.
 */
export function measure(s: DisciplineState, clk: Steered, lim: Pick<DisciplineLimits, "stepThreshold">, offset: number, err: number): Applied {
  const r = free(s, clk);
  const x = s[MADE] + offset;
  // How far the sync is from where the fit said the clock would be.
  const miss = Math.abs(offset - pending(s, clk));
  let applied: Applied = s[COUNT] >= FIT_MIN && miss <= PGATE * Math.max(s[JITTER], FLOOR) ? "held" : "slew";
  if (Math.abs(offset) > lim.stepThreshold) {
    // A step means the history no longer describes this clock (or the server moved):
    // start again from this sync, keeping the frequency.
    restart(s, clk);
    correct(s, clk, offset);
    applied = "step";
  } else if (s[COUNT] >= FIT_MIN && miss > err + PGATE * Math.max(s[JITTER], FLOOR) + FREQ_GATE * (s[SKEW] || COLD_SKEW) * (r - s[NEWEST])) {
    // Further from the line than the sync's error, the fit's jitter and its frequency's error
    // since the last sync (the ring's newest) allow: the clock moved without the discipline by
    // less than a tick can tell (a setTime whose process was preempted between reading the
    // clock and setting it loses the time slice, tools/preemption.ts; an ESP32's Wi-Fi task
    // can do the same). The line through the history would take that
    // in an eighth at a time, over minutes; it starts again from this sync, keeping the
    // frequency, and the ticks slew the whole offset out. (Not again before FIT_MIN syncs: a
    // crystal whose rate changed misses every prediction of the old one until they refit it.)
    restart(s, clk);
  }
  fit(s, r, x, 1 / (err * err + FLOOR * FLOOR));
  return applied;
}

/**
 * Called once a second, during a round too (with `slew` 0: a correction inside an exchange
 * would skew its sample): makes the correction due now (at most `slew`); returns it. The one
 * function that stays in memory between syncs: pending() and correct() written out.
 */
export function tick(s: DisciplineState, clk: Steered, slew: number): number {
  const now = clk.clock();
  // The clock moved by someone else since the last tick: counted as moved() counts it, or
  // the frequency's term below would take the move for time elapsed and slew its share (an
  // hour's setTime at 10 ppm: 36 ms). A tick late by more than MOVED (the loop blocked) is
  // taken for one too: it costs the history (restart) and the frequency's correction over the
  // lateness, not the correction owed at the tick before.
  const gap = now - s[MADE] - s[TICKED] - 1;
  if (s[TICKED] && Math.abs(gap) > MOVED) {
    // restart() written out, the line moved to keep what was owed at the tick before
    s[X0] += gap + s[FREQ] * (s[TICKED] - s[R0]);
    s[MADE] += gap;
    s[COUNT] = 0;
    s[R0] = now - s[MADE];
  }
  s[TICKED] = now - s[MADE];
  const d = s[X0] + s[FREQ] * (s[TICKED] - s[R0]) - s[MADE];
  if (!slew || Math.abs(d) < RESOLUTION) return 0;
  const a = Math.max(-slew, Math.min(slew, d));
  // (moveBy reads the clock afresh: the time the reckoning took, a collection of garbage on a
  // board short of memory included, is not lost at every tick)
  clk.moveBy(a);
  s[MADE] += a;
  return a;
}

/**
 * The clock set by `d` from a time with no sync behind it (a modem's, an RTC's): the history
 * starts again from it. Moved first and counted after, so that the free-running clock goes
 * on from where it was (counted first, it jumped by `d`, and a warm start's frequency was
 * slewed for the years an RTC's time moves a clock at power-on).
 */
export function jump(s: DisciplineState, clk: Steered, d: number) {
  correct(s, clk, d);
  restart(s, clk);
}

/** A leap second: the clock and the timescale itself move by `d` (-1 inserts one). */
export function leap(s: DisciplineState, clk: Steered, d: number) {
  // (every sync's x, and so their mean, moves by d: the sums of distances from it do not)
  s[X0] += d;
  correct(s, clk, d);
}

/**
 * A warm start: the frequency error `f` (s/s) saved by an earlier run with its standard error
 * `known` (s/s), as chrony's driftfile gives them: the prior of the fits to come, which refine
 * it once they know about as much, or replace it when they tell it wrong (fit). It steers from now,
 * the boot: a clock that kept its time (load(), a reset that keeps the RTC) is not slewed for
 * the years since its zero. Beyond MAX_FREQ it is no crystal's, and is not taken.
 */
export function warm(s: DisciplineState, clk: Steered, f: number, known: number) {
  if (Math.abs(f) > MAX_FREQ) return;
  s[FREQ] = f;
  s[SKEW] = known;
  restart(s, clk);
}

/** Whether the frequency error has been fitted (FIT_MIN syncs since the history last started) and is known within `skew` (s/s). */
export const fitted = (s: DisciplineState, skew: number) => s[COUNT] >= FIT_MIN && s[SKEW] <= skew;
