// Between syncs the device keeps time on its own crystal, off by tens of ppm. The
// discipline keeps each sync in terms of the free-running clock (the clock less every
// correction made so far), fits a line through the last syncs: the phase and the frequency
// error, a weighted least squares fit as chrony's regression does, and steers the clock
// along that line. Espruino has setTime only (ESPRUINO.md): small corrections are made as
// many small steps (a slew), large ones at once (a step).

/** The clock being steered: injected, so tests step a fake one. */
export interface Steered {
  clock(): number;
  setTime(t: number): void;
}

export interface DisciplineLimits {
  /** seconds: the largest correction made by one tick while slewing */
  slew: number;
  /** seconds: an offset larger than this is stepped at once (RFC 5905 s11.3 STEPT, 128 ms) */
  stepThreshold: number;
}

/** What a sync led to: stepped; within the estimate's error (so the poll may grow); or a slew outside it. */
export type Applied = "step" | "held" | "slew";

/** syncs kept for the fit: eight polls, about 2.3 h at a 1024 s poll */
const POINTS = 8;
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

interface Point {
  /** the free-running clock at the sync */
  r: number;
  /** the free-running clock's error then: corrections made plus the offset measured */
  x: number;
  /** weight, 1 / error^2 */
  w: number;
}

export interface Discipline {
  /**
   * A sync measured `offset` (seconds, server ahead) with error `err` now. Steps the clock
   * at once when the offset is above the threshold; otherwise ticks will slew it.
   */
  measure(offset: number, err: number): Applied;
  /** Called about once a second: makes the correction due now (at most `slew`); returns it. */
  tick(): number;
  /** Someone else set the clock by `d` (a modem's time): the history starts again from it. */
  moved(d: number): void;
  /** A leap second: the clock and the timescale itself move by `d` (-1 inserts one). */
  leap(d: number): void;
  /** the frequency error, s/s (positive: the crystal is slow) */
  freq(): number;
  /** seconds of correction decided but not yet made */
  pending(): number;
  /** the clock less every change made to it (by the discipline, a leap, or someone else): it runs on without jumps */
  free(): number;
}

export function createDiscipline(clk: Steered, lim: DisciplineLimits): Discipline {
  /** every correction made so far: the free-running clock reads clk.clock() - made */
  let made = 0;
  let points: Point[] = [];
  /** the fit: the free-running clock is x0 + f (r - r0) behind true time */
  let f = 0;
  let r0 = 0;
  let x0 = 0;
  /** the fit's weighted rms residual */
  let jitter = 0;

  const free = () => clk.clock() - made;
  /** the correction the fit wants made by now, less what has been */
  const due = () => x0 + f * (free() - r0) - made;
  const restart = () => {
    points = [];
    r0 = free();
    x0 = made;
  };

  // One pass of weighted sums, about the first point so the squares keep their precision.
  const fit = () => {
    const a = points[0];
    let w = 0, r = 0, x = 0, rr = 0, rx = 0, xx = 0;
    points.forEach((p) => {
      const dr = p.r - a.r;
      const dx = p.x - a.x;
      w += p.w;
      r += p.w * dr;
      x += p.w * dx;
      rr += p.w * dr * dr;
      rx += p.w * dr * dx;
      xx += p.w * dx * dx;
    });
    r /= w;
    x /= w;
    rr -= w * r * r;
    rx -= w * r * x;
    xx -= w * x * x;
    if (points.length >= FIT_MIN) f = Math.max(-MAX_FREQ, Math.min(MAX_FREQ, rx / rr));
    r0 = a.r + r;
    x0 = a.x + x;
    // the weighted residual sum of squares of the line, over the weights
    jitter = Math.sqrt(Math.max(0, xx - 2 * f * rx + f * f * rr) / w);
  };

  const correct = (d: number) => {
    clk.setTime(clk.clock() + d);
    made += d;
  };

  return {
    measure(offset, err) {
      const p = { r: free(), x: made + offset, w: 1 / (err * err + FLOOR * FLOOR) };
      // How far the sync is from where the fit said the clock would be.
      const miss = Math.abs(offset - due());
      const known = points.length >= FIT_MIN;
      let applied: Applied = known && miss <= PGATE * Math.max(jitter, FLOOR) ? "held" : "slew";
      if (Math.abs(offset) > lim.stepThreshold) {
        // A step means the history no longer describes this clock (or the server moved):
        // start again from this sync, keeping the frequency.
        restart();
        correct(offset);
        applied = "step";
      }
      points.push(p);
      if (points.length > POINTS) points.shift();
      fit();
      return applied;
    },
    tick() {
      const d = due();
      if (Math.abs(d) < RESOLUTION) return 0;
      const a = Math.max(-lim.slew, Math.min(lim.slew, d));
      correct(a);
      return a;
    },
    moved(d) {
      made += d;
      restart();
    },
    leap(d) {
      points.forEach((p) => (p.x += d));
      x0 += d;
      correct(d);
    },
    freq: () => f,
    pending: due,
    free: free,
  };
}
