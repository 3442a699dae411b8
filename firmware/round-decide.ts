// A round's choice, in the part of its own (firmware/parts/decide.ts), loaded once every host
// has been asked (firmware/clock.ts proceed) and the exchange's code is garbage: the answers
// decided on and applied (firmware/round.ts decide), the outcome and its line kept on the
// round for its end (firmware/round-end.ts), loaded a timer later, once this part is garbage.
// Apart, the two hold about half the code each: a round's end at the ESP8266's edge (the full
// config with an RTC) ran out of memory in the choice while both were loaded.
import { choose } from "@choose";
import { Resident } from "./state";
import { RoundOptions, decide } from "./round";
import { modemNtp } from "./modem-ntp";

/** The round's options, from the build config, the choice the config picks and the board's modem (boards/boards.mjs). */
const OPTIONS: RoundOptions = { pivot: CONFIG.pivot, maxStep: CONFIG.maxStep, stepThreshold: CONFIG.stepThreshold, choose: choose };
if (BOARD_MODEM_CLOCK) OPTIONS.modem = modemNtp;

export function decideRound(r: Resident) {
  const q = r.rounds[0];
  decide(r, OPTIONS, q, (x, line) => {
    q.out = x;
    q.line = line;
    q.stepping = 0;
    r.dev.after(r.proceed, 0);
  });
}
