import { daysFromCivil } from "../lib/calendar";

/**
 * A modem's clock string as Unix seconds: "yy/MM/dd,hh:mm:ss+zz" (AT+CCLK) or
 * "yyyy/MM/dd,hh:mm:ss+zz" (Quectel AT+QNTP), local time with the zone in quarter hours
 * (3GPP TS 27.007 s8.15). Null for anything else.
 */
export function modemTime(s: string): number | null {
  const q = s.replace('"', "").split(/[\/,:+-]/);
  if (q.length != 7) return null;
  const n = q.map((x) => (/^[0-9]+$/.test(x) ? parseInt(x, 10) : -1));
  if (n.some((x) => x < 0) || n[1] < 1 || n[1] > 12 || n[2] < 1 || n[2] > 31 || n[3] > 23 || n[4] > 59 || n[5] > 60) return null;
  const y = n[0] < 100 ? 2000 + n[0] : n[0];
  const zone = (s.indexOf("-") > 0 ? -n[6] : n[6]) * 900;
  return daysFromCivil(y, n[1], n[2]) * 86400 + n[3] * 3600 + n[4] * 60 + n[5] - zone;
}
