import { Env, Net, OnDatagram } from "../lib/client";
import { isIpLiteral } from "../lib/host";

/**
 * The dgram socket open now, held here from its first moment: an open cut short by a moment
 * without memory never hands back its link, and its socket, whose listeners hold the
 * exchange's code (about 300 JsVars on an ESP8266), stayed open for good. The supervisor's
 * end of the exchange closes it through the network (Net.close), as the link would.
 */
let sock: any;

/** The network of a board with Espruino's dgram: its resolver, and how it names a reply's source. */
export interface DgramNet extends Net {
  source?: Source;
}

/**
 * UDP through Espruino's dgram module. Payloads there are binary strings (one char per
 * byte): this is the one place they become bytes and back. The receive time is read first
 * thing in the handler, since Espruino gives no datagram timestamp. A payload's bytes are a
 * view of the string itself (E.toArrayBuffer): E.toUint8Array would copy it, seven JsVars
 * more for a signed reply. One object, its resolver (and source, where a board needs one)
 * set by the board's file as it makes its board (boards/wifi.ts): a function that made the
 * network would stay in memory for good, its scope and closures with it (as espruinoDevice).
 */
export const dgramNet: DgramNet = {
  lookup: undefined as unknown as Net["lookup"],
  close: () => {
    if (sock) sock.close();
    sock = undefined;
  },
  open: (onDatagram, onError) => {
    dgramNet.close!();
    sock = require("dgram").createSocket("udp4");
    const source = dgramNet.source;
    let sentTo = "";
    // Every argument worked out before the exchange's function is called: Espruino 2v29 keeps
    // a function's scope for good when memory runs out inside a function called in its
    // arguments (here source(); measured at the ESP8266 size: the exchange's code and its
    // round, about 300 JsVars, each time). A callback into a part is called with plain
    // names, here and in every board (test/device/supervise.test.ts has the interpreter's behaviour).
    sock.on("message", (msg: string, rinfo: { address: string; port: number }) => {
      const t4 = getTime();
      const from = source ? source(rinfo.address, sentTo) : rinfo.address;
      const b = new Uint8Array(E.toArrayBuffer(msg));
      onDatagram(b, from, rinfo.port, t4);
    });
    // Espruino closes a socket whose read gave no bytes (its Linux build, on an empty
    // datagram: a hostile server can send one), with no error: a send would then throw
    // (and the exception put Error's class in the global scope for good). A socket's error
    // is always followed by its close (libs/network/socketserver.c fires "error", then
    // "close", on every board's network), so the close alone is heard: a listener is 4
    // JsVars while a server is asked besides its function's. (A close of our own comes after
    // the exchange has ended: it is ignored there.)
    sock.on("close", () => onError("socket"));
    return {
      send: (b, ip, port) => sock.send(E.toString(b), port, (sentTo = ip)),
      close: dgramNet.close!,
    };
  },
};

/** A bound socket's way back to whoever sent a datagram. */
export interface Reply {
  send(b: Uint8Array, ip: string, port: number): void;
  close(): void;
}

/**
 * The time server's socket, bound to `port` on every interface the board has; replies leave
 * from it. Every board with a dgram network has it (not the AT modems, whose UDP is their own).
 */
export function dgramListen(port: number, got: OnDatagram): Reply {
  const sock = require("dgram").createSocket("udp4");
  sock.on("message", (msg: string, r: { address: string; port: number }) => {
    const t2 = getTime();
    got(new Uint8Array(E.toArrayBuffer(msg)), r.address, r.port, t2);
  });
  sock.bind(port);
  return {
    send: (b, ip, to) => sock.send(E.toString(b), to, ip),
    close: () => sock.close(),
  };
}

/** How a board names the source of a reply, given rinfo.address and where the request went. */
export type Source = (address: string, sentTo: string) => string;

/** Boards whose sockets resolve names themselves (Linux, WIZnet): a name is handed through as its own address. */
export const lookupBySocket: Net["lookup"] = (name, cb) => cb(name);

/** On those boards a reply to a name is reported as from that name. */
export const sentToName: Source = (address, sentTo) => (isIpLiteral(sentTo) ? address : sentTo);

/**
 * A timer cancelled, but only while timer `id` is still `fn`'s. Espruino keeps its timers in
 * an array in its hidden root, a new one at one past the newest, so a fired timer's id goes
 * to the next timer armed. A callback cut short by a moment without memory, before it forgot
 * its id, leaves its owner an id that may be another's by then: the supervisor's tick, which
 * a plain clearTimeout cancelled, and the schedule died with it. The timer is taken out of
 * that array, not given to clearTimeout: clearTimeout's arguments are an array made for the
 * call, and when memory runs out there it gets none and clears every timer (jswrap_interactive.c
 * _jswrap_interface_clearTimeoutOrInterval: the tick, its backstop and the schedule; seen in
 * the soak). (The hidden root is global["\xff"], its name decoded at run time: esbuild folds
 * any constant form into `global.ÿ`, two bytes of UTF-8 the device cannot parse. Every id the
 * app keeps is 0 until armed, which no timer has.)
 */
export const disarmTimer = (id: unknown, fn: () => void) => {
  const timers = global[atob("/w==")].timers;
  const t = timers[id as number];
  if (t && t.cb === fn) delete timers[id as number];
};

/**
 * What the client needs of an Espruino board (lib/client.ts Env), the first half of
 * boards/espruino-device.ts's device: the module's exchange (firmware/module-ask.ts) makes
 * this much and no more.
 */
export const espruinoEnv: Env = {
  net: undefined as unknown as Net,
  clock: getTime,
  after: setTimeout,
  disarm: disarmTimer,
  // the chip's noise, not Math.random's sequence (E.hwRand)
  rand: E.hwRand,
};
