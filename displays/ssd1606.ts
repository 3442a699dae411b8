import { Panel, Screen, usePanel } from "./panel";

/**
 * An SSD1606 e-paper panel (GDE021A1, 172x72, 2 bits a pixel) through Espruino's SSD1606
 * module. A refresh flashes the glass for a second or two and wears it, so hours and
 * minutes are shown and the panel is refreshed only when the minute changes, never while
 * a refresh is still running (the module's busy pin watch).
 */
export function useDisplay(): Panel {
  return usePanel(
    (ready) => {
      const spi = global[CONFIG.display!.spi!];
      spi.setup({ sck: global[CONFIG.display!.sck!], mosi: global[CONFIG.display!.mosi!] });
      const d = require("SSD1606").connect({
        displayType: "GDE021A1", spi: spi, cs1Pin: global[CONFIG.display!.cs!], dcPin: global[CONFIG.display!.dc!],
        resetPin: global[CONFIG.display!.reset!], busyPin: global[CONFIG.display!.busy!], bs1Pin: CONFIG.display!.bs1 && global[CONFIG.display!.bs1], powerPin: CONFIG.display!.power && global[CONFIG.display!.power],
      });
      d.on();
      d.hwReset(() =>
        d.init(() => {
          const g = d.g;
          const clear = g.clear;
          const flip = g.flip;
          const s: Screen = g;
          g.setRotation(1);
          g.setColor(0);
          // The module's clear() takes the fill byte: 255 is four white pixels.
          s.clear = () => clear.call(g, 255);
          s.flip = () => {
            s.busy = true;
            flip.call(g);
            d.refreshScreen(() => (s.busy = false));
          };
          ready(s);
        }),
      );
    },
    false,
  );
}
