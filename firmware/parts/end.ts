// A round's end (firmware/round-end.ts), or with a `cause` the supervisor's recovery instead
// (firmware/supervise.ts): a part of its own, loaded once every server of the round has been
// asked, when the exchange's code is already garbage. Neither carries boot, the REPL or the
// saved record's checks (firmware/parts/control.ts).
import { Resident } from "../state";
import { end } from "../round-end";
import { recover } from "../supervise";

declare let END: (r: Resident, cause?: number) => void;

END = (r, cause) => (cause ? recover(r, cause) : end(r));
