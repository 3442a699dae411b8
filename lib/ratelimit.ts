// Per-client rate limiting for the time server: the generic cell rate algorithm (one number a
// client, its theoretical arrival time), in a table of bounded size.

/** What to do with a request: answer it, answer with a Kiss-o'-Death RATE, or drop it. */
export const ANSWER = 0;
export const KISS = 1;
export const DROP = 2;

/**
 * A limiter allowing each client `burst` requests at once and one every `interval` seconds
 * after. The first request over the limit is told RATE (RFC 5905 s7.4); more while the
 * client keeps on get silence, so a flood is never answered at its own rate. `size` bounds
 * the table: idle clients (their credit full again) make room, and when every entry is
 * busy, new clients share one entry, so a flood from many addresses is limited as one.
 */
export function createLimiter(interval: number, burst: number, size: number) {
  /** client address to the time its credit is full again (the GCRA's theoretical arrival time) */
  let due: Record<string, number> = {};
  let n = 0;
  // the credit a client starts with: `burst` requests, the first at no cost
  const full = (burst - 1) * interval;
  const cap = full + 2 * interval;
  const prune = (now: number) => {
    const kept: Record<string, number> = {};
    n = 0;
    for (const k in due)
      if (due[k] > now && k != "*") {
        kept[k] = due[k];
        n++;
      }
    if (due["*"] > now) kept["*"] = due["*"];
    due = kept;
  };
  return {
    /** ANSWER, KISS or DROP for a request from `ip` at clock `now` (seconds) @internal */
    check(ip: string, now: number): number {
      let k = ip;
      if (!(k in due)) {
        if (n >= size) prune(now);
        if (n >= size) k = "*";
        else n++;
      }
      // Clamped to the cap also when read, so a clock stepped back cannot lock a client out.
      const t = Math.min(Math.max(due[k] || now, now), now + cap);
      due[k] = Math.min(t + interval, now + cap);
      const over = t - now - full;
      return over <= 0 ? ANSWER : over <= interval ? KISS : DROP;
    },
    /** clients heard from within `window` seconds */
    clients(now: number, window: number): number {
      let c = 0;
      for (const k in due) if (k != "*" && due[k] > now - window) c++;
      return c;
    },
  };
}
