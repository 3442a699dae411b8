// The machine's time of day to well under a millisecond: performance.now() (monotonic, sub-µs)
// plus the offset to Date.now(), taken at a moment Date.now() ticks over, so that its 1 ms
// steps do not become the error.
//
// The interpreter and chronyd read the time of day, and this machine's time service slews it,
// by seconds over the half hour that a CI run's suites share one process: the offset is taken
// again each second, from a timer of its own, so that no call of realtime() spins (a caller
// that pairs it with another clock's reading, as the GPS simulation does, would count the spin
// as their difference); and a call that finds Date.now() outside the offset's 1 ms moves the
// offset to its edge at once (a step).

/** The time of day less performance.now(), ms */
let k = NaN;
const RETAKE_MS = 1000;

/**
 * The offset from `ticks` ticks of Date.now(), each seen within 30 µs of happening; NaN if
 * none within `spinMs`. A tick happened between the last read that did not see it and the first
 * that did: performance.now() before the one and after the other bracket it (the read that
 * sees a new ms takes 10-15 µs itself; a process descheduled between them makes a wide
 * bracket, not taken).
 */
function offsetAtTicks(ticks: number, spinMs: number): number {
  const offsets: number[] = [];
  const end = performance.now() + spinMs;
  let before = performance.now();
  let last = Date.now();
  while (offsets.length < ticks && performance.now() < end) {
    const p = performance.now();
    const d = Date.now();
    const after = performance.now();
    if (d != last && after - before < 0.03) offsets.push(d - (before + after) / 2);
    last = d;
    before = p;
  }
  return offsets.length ? offsets.reduce((a, b) => a + b) / offsets.length : NaN;
}

/** Unix seconds now, from the machine's clock, to a few µs. */
export function realtime(): number {
  if (k != k) {
    k = offsetAtTicks(5, 50);
    if (k != k) throw new Error("Date.now() did not tick within 50 ms");
    // (a retake that sees no clean tick, this process descheduled, keeps the offset it had)
    setInterval(() => {
      const fresh = offsetAtTicks(1, 4);
      if (fresh == fresh) k = fresh;
    }, RETAKE_MS).unref();
  }
  const p = performance.now();
  const d = Date.now();
  const read = performance.now() - p;
  // Date.now() is the time of day floored to the ms: p + k belongs in [d, d + 1), less the reads' own time
  if (p + k >= d + 1) k = d + 1 - p;
  else if (p + k < d - read - 0.01) k = d - read - p;
  return (p + k) / 1000;
}
