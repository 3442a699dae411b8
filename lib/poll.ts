// When to ask: a polite poll interval (RFC 4330 s10: never below 15 s; RFC 5905 s7.3: 64 s
// to 1024 s by default), doubling while the drift estimate holds, halving when a sync lands
// outside it, back to the floor after a step, backing off exponentially on failure, and four
// times as long after a Kiss-o'-Death RATE (RFC 4330 s8). And when to ask first.
import { Applied } from "./discipline";

/** RFC 4330 s10: the least interval between requests to one server. */
export const MIN_POLL = 15;

/** @internal */
export interface PollLimits {
  /** seconds: the interval after a step, and the first retry after a failure */
  poll: number;
  /** seconds: the longest interval */
  maxPoll: number;
}

/**
 * The next interval in seconds, after one of `last` seconds: what the round's sync led to
 * (undefined when it failed), `fails` failed rounds in a row so far, `rate` when a server
 * answered RATE.
 */
export function nextPoll(last: number, l: PollLimits, applied: Applied | undefined, fails: number, rate: boolean): number {
  const floor = Math.max(MIN_POLL, l.poll);
  const next = rate ? last * 4 : !applied ? floor * (1 << Math.min(fails, 16)) : applied == "held" ? last * 2 : applied == "slew" ? last / 2 : floor;
  return Math.min(Math.max(floor, l.maxPoll), Math.max(floor, next));
}

/**
 * Seconds from power-on to the first round, within `spread`. The device's id (its MAC,
 * getSerial()) picks the second, id mod the seconds there are, and the place within it, the
 * golden-ratio sequence of id div the seconds: a batch of devices with consecutive MACs powered
 * on together asks at an even rate, which independent random starts cannot promise (their
 * count per second has a Poisson peak). Under a second of spread, `r` (0..1, random) alone.
 */
export function startWait(id: number, r: number, spread: number): number {
  const slots = Math.floor(spread);
  return slots ? (id % slots) + ((Math.floor(id / slots) * 0.6180339887) % 1) : r * spread;
}
