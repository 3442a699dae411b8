// The GPS reference clock of the time server: the device clock's reading at the top of a
// UTC second, from the PPS edge (setWatch's own timestamp) pinned to the second the NMEA
// sentence after it names, or from the NMEA sentence's arrival alone. All times in here
// are device clock readings (Unix seconds) unless named UTC.
import { Sentence } from "./nmea";

/** @internal */
export interface RefLimits {
  /** a PPS line is wired */
  pps: boolean;
  /** seconds without a fresh second (PPS lost, NMEA silent) before the time is no longer served as synchronized */
  holdover: number;
  /** NMEA only: seconds from the top of the second to the first sentence's "$" (the receiver's output delay) */
  nmeaDelay: number;
  /** the build date: no UTC before it is believed */
  pivot: number;
}

/** What the server's reply header says of the clock (RFC 5905 s7.3). */
export interface Head {
  /** false: LI 3 and stratum 0 */
  synced: boolean;
  /** "PPS" or "GPS" */
  refid: string;
  /** log2 seconds */
  precision: number;
  /** root dispersion, seconds */
  disp: number;
  /** UTC of the last second pinned: the reference timestamp */
  refTime: number;
}

/** RFC 5905 s11.1 (PHI): the frequency tolerance assumed of a free-running crystal, 15 ppm. */
export const PHI = 15e-6;

/**
 * Precision (RFC 5905 s7.3, log2 s): setWatch stamps an edge in the interrupt, to the
 * microsecond (2^-20 s); a sentence's arrival is read in the idle loop, after the UART's
 * buffering, a few ms at best (2^-7 s, 8 ms).
 */
const PPS_PRECISION = -20;
const NMEA_PRECISION = -7;

/**
 * What NMEA timing alone can promise: receivers start their sentences anywhere from tens to
 * hundreds of ms after the second (nmeaDelay takes out the typical part), so 100 ms is
 * added to the root dispersion.
 */
const NMEA_ERROR = 0.1;

/** Seconds without an RMC or GGA before the fix counts as lost (the receiver went quiet). */
const FIX_STALE = 3;

/** A new second within this of where the last one predicts it is consistent with it. */
const AGREE = 0.05;

interface Pin {
  /** device clock at the top of the second */
  e: number;
  /** UTC of that second */
  s: number;
}

export function createRefclock(l: RefLimits) {
  /** the second in use, and one that disagreed with it, waiting for a second to confirm it */
  let pin: Pin | null = null;
  let candidate: Pin | null = null;
  /** the last PPS edge not yet named by a sentence */
  let edge = 0;
  /** device seconds per UTC second (the crystal's rate), and the mean residual of the edges (seconds) */
  let rate = 1;
  let rated = false;
  let jitter = 0;
  /** device clock of the last sentence that told the fix */
  let fixAt = -1e9;
  /** the second the last sentence named (a leap second 23:59:60 as 23:59:59.5): the others of that second are skipped */
  let named = 0;
  const st = { fix: false, sats: 0, pins: 0, jumps: 0, leaps: 0 };

  /** does b follow a in the timescale a's rate predicts? */
  const agrees = (a: Pin, b: Pin) => Math.abs((b.e - a.e) / rate - (b.s - a.s)) < AGREE;

  const take = (p: Pin, leap: boolean) => {
    st.pins++;
    if (pin && agrees(pin, p)) {
      const n = p.s - pin.s;
      const residual = p.e - pin.e - n * rate;
      jitter += (Math.abs(residual) - jitter) / 8;
      // With PPS the rate is measured over every second; NMEA arrival times are too rough for it.
      if (l.pps && n > 0) {
        const r = (p.e - pin.e) / n;
        rate = rated ? rate + (r - rate) / 16 : r;
        rated = true;
      }
      pin = p;
      candidate = null;
      return true;
    }
    // A second that breaks the timescale (receiver glitch, missed pulse) is believed only
    // when the next one confirms it; a leap second is announced by the sentence itself.
    if (leap || (candidate && agrees(candidate, p))) {
      if (pin) st.jumps++;
      if (leap) st.leaps++;
      pin = p;
      candidate = null;
      return true;
    }
    candidate = p;
    return false;
  };

  const age = (c: number) => (pin ? c - pin.e : Infinity);

  return {
    st: st,
    /** a PPS rising edge at device clock e @internal */
    onPulse(e: number) {
      edge = e;
    },
    /** a sentence from the NMEA reader; true when it pinned a new second @internal */
    sentence(x: Sentence): boolean {
      if (x.fix != null) {
        st.fix = x.fix;
        fixAt = x.at;
        if (x.sats != null) st.sats = x.sats;
      }
      // Only a fix's whole seconds, after the build date, name the top of a second.
      if (!st.fix || !(x.t >= l.pivot) || x.t % 1 || x.t + (x.leap ? 0.5 : 0) == named) return false;
      named = x.t + (x.leap ? 0.5 : 0);
      if (l.pps) {
        // The edge must be the one that began this second: less than a second before its sentence.
        if (!(x.at - edge >= 0 && x.at - edge < 1)) return false;
        const p = { e: edge, s: x.t };
        edge = 0;
        return take(p, x.leap);
      }
      return take({ e: x.at - l.nmeaDelay, s: x.t }, x.leap);
    },
    /** UTC at device clock c: the pinned second carried on at the crystal's rate; c itself before any */
    time(c: number): number {
      return pin ? pin.s + (c - pin.e) / rate : c;
    },
    /** the header's view of the clock at device clock c */
    head(c: number): Head {
      const a = age(c);
      return {
        synced: st.fix && c - fixAt < FIX_STALE && a <= l.holdover,
        refid: l.pps ? "PPS" : "GPS",
        precision: l.pps ? PPS_PRECISION : NMEA_PRECISION,
        // RFC 5905 s10: the dispersion grows at PHI from the last measurement.
        disp: (l.pps ? 1e-6 : NMEA_ERROR) + jitter + PHI * Math.max(a, 0),
        refTime: pin ? pin.s : 0,
      };
    },
    /** the device clock was set by d: every stored reading moves with it @internal */
    moved(d: number) {
      if (pin) pin.e += d;
      if (candidate) candidate.e += d;
      if (edge) edge += d;
      fixAt += d;
    },
    rate: () => rate,
    jitter: () => jitter,
  };
}
