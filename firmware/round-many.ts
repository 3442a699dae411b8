import { Device, Ntptime, Outcome } from "../lib/ntptime";
import { NTP_PORT } from "../lib/wire";
import { parseHost } from "../lib/host";
import { SyncOptions, sync } from "../lib/client";
import { select } from "../lib/select";

/** Seconds added to every answer's interval: the device's own clock reading jitter. */
const AGREE_FLOOR = 0.01;

/**
 * Several servers (config `servers`): each is asked in turn, falsetickers are dropped by
 * interval intersection (lib/select.ts), and the best of the majority sets the clock. After
 * the first sync, a step above maxStep also needs two servers that agree. Sets
 * ntptime.last to the chosen result (or the failure) and prints one line.
 */
export function syncRound(ntptime: Ntptime, dev: Device, c: SyncOptions & { maxStep: number }, hosts: string[], stepped: boolean): Promise<Outcome[]> {
  // Made before the round starts: the device does not hoist, and a declaration after the
  // return below would never be made (ReferenceError at the end of the first round).
  const decide = (results: Outcome[]) => {
    // Names that resolve to one address (a pool's names, a host listed twice) are one server,
    // with one vote: a falseticker under two names must not outvote a truechimer.
    const seen: Record<string, string> = {};
    const same: string[] = [];
    const good = results.filter((r) => {
      if (r.reason) return false;
      if (seen[r.server]) return !same.push(r.host + " = " + seen[r.server]);
      return !!(seen[r.server] = r.host);
    });
    const ch = select(good.map((r) => ({ server: r.host, offset: r.offset!, delay: r.delay! })), AGREE_FLOOR);
    const best = ch.best ? good.filter((r) => r.host == ch.best!.server)[0] : results[0];
    let reason = ch.reason == "none" ? best.reason : ch.reason;
    if (!reason && stepped && Math.abs(best.offset!) > c.maxStep && ch.agree.length < 2) reason = "step";
    ntptime.last = reason ? Object.assign({}, best, { reason: reason }) : best;
    const how = reason ? "" : dev.setTime(dev.clock() + best.offset!, best) || "set";
    let line = "ntptime: " + good.length + " of " + results.length + " servers answered" + (same.length ? " (" + same.join(", ") + ")" : "") + ", " + ch.agree.length + " agree";
    if (ch.reject.length) line += ", rejected " + ch.reject.map((a) => a.server + " (" + a.offset.toFixed(3) + " s)").join(" ");
    dev.log(line + (reason ? ", failed: " + reason : ", best " + best.host + " " + best.server + " stratum " + best.stratum +
      " offset " + best.offset!.toFixed(6) + " s delay " + best.delay!.toFixed(4) + " s, " + how + " " + new Date(dev.clock() * 1000).toISOString()));
    return results;
  };
  return new Promise((resolve) => {
    const results: Outcome[] = [];
    const ask = (i: number) => {
      if (i == hosts.length) return resolve(decide(results));
      const h = parseHost(hosts[i], NTP_PORT) || { name: hosts[i], port: 0 };
      sync(dev, c, h.name, h.port, (r) => {
        results.push(Object.assign(r, { host: hosts[i] }));
        ask(i + 1);
      });
    };
    ask(0);
  });
}
