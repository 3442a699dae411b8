// The AT engine on a fake serial port and a fake clock: the queue, final lines and errors,
// timeouts, the data prompt, binary frames of exact length and the ways a stream breaks.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { At, Frame, atEngine, atSeq, fields, quote } from "../../boards/at";
import { FakeClock } from "../helpers/fake-env";

function rig() {
  const clock = new FakeClock(1000);
  const written: string[] = [];
  let feed: (s: string) => void = () => {};
  const at = atEngine(
    { write: (s) => written.push(s), on: (_e, fn) => (feed = fn) },
    { clock: clock.now, after: clock.after, disarm: clock.cancel },
  );
  const frames: { data: string; header: string; t: number }[] = [];
  const ipd: Frame = {
    head: "+IPD,",
    stop: ":",
    size: (h) => +h.split(",")[1],
    got: (data, header, t) => frames.push({ data, header, t }),
  };
  at.frame(ipd);
  /** bytes from the modem, arriving at the fake clock's now */
  const modem = (s: string) => feed(s);
  return { at, clock, written, modem, frames };
}

function replies(at: At) {
  const got: { err: string; lines: string[] }[] = [];
  return { got, cb: (err: string, lines: string[]) => got.push({ err, lines }) };
}

test("commands run one at a time, in order; OK ends one and starts the next", () => {
  const { at, written, modem } = rig();
  const r = replies(at);
  at.cmd({ at: "AT+A" }, r.cb);
  at.cmd({ at: "AT+B?" }, r.cb);
  assert.equal(written, ["AT+A\r"]);
  modem("\r\nOK\r\n");
  assert.equal(written, ["AT+A\r", "AT+B?\r"]);
  modem("\r\n+B: 1,2\r\n\r\nOK\r\n");
  assert.equal(r.got, [
    { err: "", lines: ["OK"] },
    { err: "", lines: ["+B: 1,2", "OK"] },
  ]);
});

test("the echo of a command is not an answer; ERROR, +CME ERROR and FAIL end it with that line", () => {
  const { at, modem } = rig();
  const r = replies(at);
  at.cmd({ at: "AT+X" }, r.cb);
  modem("AT+X\r\r\nERROR\r\n");
  at.cmd({ at: "AT+Y" }, r.cb);
  modem("\r\n+CME ERROR: 550\r\n");
  at.cmd({ at: "AT+CWJAP" }, r.cb);
  modem("\r\n+CWJAP:3\r\n\r\nFAIL\r\n");
  assert.equal(r.got.map((g) => g.err), ["ERROR", "+CME ERROR: 550", "FAIL"]);
  assert.equal(r.got[2].lines, ["+CWJAP:3", "FAIL"]);
});

test("a command that gets no answer times out after its own ms, and the queue moves on", () => {
  const { at, clock, written, modem } = rig();
  const r = replies(at);
  at.cmd({ at: "AT+SLOW", ms: 300 }, r.cb);
  at.cmd({ at: "AT" }, r.cb);
  clock.advance(299);
  assert.is(r.got.length, 0);
  clock.advance(1);
  assert.equal(r.got[0].err, "timeout");
  assert.is(written[1], "AT\r");
  modem("OK\r\n");
  assert.equal(r.got[1].err, "");
});

test("custom end lines: an OK first is intermediate, the URC-like final line ends it", () => {
  const { at, modem } = rig();
  const r = replies(at);
  at.cmd({ at: "AT+QIOPEN=1,0", end: ["+QIOPEN:"] }, r.cb);
  modem("\r\nOK\r\n");
  assert.is(r.got.length, 0);
  modem("\r\n+QIOPEN: 0,0\r\n");
  assert.equal(r.got[0], { err: "", lines: ["OK", "+QIOPEN: 0,0"] });
});

test("the data prompt: data written at '>' (with or without a space), wrote() gets the clock then", () => {
  const { at, clock, written, modem } = rig();
  const r = replies(at);
  const wrote: number[] = [];
  at.cmd({ at: "AT+CIPSEND=3", data: "a\r\n", wrote: (t) => wrote.push(t), end: ["SEND OK"] }, r.cb);
  modem("\r\nOK\r\n");
  clock.advance(40);
  modem("> ");
  assert.equal(written, ["AT+CIPSEND=3\r", "a\r\n"]);
  assert.equal(wrote, [1000.04]);
  modem("\r\nRecv 3 bytes\r\n\r\nSEND OK\r\n");
  assert.is(r.got[0].err, "");
  at.cmd({ at: "AT+CIPSEND=1", data: "z", end: ["SEND OK"] }, r.cb);
  modem(">");
  assert.is(written[written.length - 1], "z");
  modem("\r\nSEND OK\r\n");
  // noise with no line end just before the prompt; noise alone is no prompt
  at.cmd({ at: "AT+CIPSEND=1", data: "y", end: ["SEND OK"] }, r.cb);
  modem("\x13");
  assert.is(written[written.length - 1], "AT+CIPSEND=1\r");
  modem("\x07\xfe> ");
  assert.is(written[written.length - 1], "y");
});

test("unsolicited codes between and inside a command's answer go to their handlers", () => {
  const { at, modem } = rig();
  const r = replies(at);
  const urcs: string[] = [];
  at.urc("RING", (l) => urcs.push(l));
  at.urc("+QIURC:", (l) => urcs.push(l));
  modem("\r\nRING\r\n");
  at.cmd({ at: "AT+CSQ" }, r.cb);
  modem('\r\n+CSQ: 20,0\r\n\r\n+QIURC: "pdpdeact",1\r\nOK\r\n');
  assert.equal(urcs, ["RING", '+QIURC: "pdpdeact",1']);
  assert.equal(r.got[0].lines, ["+CSQ: 20,0", "OK"]);
});

test("a binary frame: exact length even with CR LF inside, split over reads, T4 when its last byte came", () => {
  const { clock, modem, frames } = rig();
  const data = "ab\r\nOK\r\n\x00\xff";
  modem("\r\n+IP");
  modem("D,10:" + data.substr(0, 4));
  clock.advance(5);
  modem(data.substr(4) + "\r\n");
  assert.equal(frames, [{ data, header: "+IPD,10", t: 1000.005 }]);
});

test("two frames in one read, and a frame with nothing after it kept once the line is quiet", () => {
  const { clock, modem, frames } = rig();
  modem("+IPD,2:xy\r\n+IPD,3:abc");
  assert.equal(frames.map((f) => f.data), ["xy"]);
  clock.advance(60);
  assert.equal(frames.map((f) => f.data), ["xy", "abc"]);
});

test("a frame whose data runs into a code (length and stream disagree) is dropped, and the stream recovers", () => {
  const { at, modem, frames, written } = rig();
  const r = replies(at);
  // "\x01>" is the tail of the damaged data: it must not be taken for a prompt or glue to one
  modem("+IPD,6:abc\r\nRING\r\nde\n\x01>");
  assert.equal(frames, []);
  // the frame and the rest of that read: binary of unknown length, it could hold anything
  assert.is(at.dropped, 1);
  at.cmd({ at: "AT+CIPSEND=1", data: "z", end: ["SEND OK"] }, r.cb);
  modem("> ");
  assert.is(written[written.length - 1], "z");
  modem("\r\nSEND OK\r\n");
  assert.equal(r.got[0], { err: "", lines: ["SEND OK"] });
});

test("a frame that never completes is given up and what followed its header is read as lines", () => {
  const { at, clock, modem, frames } = rig();
  const urcs: string[] = [];
  at.urc("RDY", (l) => urcs.push(l));
  modem("+IPD,48:abc\r\nRDY\r\n");
  clock.advance(999);
  assert.equal(urcs, []);
  clock.advance(1);
  assert.equal(urcs, ["RDY"]);
  assert.equal(frames, []);
});

test("not a frame after all: a line that starts like one, and absurd lengths, are lines", () => {
  const { at, modem, frames } = rig();
  const r = replies(at);
  at.cmd({ at: "AT+Q" }, r.cb);
  modem("\r\n+IPD,x\r\n+IPD,99999:zz\r\nOK\r\n");
  assert.equal(frames, []);
  assert.equal(r.got[0].lines, ["+IPD,x", "+IPD,99999:zz", "OK"]);
});

test("garbage: a long run without a line end is dropped; stray lines with no command are counted", () => {
  const { at, modem } = rig();
  const r = replies(at);
  modem("\x01\x02".repeat(200));
  modem("\r\njunk\r\n");
  assert.is(at.dropped, 2);
  at.cmd({ at: "AT" }, r.cb);
  modem("OK\r\n");
  assert.is(r.got[0].err, "");
});

test("abort() fails the command in progress and every queued one with the reason", () => {
  const { at, written } = rig();
  const r = replies(at);
  at.cmd({ at: "AT+A" }, r.cb);
  at.cmd({ at: "AT+B" }, r.cb);
  at.abort("reset");
  assert.equal(r.got.map((g) => g.err), ["reset", "reset"]);
  assert.equal(written, ["AT+A\r"]);
});

test("atSeq stops at the first failure and names the command", () => {
  const { at, modem } = rig();
  let out = "?";
  atSeq(at, [{ at: "AT" }, { at: "AT+CPIN?" }, { at: "AT+NEVER" }], (err) => (out = err));
  modem("OK\r\n");
  modem("+CME ERROR: 10\r\n");
  assert.is(out, "AT+CPIN?: +CME ERROR: 10");
});

test("quote() escapes quote, comma and backslash; fields() unquotes", () => {
  assert.is(quote('a"b,c\\d'), '"a\\"b\\,c\\\\d"');
  assert.equal(fields('+QIURC: "recv",0,48,"1.2.3.4",123'), ["recv", "0", "48", "1.2.3.4", "123"]);
  assert.equal(fields('+CDNSGIP: 1,"time.test","10.0.0.1"'), ["1", "time.test", "10.0.0.1"]);
});

test.run();
