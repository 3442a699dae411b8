// When to ask again: a polite poll interval (RFC 4330 s10: never below 15 s; RFC 5905
// s7.3: 64 s to 1024 s by default), doubling while the clock holds, back to the floor when
// it needed a step, backing off exponentially on failure, and four times as long after a
// Kiss-o'-Death RATE (RFC 4330 s8).

/** RFC 4330 s10: the least interval between requests to one server. */
export const MIN_POLL = 15;
/** Offsets below this (NTP's step threshold, RFC 5905 s11.3) mean the clock held. */
export const HOLD = 0.128;

export interface PollLimits {
  /** seconds: the interval after a step, and the first retry after a failure */
  poll: number;
  /** seconds: the longest interval */
  maxPoll: number;
}

/**
 * The next interval in seconds, after one of `last` seconds: `offset` of a good round
 * (undefined when it failed), `fails` failed rounds in a row so far, `rate` when a server
 * answered RATE.
 */
export function nextPoll(last: number, l: PollLimits, offset: number | undefined, fails: number, rate: boolean): number {
  const floor = Math.max(MIN_POLL, l.poll);
  const next = rate ? last * 4 : offset == null ? floor * (1 << Math.min(fails, 16)) : Math.abs(offset) < HOLD ? last * 2 : floor;
  return Math.min(Math.max(floor, l.maxPoll), Math.max(floor, next));
}
