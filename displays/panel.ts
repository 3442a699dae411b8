import { Canvas, View, render } from "./render";

/** A connected panel: the face is drawn between clear() and flip(); busy while an e-paper refresh runs. */
export interface Screen extends Canvas {
  clear(): unknown;
  flip(): unknown;
  busy?: boolean;
}

/**
 * Redraws a panel from view() every second, or, when `seconds` is false (e-paper), only
 * when the minute shown changes: at most one refresh a minute. Returns the connect step,
 * which the clock runs at every boot, since a panel loses its setup with the power.
 */
export function usePanel(connect: (ready: (s: Screen) => void) => void, seconds: boolean, view: () => View): () => void {
  let screen: Screen | null = null;
  let shown = "";
  setInterval(() => {
    const v = view();
    const minute = seconds ? "" : v.t.slice(0, 5).join();
    if (!screen || screen.busy || (minute && minute == shown)) return;
    shown = minute;
    screen.clear();
    render(screen, v, seconds);
    screen.flip();
  }, 1000);
  return () => {
    screen = null;
    shown = "";
    connect((s) => (screen = s));
  };
}
