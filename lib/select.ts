// Choosing among several servers' answers: the intersection (Marzullo) idea of RFC 5905
// s11.2.1. Each answer says the true offset lies within offset +- (delay/2 + floor); the
// largest group of answers whose intervals share a point are the truechimers, the rest are
// falsetickers. Without a majority there is no answer to trust.

export interface Answer {
  /** which server */
  server: string;
  /** seconds, positive when the server is ahead */
  offset: number;
  /** round trip, seconds */
  delay: number;
}

export interface Choice {
  /** "" when a majority agrees; otherwise "nomajority" (or "none" with no answers) */
  reason: string;
  /** the truechimer with the least delay */
  best?: Answer;
  /** answers that agree with the majority, and those that do not */
  agree: Answer[];
  reject: Answer[];
}

/**
 * The truechimers among `answers`. `floor` widens every interval (seconds): loopback delays
 * are a fraction of a millisecond, less than the device's own clock reading jitter.
 */
export function select(answers: Answer[], floor: number): Choice {
  const n = answers.length;
  if (!n) return { reason: "none", agree: [], reject: [] };
  const lo = (a: Answer) => a.offset - a.delay / 2 - floor;
  const hi = (a: Answer) => a.offset + a.delay / 2 + floor;
  // Sweep the endpoints in order (a start before an end at the same point): the deepest
  // overlap, and a point inside it.
  const ends: number[][] = [];
  answers.forEach((a) => ends.push([lo(a), -1], [hi(a), 1]));
  ends.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let depth = 0;
  let most = 0;
  let at = 0;
  for (let i = 0; i < ends.length; i++) {
    depth -= ends[i][1];
    if (depth > most) {
      most = depth;
      at = ends[i][0];
    }
  }
  const agree = answers.filter((a) => lo(a) <= at && at <= hi(a));
  const reject = answers.filter((a) => agree.indexOf(a) < 0);
  if (most * 2 <= n) return { reason: "nomajority", agree: agree, reject: reject };
  let best = agree[0];
  agree.forEach((a) => a.delay < best.delay && (best = a));
  return { reason: "", best: best, agree: agree, reject: reject };
}
