import { NTP_PORT } from "./wire";
import { parseHost } from "./host";
import { Env, SyncOptions, SyncResult, sync } from "./client";
import { civil } from "./calendar";

/** A device: the client's Env plus the clock setter, the console and the display time zone. */
export interface Device extends Env {
  /**
   * Sets the clock to Unix seconds (Espruino setTime). Given the sync's outcome, the clock
   * app may slew instead, and says what it did ("step", "slew", "held").
   */
  setTime(t: number, o?: Outcome): string | void;
  log(line: string): void;
  /** display time zone in hours; the clock itself stays UTC (E.setTimeZone) */
  setZone(hours: number): void;
  /** daylight saving rules as E.setDST's twelve numbers (lib/tz.ts dstArgs) */
  setDst?(args: number[]): void;
  /** a number unique to the device, from its MAC where it has one (consecutive across a batch) */
  id?: number;
}

export interface Settings extends SyncOptions {
  host: string;
  tz: number;
}

/** `ntptime.last`: a sync's result and the host it was asked of. */
export interface Outcome extends SyncResult {
  host: string;
  /** set when the time came from a modem's own NTP command: whole seconds, no reply checks */
  unchecked?: boolean;
  /** what the clock app did with the offset: "step", "slew" or "held" (a slew within the estimate) */
  applied?: string;
}

export interface Ntptime {
  host: string;
  tz: number;
  last: Outcome | null;
  sethost(host: unknown): number;
  settime(tz?: number): Promise<number>;
  time(): Promise<number>;
  localtime(t?: number): number[];
  /** added by the clock app: servers, last sync, next poll */
  status?(): unknown;
}

/** The QuecPython/MicroPython style `ntptime` object on the device REPL. */
export function createNtptime(dev: Device, s: Settings): Ntptime {
  const run = (cb: (o: Outcome) => void) => {
    const host = api.host;
    // An invalid host (assigned to ntptime.host directly) reaches sync as port 0.
    const h = parseHost(host, NTP_PORT) || { name: host, port: 0 };
    sync(dev, s, h.name, h.port, (r) => {
      (r as Outcome).host = host;
      cb((api.last = r as Outcome));
    });
  };

  const api: Ntptime = {
    host: s.host,
    tz: s.tz,
    last: null,
    sethost(host) {
      if (!parseHost(host, NTP_PORT)) return 1;
      api.host = host as string;
      return 0;
    },
    settime(tz) {
      return new Promise((resolve) => {
        if (tz != null) {
          if (!(tz >= -12 && tz <= 14)) {
            dev.log("ntptime: bad tz " + tz);
            return resolve(1);
          }
          dev.setZone((api.tz = tz));
        }
        run((o) => {
          let line = "ntptime: " + o.host + " " + o.server;
          if (o.reason) line += " failed: " + o.reason + (o.kiss ? " " + o.kiss : "");
          else {
            line += " stratum " + o.stratum + " offset " + o.offset!.toFixed(6) + " s delay " + o.delay!.toFixed(4) + " s, " +
              // The offset was measured against the clock as it reads now, so it still applies.
              (dev.setTime(dev.clock() + o.offset!, o) || "set") + " " + new Date(dev.clock() * 1000).toISOString();
          }
          dev.log(line);
          resolve(+!!o.reason);
        });
      });
    },
    time() {
      return new Promise((resolve, reject) =>
        run((o) => (o.reason ? reject(Error(o.reason)) : resolve(dev.clock() + o.offset!))),
      );
    },
    localtime(t) {
      return civil((t == null ? dev.clock() : t) + api.tz * 3600);
    },
  };
  return api;
}
