import { refidText, u32 } from "./packet";
import { REFID_AT, STRATUM_KOD } from "./wire";
import { request } from "./request";
import { Exchange, Limits, Sample, judge, stray } from "./checks";

/** An open UDP socket. Boards convert bytes to their own payload type at this edge. */
export interface Link {
  /**
   * Sends a request. A transport that writes it later (an AT modem, at its prompt) sets
   * `x.t1` to the clock when the bytes go out, so T1 is not the time it was queued.
   */
  send(b: Uint8Array, ip: string, port: number, x: { t1: number }): void;
  close(): void;
}

/** Delivers a datagram with the local clock read first thing on arrival (T4). */
export type OnDatagram = (b: Uint8Array, address: string, port: number, t4: number) => void;

/** The network as a board provides it. */
export interface Net {
  /**
   * An address for `name`, or null. A board whose sockets resolve names themselves hands the
   * name back, and reports replies from that name (it cannot check their source address).
   * @internal
   */
  lookup(name: string, cb: (ip: string | null) => void): void;
  /** onError ends the sync with a short reason: "socket", or a transport's own ("udp", "reset", ...) */
  open(onDatagram: OnDatagram, onError: (reason: string) => void): Link;
  /** Closes what an open cut short left open (its link never handed back), where a transport can. */
  close?(): void;
}

/** What the client needs from the world, injected so tests can step a fake clock. @internal */
export interface Env {
  net: Net;
  /** local clock, Unix seconds (float) */
  clock(): number;
  after(fn: () => void, ms: number): unknown;
  /**
   * Cancels timer `id`, armed with `fn`, if it is still pending. (Espruino hands a fired
   * timer's id to the next timer armed; a callback cut short before it forgot its id, by a
   * moment without memory, leaves its owner an id that may be another's by then: a board
   * there cancels only a timer that is still `fn`'s.)
   */
  disarm(id: unknown, fn: () => void): void;
  /** 32 random bits, as an int32 or a uint32 (Espruino's E.hwRand gives the former) */
  rand(): number;
}

export interface SyncOptions extends Limits {
  /** good exchanges wanted; their intervals are intersected (see sync) @internal */
  burst: number;
  /** ms between exchanges of a burst @internal */
  gap: number;
  /** ms to wait for each reply, and for the name to resolve @internal */
  timeout: number;
  /** failed exchanges tolerated before giving up @internal */
  retries: number;
  /** ms before the first retry; doubles with each further failure @internal */
  backoff: number;
}

/** The outcome of one sync, as `ntptime.last` shows it. @public */
export interface SyncResult {
  /** "" on success, otherwise why the sync failed */
  reason: string;
  /** the kiss code of a Kiss-o'-Death (RFC 4330 s8): "RATE", "DENY", "RSTR", ... */
  kiss?: string;
  /** the host name asked, then address:port once resolved */
  server: string;
  /** requests sent, and good replies among them */
  sent: number;
  good: number;
  /** when reason is "": seconds, positive when the server is ahead, from the whole burst */
  offset?: number;
  /** the least round trip of the burst, seconds */
  delay?: number;
  /** the offset is true within +- err seconds: half the intersection's width (half the least delay if none) */
  err?: number;
  stratum?: number;
  refid?: string;
  leap?: number;
}

/**
 * One sync: resolve, then exchanges until `burst` good samples or `retries` failures.
 * A datagram that does not answer the request in flight (wrong source, mode, version or
 * origin: a late reply to an earlier request, a forgery) is ignored and the wait goes on.
 * A Kiss-o'-Death ends the sync at once, with no retry (RFC 4330 s8). Two different answers
 * to one request end it with reason "conflict" and no result. Returns its abort: the timer
 * disarmed and the socket closed, `done` never called (a supervisor ending a stalled round).
 * `done` may be told before sync returns (a host that is not one, or a resolver and a
 * socket that answer at once and fail): a caller that keeps the abort checks for that.
 *
 * Its state is this function's scope, and its functions are the fewest that can hold a
 * sync: the end, the one timer's callback, the socket's datagrams and the resolver's
 * answer. On an ESP8266 each function made here is about 7 JsVars for as long as a server
 * is asked.
 */
export function sync(env: Env, o: SyncOptions, name: string, port: number, done: (r: SyncResult) => void): () => void {
  const res: SyncResult = { reason: "", server: name, sent: 0, good: 0 };
  let link: Link | undefined;
  // 0 until armed: clearTimeout(0) does nothing, where Espruino throws on clearTimeout(undefined)
  let timer: unknown = 0;
  let x: Exchange | null = null;
  let fails = 0;
  let heard = "";
  let ip = "";
  let over = false;
  let best: Sample | undefined;
  // Each good sample bounds the true offset: at least T3 - T4 (offset - delay/2, the reply
  // took no less than no time), at most T2 - T1 (offset + delay/2): RFC 5905 s8's
  // offset +- delay/2. The burst's estimate is the middle of the intersection of these
  // intervals: the best outbound and the best return leg, each from whichever sample had
  // it, which halves the error of the least-delay sample alone under symmetric jitter.
  let lo = -1e9;
  let hi = 1e9;

  // The end, and the abort the sync returns: with a reason, `done` is told ("" after a full
  // burst); with none (the abort), it is not.
  const finish = (reason?: string) => {
    // (a transport's error after the end, such as the close event of the socket it closed,
    // changes nothing: its timer id may be another's by then)
    if (over) return;
    env.disarm(timer, wake);
    x = null;
    over = true;
    // (an open that threw or was cut short never handed back its link: the network closes what it left open)
    if (link) link.close();
    else if (env.net.close) env.net.close();
    if (reason === undefined) return;
    res.reason = best ? "" : reason;
    // An empty intersection (a server or clock that stepped mid-burst) falls back to the least delay.
    Object.assign(res, best, best ? (lo <= hi ? { offset: (lo + hi) / 2, err: (hi - lo) / 2 } : { err: best.delay / 2 }) : {});
    done(res);
  };

  // The one timer's callback, whatever it waited for: the name (no address yet), a reply (a
  // request in flight, unanswered: the wait ran out, or called at once with the reason a
  // reply was refused in `heard`), the gap after an answer (the next request, or the end
  // of a full burst), a backoff after a failure (no request in flight). An answered request
  // stays in flight until the next one leaves, `gap` later (after the last one too): a
  // second, different answer to it means replies are being forged.
  const wake = () => {
    if (!ip) return finish("dns");
    if (x && !x.got) {
      x = null;
      if (++fails > o.retries) return finish(heard || "timeout");
      timer = env.after(wake, o.backoff * (1 << (fails - 1)));
      return;
    }
    if (x && res.good >= o.burst) return finish("");
    heard = "";
    x = { sec: env.rand() >>> 0, frac: env.rand() >>> 0, t1: 0, addr: ip, port: port };
    // The request made before it is signed: Espruino 2v29 keeps a function's scope for good
    // when memory runs out inside a call in its arguments (boards/espruino.ts), here the key's
    // and with it the exchange's part, about 300 JsVars each time: the fault soak's full config
    // lost its schedule so. Every call into a round's code works out its arguments first.
    const q = request(x);
    const b = o.auth ? o.auth.signRequest(q) : q;
    res.sent++;
    timer = env.after(wake, o.timeout);
    x.t1 = env.clock();
    try {
      link!.send(b, ip, port, x);
    } catch (e) {
      finish("send");
    }
  };

  const onDatagram: OnDatagram = (b, address, from, t4) => {
    if (!x) return;
    const v = judge(b, address, from, t4, x, o);
    if (typeof v == "string" && stray(v)) {
      heard = v;
      return;
    }
    // A second answer to one request: a copy is harmless (a duplicated datagram), another is
    // not, and nothing of this sync can be trusted: which of the two was the server? (The
    // answer is kept as its bytes: as text, "35,1,0,...", it would take about three times the memory.)
    const got = x.got;
    if (got) {
      let differ = got.length != b.length;
      for (let i = 0; !differ && i < b.length; i++) differ = got[i] != b[i];
      if (!differ) return;
      best = undefined;
      return finish("conflict");
    }
    env.disarm(timer, wake);
    if (typeof v == "string") {
      // (a refusal ends the exchange as its wait running out would, with this reason)
      if (v != "kod") {
        heard = v;
        return wake();
      }
      const refid = u32(b, REFID_AT);
      res.kiss = refidText(refid, STRATUM_KOD);
      return finish(v);
    }
    x.got = b;
    res.good++;
    if (!best || v.delay < best.delay) best = v;
    lo = Math.max(lo, v.offset - v.delay / 2);
    hi = Math.min(hi, v.offset + v.delay / 2);
    timer = env.after(wake, o.gap);
  };

  if (!port) {
    finish("host");
    return finish;
  }
  // A resolver that never answers must not hang the sync.
  timer = env.after(wake, o.timeout);
  env.net.lookup(name, (addr) => {
    if (over || link) return;
    env.disarm(timer, wake);
    if (!addr) return finish("dns");
    ip = addr;
    res.server = ip + ":" + port;
    try {
      link = env.net.open(onDatagram, finish);
    } catch (e) {
      return finish("socket");
    }
    // The first request leaves from a timer, not from here: a resolver that answers at once
    // (a board whose socket resolves names) calls this inside the sync's start, and on Espruino
    // every call under way holds its arguments and scopes: the module's round would peak at
    // its first request, about 20 JsVars of calls more (docs/module-and-apps.md).
    timer = env.after(wake, 0);
  });
  return finish;
}
