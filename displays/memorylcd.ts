import { Panel, Screen, usePanel } from "./panel";

/**
 * A Sharp Memory LCD (seed 002's Adafruit breakout) through Espruino's MemoryLCD module:
 * SPI sends LSB first and at most 4 MHz (espruino.com/MemoryLCD), and EXTCOMIN is toggled
 * by the module. Redrawn every second; the glass holds the picture without power to spare.
 */
export function useDisplay(): Panel {
  const c = CONFIG.display!;
  return usePanel(
    (ready) => {
      const spi = global[c.spi!];
      spi.setup({ sck: global[c.sck!], mosi: global[c.mosi!], order: "lsb", baud: 4000000 });
      const g: Screen & { setBgColor(c: number): void; setColor(c: number): void } = require("MemoryLCD").connect(
        spi, global[c.cs!], global[c.extcomin!], c.width, c.height, () => ready(g));
      // A set bit is a white pixel: black ink on white.
      g.setBgColor(1);
      g.setColor(0);
    },
    true,
  );
}
