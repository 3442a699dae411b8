// A round's choice among its answers, applied through the discipline (firmware/round-decide.ts):
// a part of its own, between the exchange's (firmware/parts/exchange.ts) and the round's end
// (firmware/parts/end.ts).
import { Resident } from "../state";
import { decideRound } from "../round-decide";

declare let DECIDE: (r: Resident) => void;

DECIDE = decideRound;
