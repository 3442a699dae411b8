// The clock face, drawn through the part of Espruino's Graphics API it needs, so a test
// can record it and any panel (Memory LCD, OLED, e-paper) can show it.
import { two } from "../lib/calendar";

/** What the clock shows: local time (ntptime.localtime()), the offset in effect, the sync state. */
export interface View {
  t: number[];
  /** "UTC+1", "UTC-3:30" */
  zone: string;
  /** "synced", "stale", "not synced" or "rtc" (time from the battery-backed RTC, not yet confirmed by a server) */
  state: string;
}

/** The Graphics calls the face uses (Espruino 2v29 Graphics). */
export interface Canvas {
  getWidth(): number;
  getHeight(): number;
  setFont(name: string, scale: number): unknown;
  drawString(s: string, x: number, y: number): unknown;
}

/** The built-in bitmap font every Espruino build has: 6 px a character, 8 rows. */
const CHAR_W = 6;
const CHAR_H = 8;
const DAYS = "MonTueWedThuFriSatSun";

/**
 * Date and weekday at the top, the time as large as the panel allows in the middle, zone
 * and sync state at the bottom corners. `seconds` false shows hours and minutes only (for
 * panels redrawn once a minute). The caller clears before and flips after.
 */
export function render(g: Canvas, v: View, seconds: boolean) {
  const w = g.getWidth();
  const h = g.getHeight();
  const t = v.t;
  const time = two(t[3]) + ":" + two(t[4]) + (seconds ? ":" + two(t[5]) : "");
  // Small text doubles on wide panels (the 400x240 Memory LCD); the time takes what is left.
  const small = w >= 256 ? 2 : 1;
  const line = CHAR_H * small;
  // Zone and state share the bottom line when they fit side by side (a 96 px panel stacks them).
  const apart = (v.zone.length + v.state.length + 1) * CHAR_W * small <= w;
  const bottom = apart ? line : 2 * line;
  const big = Math.max(1, Math.min((w / (CHAR_W * time.length)) | 0, ((h - line - bottom - 4) / CHAR_H) | 0));
  const text = (s: string, scale: number, x: number, y: number) => {
    g.setFont("6x8", scale);
    g.drawString(s, x, y);
  };
  const date = DAYS.substr(t[6] * 3, 3) + " " + t[0] + "-" + two(t[1]) + "-" + two(t[2]);
  text(date, small, (w - date.length * CHAR_W * small) >> 1, 0);
  text(time, big, (w - time.length * CHAR_W * big) >> 1, line + ((h - line - bottom - CHAR_H * big) >> 1));
  text(v.zone, small, 0, h - line);
  text(v.state, small, w - v.state.length * CHAR_W * small, h - bottom);
}
