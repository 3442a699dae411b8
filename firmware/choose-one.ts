import { Outcome } from "../lib/ntptime";

/**
 * The round's choice (firmware/round.ts, @choose), one server: its result as it is. `line`
 * is the console line, whole for a failure; for a good result the round adds what it did.
 * @internal
 */
export interface Choice {
  best: Outcome;
  line: string;
}

/** "ntptime: host server", and for a failure " failed: reason [kiss]": the console line's start for one server's outcome. */
export const lineOf = (x: Outcome) => "ntptime: " + x.host + " " + x.server + (x.reason ? " failed: " + x.reason + (x.kiss ? " " + x.kiss : "") : "");

/** One server (no `servers` in the config): nothing to choose between. */
export function choose(results: Outcome[], synced: boolean, maxStep: number): Choice {
  return { best: results[0], line: lineOf(results[0]) };
}
