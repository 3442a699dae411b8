import { Canvas, View, render } from "./render";

/** A connected panel: the face is drawn between clear() and flip(); busy while an e-paper refresh runs. */
export interface Screen extends Canvas {
  clear(): unknown;
  flip(): unknown;
  busy?: boolean;
}

/** What the clock drives: connect() at every boot (a panel loses its setup with the power), draw() every second. */
export interface Panel {
  connect(): void;
  draw(v: View): void;
}

/**
 * Redraws a panel on every draw(), or, when `seconds` is false (e-paper), only when the
 * minute shown changes: at most one refresh a minute.
 */
export function usePanel(connect: (ready: (s: Screen) => void) => void, seconds: boolean): Panel {
  let screen: Screen | null = null;
  let shown = "";
  return {
    connect: () => {
      screen = null;
      shown = "";
      connect((s) => (screen = s));
    },
    draw: (v) => {
      const minute = seconds ? "" : v.t.slice(0, 5).join();
      if (!screen || screen.busy || (minute && minute == shown)) return;
      shown = minute;
      screen.clear();
      render(screen, v, seconds);
      screen.flip();
    },
  };
}
