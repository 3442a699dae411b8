// The tests' time of day (test/helpers/realtime.ts): sub-ms, and following this machine's clock
// when its time service slews or steps it, as the interpreter and chronyd do.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { realtime } from "../helpers/realtime";
import { sleep } from "../helpers/device";

/** Date.now() replaced by this machine's time of day moved by `shift()` ms, floored as Date.now() is; undone by the returned function. */
function shiftDateNow(shift: () => number): () => void {
  const real = Date.now;
  const origin = realtime() * 1000 - performance.now();
  Date.now = () => Math.floor(performance.now() + origin + shift());
  return () => {
    Date.now = real;
  };
}

/**
 * realtime() against Date.now() read before and after it, over 3 ms of Date.now()'s phases:
 * Date.now() is the time of day floored to the ms, so each reading lies in [before, after + 1).
 * The worst miss in ms; 0 if every reading is in its bracket.
 */
function worstOutside(): number {
  let worst = 0;
  const end = performance.now() + 3;
  while (performance.now() < end) {
    const before = Date.now();
    const t = realtime() * 1000;
    const after = Date.now();
    worst = Math.max(worst, before - t, t - (after + 1));
  }
  return worst;
}

test("within its 1 ms step of Date.now()", () => {
  const worst = worstOutside();
  assert.ok(worst < 0.03, `${worst.toFixed(3)} ms outside Date.now()'s ms`);
});

test("a step of the time of day is followed at once to its 1 ms, and to 30 µs within a second", async () => {
  const before = realtime();
  const undo = shiftDateNow(() => 1500);
  try {
    const after = realtime();
    assert.ok(Math.abs(after - before - 1.5) < 0.0012, `moved ${(after - before).toFixed(4)} s, not 1.5`);
    await sleep(1100);
    const worst = worstOutside();
    assert.ok(worst < 0.03, `${worst.toFixed(3)} ms outside Date.now()'s ms`);
  } finally {
    undo();
  }
  const back = realtime() * 1000 - Date.now();
  assert.ok(back > -0.2 && back < 1.05, `back after the step is undone: ${back} ms`);
});

test("no call spins: each reads Date.now() once, a step and the second's retake included", async () => {
  let reads = 0;
  let shift = 0;
  const undo = shiftDateNow(() => (reads++, shift));
  try {
    const most = async () => {
      let m = 0;
      const end = performance.now() + 1500;
      // (a pause every 100 calls lets the retake's timer run in between)
      for (let i = 1; performance.now() < end; i++) {
        reads = 0;
        realtime();
        m = Math.max(m, reads);
        if (i % 100 == 0) await sleep(5);
      }
      return m;
    };
    shift = 2500;
    assert.is(await most(), 1);
  } finally {
    undo();
  }
});

test("a slew under Date.now()'s 1 ms step is followed within a second", async () => {
  realtime();
  // 0.7 ms ahead from now on: Date.now() alone can not always tell, the retake each second does
  const undo = shiftDateNow(() => 0.7);
  try {
    await sleep(1100);
    const worst = worstOutside();
    assert.ok(worst < 0.03, `${worst.toFixed(3)} ms outside Date.now()'s ms`);
  } finally {
    undo();
  }
});

test.run();
