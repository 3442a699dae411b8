// A fleet powered on together, on one virtual clock: each device runs the client (lib/client
// sync), the discipline's verdicts, the poll policy and the first-round start (lib/poll) as
// the clock app does (firmware/clock.ts, one server), against one server that counts the
// requests it sees in each second of true time.
import { sync, Env, SyncOptions } from "../lib/client";
import { measure, DISCIPLINE_LENGTH } from "../lib/discipline";
import { PollLimits, nextPoll, startWait } from "../lib/poll";
import { decode } from "../lib/packet";
import { TWO32 } from "../lib/wire";
import { stratumOneReply } from "../test/helpers/golden";
import { EXP_LEG, draw, seeded } from "./relay";

export interface FleetConfig extends SyncOptions, PollLimits {
  startDelay: number;
  slew: number;
  stepThreshold: number;
}

export interface FleetResult {
  /** most requests the server saw in one second, and which second from power-on that was */
  peak: number;
  peakAt: number;
  /** seconds from power-on until the last device had its first good sync */
  allSynced: number;
  requests: number;
  synced: number;
}

/** A min-heap of timers on true time. */
class Timers {
  private h: { at: number; id: number; fn: () => void }[] = [];
  private ids = 0;
  private dead = new Set<number>();
  now = 0;
  after(fn: () => void, s: number) {
    const x = { at: this.now + s, id: ++this.ids, fn };
    const h = this.h;
    h.push(x);
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (h[p].at < h[i].at || (h[p].at == h[i].at && h[p].id < h[i].id)) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
    return x.id;
  }
  cancel(id: unknown) {
    if (id) this.dead.add(id as number);
  }
  private pop() {
    const h = this.h;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && (h[l].at < h[m].at || (h[l].at == h[m].at && h[l].id < h[m].id))) m = l;
        if (r < h.length && (h[r].at < h[m].at || (h[r].at == h[m].at && h[r].id < h[m].id))) m = r;
        if (m == i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
  /** runs timers in time order until `end` s */
  run(end: number) {
    while (this.h.length && this.h[0].at <= end) {
      const x = this.pop();
      if (this.dead.delete(x.id)) continue;
      this.now = x.at;
      x.fn();
    }
    this.now = end;
  }
}

/**
 * `devices` devices power on at time 0 with clocks up to a minute off; `ids` gives each its
 * getSerial() number (consecutive MACs of a batch, or random ones). Runs `seconds` of true time.
 */
export function fleet(devices: number, c: FleetConfig, ids: (i: number) => number, seconds: number, seed: number): FleetResult {
  const rand = seeded(seed);
  const timers = new Timers();
  const perSecond = new Map<number, number>();
  let requests = 0;
  let synced = 0;
  let allSynced = 0;
  // a day after the build date, before which no server time is believed
  const T0 = Math.floor(Date.now() / 1000) + 86400;
  for (let i = 0; i < devices; i++) {
    const skew = (rand() - 0.5) * 120;
    let made = 0;
    const clock = () => T0 + timers.now + skew + made;
    const env: Env = {
      clock,
      after: (fn, ms) => timers.after(fn, ms / 1000),
      disarm: (id) => timers.cancel(id),
      rand: () => (rand() * TWO32) >>> 0,
      net: {
        lookup: (name, cb) => cb(name),
        open: (onDatagram) => ({
          send: (b) => {
            const up = draw(EXP_LEG, rand) / 1000;
            const down = draw(EXP_LEG, rand) / 1000;
            timers.after(() => {
              // counted as the server receives it
              requests++;
              const s = Math.floor(timers.now);
              perSecond.set(s, (perSecond.get(s) || 0) + 1);
              const reply = stratumOneReply(decode(b).xmit, T0 + timers.now);
              timers.after(() => onDatagram(reply, "10.0.0.1", 123, clock()), down);
            }, up);
          },
          close: () => {},
        }),
      },
    };
    const discipline = new Float64Array(DISCIPLINE_LENGTH);
    const steered = { clock, moveBy: (d: number) => (made += d) };
    let interval = 0;
    let fails = 0;
    let first = true;
    const round = () => {
      const began = timers.now;
      sync(env, c, "10.0.0.1", 123, (r) => {
        const ok = !r.reason;
        if (ok && first) (first = false), synced++, (allSynced = timers.now);
        fails = ok ? 0 : fails + 1;
        const applied = ok ? measure(discipline, steered, c, r.offset!, r.err!) : undefined;
        interval = nextPoll(interval || c.poll, c, applied, fails - 1, r.kiss == "RATE");
        // start to start, as the app does
        timers.after(round, Math.max(0, interval - (timers.now - began)));
      });
    };
    timers.after(round, startWait(ids(i), rand(), c.startDelay));
  }
  timers.run(seconds);
  let peak = 0;
  let peakAt = 0;
  perSecond.forEach((n, s) => n > peak && ((peak = n), (peakAt = s)));
  return { peak, peakAt, allSynced: synced == devices ? allSynced : Infinity, requests, synced };
}

