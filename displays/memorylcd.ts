import { Panel, Screen, usePanel } from "./panel";

/**
 * A Sharp Memory LCD (Adafruit's 168x144 breakout) through Espruino's MemoryLCD module:
 * SPI sends LSB first and at most 4 MHz (espruino.com/MemoryLCD), and EXTCOMIN is toggled
 * by the module. Redrawn every second; the glass holds the picture without power to spare.
 */
export function useDisplay(): Panel {
  return usePanel(
    (ready) => {
      const spi = global[CONFIG.display!.spi!];
      spi.setup({ sck: global[CONFIG.display!.sck!], mosi: global[CONFIG.display!.mosi!], order: "lsb", baud: 4000000 });
      const g: Screen & { setBgColor(c: number): void; setColor(c: number): void } = require("MemoryLCD").connect(
        spi, global[CONFIG.display!.cs!], global[CONFIG.display!.extcomin!], CONFIG.display!.width, CONFIG.display!.height, () => ready(g));
      // A set bit is a white pixel: black ink on white.
      g.setBgColor(1);
      g.setColor(0);
    },
    true,
  );
}
