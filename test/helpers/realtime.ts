// The machine's time of day to well under a millisecond: performance.now() (monotonic, sub-µs)
// plus the offset to Date.now(), taken at a moment Date.now() ticks over, so that its 1 ms
// steps do not become the error.
//
// The offset is taken again each second, and at once when Date.now() disagrees with it by more
// than its own 1 ms step: the interpreter and chronyd read the time of day, and this machine's
// time service slews it, by seconds over the half hour that a CI run's suites share one process.

/** Offset of the time of day over performance.now(), in ms, and when it was taken. */
let k = NaN;
let takenAt = -Infinity;
const RETAKE_MS = 1000;

/**
 * The offset from `ticks` ticks of Date.now(), each seen within a few µs of happening; NaN if
 * none within `spinMs`. A tick happened between the last read that did not see it and the first
 * that did: performance.now() before the one and after the other bracket it (a process
 * descheduled between them makes a wide bracket, not taken).
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
    if (d != last && after - before < 0.01) offsets.push(d - (before + after) / 2);
    last = d;
    before = p;
  }
  return offsets.length ? offsets.reduce((a, b) => a + b) / offsets.length : NaN;
}

/** Unix seconds now, from the machine's clock, to a few µs. */
export function realtime(): number {
  const p = performance.now();
  // Date.now() is the time of day floored to the ms: the offset is stale unless now - Date.now() is in [0, 1) ms
  const late = p + k - Date.now();
  if (k != k || p - takenAt > RETAKE_MS || late < -0.05 || late > 1.05) {
    // first 5 ticks (at most 50 ms of spinning), then one (at most 3 ms); a retake that saw
    // no clean tick (this process descheduled) keeps the old offset unless Date.now() has left it
    const first = k != k;
    const fresh = first ? offsetAtTicks(5, 50) : offsetAtTicks(1, 3);
    if (fresh == fresh) k = fresh;
    else if (first) throw new Error("Date.now() did not tick within 50 ms");
    else if (late < -0.05 || late > 1.05) k = Date.now() + 0.5 - performance.now();
    takenAt = performance.now();
  }
  return (performance.now() + k) / 1000;
}
