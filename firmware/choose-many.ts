import { Outcome } from "../lib/ntptime";
import { select } from "../lib/select";
import { fixed } from "../lib/calendar";
import { Choice } from "./choose-one";

/** Seconds added to every answer's interval: the device's own clock reading jitter. */
const AGREE_FLOOR = 0.01;

/**
 * Several servers (config `servers`): falsetickers are dropped by interval intersection
 * (lib/select.ts) and the best of the majority is chosen. After the first sync, a step
 * above maxStep also needs two servers that agree.
 */
export function choose(results: Outcome[], synced: boolean, maxStep: number): Choice {
  // Names that resolve to one address (a pool's names, a host listed twice) are one server,
  // with one vote: a falseticker under two names must not outvote a truechimer.
  const seen: Record<string, string> = {};
  const same: string[] = [];
  const good = results.filter((x) => {
    if (x.reason) return false;
    if (seen[x.server]) return !same.push(x.host + " = " + seen[x.server]);
    return !!(seen[x.server] = x.host);
  });
  // (each call's arguments worked out before it: lib/client.ts send)
  const candidates = good.map((x) => ({ server: x.host, offset: x.offset!, delay: x.delay! }));
  const ch = select(candidates, AGREE_FLOOR);
  let best = ch.best ? good.filter((x) => x.host == ch.best!.server)[0] : results[0];
  let reason = ch.reason == "none" ? best.reason : ch.reason;
  if (!reason && synced && Math.abs(best.offset!) > maxStep && ch.agree.length < 2) reason = "step";
  let line = "ntptime: " + good.length + " of " + results.length + " servers answered" + (same.length ? " (" + same.join(", ") + ")" : "") + ", " + ch.agree.length + " agree";
  if (ch.reject.length) line += ", rejected " + ch.reject.map((a) => a.server + " (" + fixed(a.offset, 3) + " s)").join(" ");
  if (reason) return { best: Object.assign({}, best, { reason: reason }), line: line + ", failed: " + reason };
  return { best: best, line: line + ", best " + best.host + " " + best.server };
}
