// The machine's time of day to well under a millisecond: performance.now() (monotonic, sub-µs)
// plus the offset to Date.now(), taken at a moment Date.now() ticks over, so that its 1 ms
// steps do not become the error.

let k = NaN;

function calibrate(): number {
  const offsets: number[] = [];
  // Each tick of Date.now() seen within a few µs of happening gives one offset; 5 of them, at most 50 ms of spinning.
  const end = performance.now() + 50;
  let last = Date.now();
  let lastPerf = performance.now();
  while (offsets.length < 5 && performance.now() < end) {
    const p = performance.now();
    const d = Date.now();
    if (d != last && p - lastPerf < 0.01) offsets.push(d - p);
    last = d;
    lastPerf = p;
  }
  if (!offsets.length) throw new Error("Date.now() did not tick within 50 ms");
  return offsets.reduce((a, b) => a + b) / offsets.length;
}

/** Unix seconds now, from the machine's clock, to a few µs. */
export function realtime(): number {
  if (k != k) k = calibrate();
  return (performance.now() + k) / 1000;
}
