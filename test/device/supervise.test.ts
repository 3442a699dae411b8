// The supervisor on the device: the esp8266 image on the ESP8266-sized interpreter (1600
// JsVars), booted from flash against chronyd, hurt as a clock on a shelf is hurt over months:
// a moment without memory as a round starts, and during one (a timer's callback cut short,
// its id left behind), memory held for good, REPL calls during rounds on a display config,
// an exchange whose callback dies (its timer gone, the round stalled), a full Storage. Each
// recovers by itself, counts the fault in status().faults and never sets the clock wrong.
// (Each failed on the code before its fix: the schedule died, the tick was cancelled, the
// board ran out of memory, the round hung, the write threw.)
import { test } from "uvu";
import * as assert from "uvu/assert";
import { peersMissing } from "../helpers/chrony";
import { Device, deviceMissing, sleep } from "../helpers/device";
import { CONFIGS, BAD_DNS, Clock, EMPTY, FILL, GOOD, OOM, clockError, nextIn, squeeze, startClock } from "../helpers/clock-device";
import { guarded } from "../helpers/skip";
import { realtime } from "../helpers/realtime";

const deviceTest = guarded("supervise.test.ts", deviceMissing(["esp8266"]) || peersMissing());

/** The device clock is the servers' (1.5 s ahead of this machine's) within 20 ms, as the console can tell. */
async function onTime(c: Clock) {
  const e = await clockError(c.dev);
  assert.ok(Math.abs(e.error) < e.within + 0.02, `the device clock is off by ${e.error.toFixed(4)} s (console round trip ${(2 * e.within).toFixed(3)} s)`);
}

/**
 * The interpreter's own behaviour that boards/espruino.ts (dgramNet) designs around: Espruino
 * 2v29 keeps a function's scope for good when memory runs out inside a function called in
 * that function's arguments. A callback into a part (the exchange, its round: about 300
 * JsVars) is therefore called with plain names, its arguments worked out first.
 */
deviceTest("Espruino 2v29 on the ESP8266 size keeps a callback's scope when memory runs out in a call inside its arguments, and not when the arguments are worked out first", async () => {
  const dev = await Device.create("esp8266", 300);
  try {
    const use = () => dev.eval<number>("process.memory().usage");
    // a callback whose scope holds 100 strings (about 200 JsVars), called as a board calls the exchange's
    dev.type(`function hog(v){setTimeout(function(){delete global.HOG;},1500);global.HOG=[];while(process.memory(false).free>10)HOG.push("xxxxxxxxx"+HOG.length);return v;}`);
    dev.type(`function mk(){var big=[];for(var i=0;i<100;i++)big.push("s"+i);return function(ip){print("CB",big.length,ip);};}`);
    const grew: Record<string, number[]> = { inArguments: [], first: [] };
    for (const [way, call] of [["inArguments", "cb(hog(ip))"], ["first", "var v=hog(ip);cb(v)"]] as const)
      for (let i = 0; i < 3; i++) {
        const before = await use();
        dev.type(`(function(){var cb=mk(),ip="1.2.3.4";setTimeout(function(){${call};},5);})()`);
        await sleep(2500);
        grew[way].push((await use()) - before);
      }
    assert.ok(!/CB 100/.test(dev.out), "memory never ran out: the callback was called");
    assert.ok(grew.inArguments.every((n) => n > 150), `in the arguments: grew ${grew.inArguments} JsVars per event (the callback's scope kept)`);
    assert.ok(grew.first.every((n) => n < 12), `worked out first: grew ${grew.first} JsVars per event`);
  } finally {
    await dev.stop();
  }
});

deviceTest("memory squeezed to 30 free as a scheduled round starts: the fault is told, and once memory is back the schedule runs again", async () => {
  const c = await startClock();
  try {
    const { dev } = c;
    const wait = await nextIn(dev);
    // from a second before the round until 12 s after
    dev.type(squeeze(30, 13000, Math.max(0, wait - 1) * 1000));
    await dev.waitFor(/^ntptime: fault: memory, out of memory/, (wait + 20) * 1000);
    const good = await dev.waitFor(GOOD, 60000);
    assert.ok(Math.abs(+good[1]) < 0.05, good[0]);
    const s = await dev.eval("ntptime.status()");
    assert.ok(s.faults.memory >= 1, JSON.stringify(s.faults));
    assert.ok(s.next > (await dev.eval<number>("getTime()")), "the schedule is armed: " + JSON.stringify(s));
    await onTime(c);
    assert.match(dev.out, /ntptime: recovered from the memory fault/);
    assert.not.match(dev.out, /ReferenceError|TypeError/);
  } finally {
    await c.stop();
  }
});

deviceTest("Memory LCD, DST, three servers, a key on an ESP8266: memory squeezed to nothing 300 ms into a scheduled round cuts its exchange's timer short; ending the round cancels no timer but the round's (the id it left is the tick's next), and the schedule syncs again", async () => {
  const c = await startClock(CONFIGS.full);
  try {
    const { dev } = c;
    const wait = await nextIn(dev);
    dev.type(squeeze(22, 5000, Math.round((wait + 0.3) * 1000)));
    // (the app's own give-back may be cut short too: given back from the console)
    await sleep((wait + 6.5) * 1000);
    dev.type("delete global.HOG");
    await dev.waitFor(/^ntptime: fault: memory/, 20000);
    await dev.waitFor(GOOD, 60000);
    const s = await dev.eval("ntptime.status()");
    assert.ok(s.next > (await dev.eval<number>("getTime()")), "the schedule is armed: " + JSON.stringify(s));
    await onTime(c);
  } finally {
    await c.stop();
  }
});

deviceTest("memory runs out in a round's choice (its own part, between the exchange's and the end's): the supervisor names the part, ends the round as memory, and the schedule syncs again", async () => {
  const c = await startClock();
  try {
    const { dev } = c;
    await dev.waitFor(GOOD, 30000);
    // The choice sets ntptime.last as it decides: a setter that takes every JsVar there is, once.
    dev.type(`(function(){var once=1;Object.defineProperty(ntptime,"last",{configurable:true,get:function(){return null},set:function(v){if(once){once=0;var h=[];for(;;)h.push(0);}}});})()`);
    await dev.waitFor(/^ntptime: fault: memory, out of memory in round's choice/, 30000);
    await dev.waitFor(/failed: memory/, 5000);
    dev.type(`delete ntptime.last;ntptime.last=null;`);
    const good = await dev.waitFor(GOOD, 40000);
    assert.ok(Math.abs(+good[1]) < 0.05, good[0]);
    const s = await dev.eval("ntptime.status()");
    assert.is(s.faults.memory, 1, JSON.stringify(s.faults));
    assert.ok(s.next > (await dev.eval<number>("getTime()")), "the schedule is armed: " + JSON.stringify(s));
    assert.match(dev.out, /ntptime: recovered from the memory fault/);
    await onTime(c);
    assert.not.match(dev.out, /ReferenceError|TypeError/);
  } finally {
    await c.stop();
  }
});

deviceTest("memory held for good from a round's start (an app that never gives it back): the image starts again from flash by itself, keeps its time and syncs", async () => {
  const c = await startClock();
  try {
    const { dev } = c;
    const wait = await nextIn(dev);
    dev.type(squeeze(30, 3600000, Math.max(0, wait - 1) * 1000));
    // the recovery cut short at every tick for 15 s (with 30 JsVars free it cannot load), or three rounds short of memory
    await dev.waitFor(/^clock: board/, (wait + 120) * 1000);
    assert.match(dev.out, OOM);
    assert.is(await dev.eval<string>("typeof HOG"), "undefined", "memory cleared");
    const good = await dev.waitFor(GOOD, 40000);
    // (the clock kept its time across the restart: already on the servers' within the slew's reach, not 1.5 s off)
    assert.ok(Math.abs(+good[1]) < 0.05, good[0]);
    await onTime(c);
  } finally {
    await c.stop();
  }
});

/**
 * `.boot0`: setTimeout as the image takes it, which runs out of memory for real, once, when
 * CUTTICK is set and a timer of about a second is armed (the tick's successor, the tick's
 * first statement): a local array grown until the interpreter has no JsVar left, which
 * interrupts the tick's event and is garbage once it has unwound.
 */
const CUT_TICK = `(function(){var st=setTimeout;global.setTimeout=function(fn,ms){if(global.CUTTICK&&ms>900&&ms<1010){delete global.CUTTICK;var h=[];for(;;)h.push(0);}return st(fn,ms);};})();`;
const FACE = /\d{4}-\d\d-\d\d (\d\d):(\d\d):(\d\d) UTC/g;

deviceTest("the tick runs out of memory in its first statement, arming its successor: the backstop arms it again within 4 s, once (one face a second), and the schedule syncs on", async () => {
  const c = await startClock({ console: true }, { boot0: CUT_TICK });
  try {
    const { dev } = c;
    // just after a round: none under way, the next 15 s away
    await dev.waitFor(GOOD, 30000);
    const from = dev.out.length;
    dev.type("global.CUTTICK=1");
    await sleep(12000);
    const seen = dev.out.slice(from);
    assert.match(seen, OOM, "memory ran out in the tick");
    assert.is(await dev.eval("typeof CUTTICK"), "undefined");
    const faces = [...seen.matchAll(FACE)].map((m) => +m[1] * 3600 + +m[2] * 60 + +m[3]);
    const gaps = faces.slice(1).map((t, i) => t - faces[i]);
    // (armed again within the second it lost, a face comes late but none is missed)
    assert.ok(faces.length >= 8 && Math.max(...gaps) <= 5, "the tick armed again within two of the backstop's periods: " + gaps.join(" "));
    assert.ok(gaps.every((g) => g >= 1), "one face a second, never two: " + gaps.join(" "));
    await dev.waitFor(GOOD, 30000);
    const s = await dev.eval("ntptime.status()");
    assert.ok(s.next > (await dev.eval<number>("getTime()")), "the schedule is armed: " + JSON.stringify(s));
    await onTime(c);
  } finally {
    await c.stop();
  }
});

deviceTest("Memory LCD, DST, three servers on an ESP8266: settime() typed while scheduled rounds are under way answers busy, loading nothing on top of them, and syncs after each", async () => {
  const c = await startClock(CONFIGS.panel);
  try {
    const { dev } = c;
    dev.type("global.GOT=[]");
    for (let i = 0; i < 3; i++) {
      // 300 ms into the next scheduled round (its exchange holds its part), then 3 s after it
      const wait = await nextIn(dev);
      dev.type(`setTimeout(function(){ntptime.settime().then(function(v){GOT.push(v);});},${Math.round((wait + 0.3) * 1000)})`);
      dev.type(`setTimeout(function(){ntptime.settime().then(function(v){GOT.push(v);});},${Math.round((wait + 3) * 1000)})`);
      await sleep((wait + 6) * 1000);
    }
    assert.not.match(dev.out, OOM, dev.tail());
    assert.equal(await dev.eval<number[]>("GOT"), [1, 0, 1, 0, 1, 0]);
    assert.is((dev.out.match(/ntptime: busy, a round is under way: settime\(\) gives 1/g) || []).length, 3);
    assert.not.ok(await dev.eval("ntptime.status().faults"), "no fault");
    await onTime(c);
  } finally {
    await c.stop();
  }
});

// A round's first host that is not one (ntptime.host assigned at the REPL, not by sethost()):
// its exchange ends before it has returned (lib/client.ts, port 0). Its abort, a closure of
// that exchange's code, is not kept then (firmware/clock.ts proceed), or it held that code
// while the next server's exchange loaded: on this config the round ran out of memory and
// failed "memory".
deviceTest("Memory LCD, DST, three servers, a key on an ESP8266: a round whose first host is not one lets go of its exchange before the next server's loads, and syncs from the other two", async () => {
  const c = await startClock(CONFIGS.full);
  try {
    const { dev } = c;
    // (typed just after a scheduled round, 15 s before the next)
    await dev.waitFor(/^ntptime: \d of \d servers answered/, 40000);
    const from = dev.out.length;
    dev.type(`ntptime.host="not a host";ntptime.settime().then(function(v){global.GOT=v;})`);
    const line = (await dev.waitFor(/^ntptime: (\d of \d servers answered|.*failed).*/, 30000))[0];
    assert.match(line, /^ntptime: 2 of 3 servers answered, 2 agree/, dev.tail());
    await sleep(300);
    assert.is(await dev.eval("GOT"), 0);
    assert.not.match(dev.out.slice(from), /OUT OF MEMORY/, dev.tail());
    assert.not.ok(await dev.eval("ntptime.status().faults"), "no fault");
  } finally {
    await c.stop();
  }
});

deviceTest("an exchange whose callback dies (a resolver's garbage answer, its timer already disarmed) stalls; REPL calls meanwhile answer busy; the round is ended as stalled, settime() answers 1, and the schedule syncs again", async () => {
  const c = await startClock();
  try {
    const { dev } = c;
    dev.type(BAD_DNS);
    dev.type(`global.GOT=-1;ntptime.settime().then(function(v){GOT=v;})`);
    await sleep(2000);
    // REPL calls while the round holds its part: nothing loaded on top, 1 and a line
    assert.is(await dev.eval<number>("ntptime.status()"), 1);
    assert.is(await dev.eval<number>(`ntptime.sethost("localhost:${c.servers[0].port}")`), 1);
    assert.match(dev.out, /ntptime: busy, a round is under way: status\(\) gives 1/);
    await dev.waitFor(/^ntptime: fault: stalled, round stalled/, 60000);
    // (settled once the part that ended its round is garbage: the next event, or a few seconds under load)
    let got = -1;
    for (let i = 0; i < 50 && got == -1; i++) {
      got = await dev.eval<number>("GOT");
      if (got == -1) await sleep(100);
    }
    assert.is(got, 1, dev.tail());
    assert.is(await dev.eval<string>("ntptime.last.reason"), "stalled");
    await dev.waitFor(GOOD, 60000);
    const s = await dev.eval("ntptime.status()");
    assert.ok(s.faults.stalled >= 1);
    assert.ok(s.next > (await dev.eval<number>("getTime()")));
    await onTime(c);
  } finally {
    await c.stop();
  }
});

deviceTest("Storage full: sethost() still takes the host, the fault is told, the old record is kept (no exception thrown), the new one written once there is room, and it is there after a power cycle", async () => {
  const c = await startClock();
  try {
    const { dev } = c;
    const port = c.servers[0].port;
    assert.is(await dev.eval<number>(`ntptime.sethost("127.0.0.1:${port}")`), 0);
    dev.type(FILL);
    await sleep(2000);
    assert.is(await dev.eval<number>(`ntptime.sethost("localhost:${port}")`), 0);
    assert.match(dev.out, /ntptime: fault: storage, Storage would not take ntptime\.json/);
    assert.is(await dev.eval<string>("ntptime.host"), `localhost:${port}`);
    // (Storage erases a file before it finds no room for the new one, and throws: Error's
    // class would be in the global scope since)
    assert.match((await dev.storageFile("ntptime.json")) || "", `"127.0.0.1:${port}"`);
    assert.is(await dev.eval<number>(`Object.keys(global).indexOf("Error")`), -1);
    // the clock goes on syncing meanwhile
    await dev.waitFor(GOOD, 30000);
    dev.type(EMPTY);
    await dev.waitFor(/^ntptime: recovered from the storage fault/, 40000);
    assert.match((await dev.storageFile("ntptime.json")) || "", `localhost:${port}`);
    await dev.powerCycle();
    await dev.waitFor(GOOD, 60000);
    assert.is(await dev.eval<string>("ntptime.host"), `localhost:${port}`);
  } finally {
    await c.stop();
  }
});

deviceTest("an app that calls setTime() five times a second holds Espruino's timers back (each by the time since its idle loop began): the schedule's rounds still come a poll apart, within the tick's two seconds, and no fault is told", async () => {
  const c = await startClock();
  try {
    const { dev } = c;
    await dev.waitFor(GOOD, 30000);
    // 100 ms of the app's own work, then the clock set to itself: every timer held back by about that, 0.5 s a second
    dev.type(`setInterval(function(){var t=getTime();while(getTime()<t+0.1);setTime(getTime());},200)`);
    await dev.waitFor(GOOD, 40000);
    const at: number[] = [];
    for (let i = 0; i < 3; i++) {
      await dev.waitFor(GOOD, 40000);
      at.push(realtime());
    }
    const gaps = at.slice(1).map((t, i) => t - at[i]);
    // a poll (15 s) apart from start to start, begun at most 2 s late (each tick ~0.5 s late itself): on the
    // code before, the round's timer fell 7 s behind in a poll
    for (const g of gaps) assert.ok(g < 15 + 3.5, `good syncs ${gaps.map((x) => x.toFixed(1))} s apart`);
    assert.not.match(dev.out, /ntptime: fault: stalled/);
  } finally {
    await c.stop();
  }
});

test.run();
