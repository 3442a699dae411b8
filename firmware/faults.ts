// Faults the clock survived, as status().faults counts them (docs/faults.md): counted in the
// state's fault slice (firmware/state.ts FaultSlice), told in one console line when one
// happens and one when it is over.
import { Resident } from "./state";

/** What can go wrong on a clock that runs for months. Its name: made where it is told, so that no part keeps a list while loaded. */
export const faultName = (kind: number) => ["memory", "stalled", "storage", "network", "rtc"][kind];
export const enum Fault {
  Memory = 0,
  Stalled = 1,
  Storage = 2,
  Network = 3,
  /** the battery-backed RTC did not answer (CONFIG.rtc) */
  Rtc = 4,
}

/** One of each kind in FaultSlice.faults: 10 bits a kind (a double holds 53 bits exactly). */
const FAULT_UNIT = [1, 1024, 1048576, 1073741824, 1099511627776];
/** The count of one kind in FaultSlice.faults; at 1023 it stays. */
export const faultCount = (faults: number, kind: Fault) => Math.floor(faults / FAULT_UNIT[kind]) % 1024;

/** A fault: counted, and told in one line unless one told before is not yet recovered from. */
export function fault(r: Resident, kind: Fault, what: string) {
  const f = r.faults || 0;
  if (faultCount(f, kind) < 1023) r.faults = f + FAULT_UNIT[kind];
  r.lastFault = Math.floor(r.dev.clock()) * 8 + kind;
  if (r.told) return;
  r.told = kind + 1;
  r.dev.log("ntptime: fault: " + faultName(kind) + ", " + what);
}

/**
 * The fault told last is over: one line. A good sync ends any but the RTC's, which only a
 * write to the chip ends (`rtc`); the record written ends Storage's.
 */
export function recovered(r: Resident, rtc?: boolean) {
  if (!r.told || r.unsaved || (CONFIG.rtc && (r.told == Fault.Rtc + 1) != !!rtc)) return;
  r.dev.log("ntptime: recovered from the " + faultName(r.told - 1) + " fault");
  delete r.told;
}

/** status().faults: faults survived since boot, by kind, and the last with its device clock; none yet: absent. @public */
export interface Faults {
  memory: number;
  stalled: number;
  storage: number;
  network: number;
  /** with CONFIG.rtc: the chip did not answer */
  rtc?: number;
  last: string;
  at: number;
}

/** The fault slice as status() tells it. */
export function faultsOf(r: Resident): Faults | undefined {
  const f = r.faults;
  if (!f) return undefined;
  const l = r.lastFault!;
  const faults = { memory: faultCount(f, Fault.Memory), stalled: faultCount(f, Fault.Stalled), storage: faultCount(f, Fault.Storage), network: faultCount(f, Fault.Network), last: faultName(l % 8), at: Math.floor(l / 8) } as Faults;
  if (CONFIG.rtc) faults.rtc = faultCount(f, Fault.Rtc);
  return faults;
}
