import { Device, Ntptime, Outcome } from "../lib/ntptime";
import { SyncOptions } from "../lib/client";

/** One server (the default config): the round is ntptime.settime(), its line the REPL's. */
export function syncRound(ntptime: Ntptime, dev: Device, c: SyncOptions, hosts: string[], stepped: boolean): Promise<Outcome[]> {
  return ntptime.settime().then(() => [ntptime.last!]);
}
