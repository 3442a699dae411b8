import { Panel, Screen, usePanel } from "./panel";

/** An SSD1306 OLED on I2C through Espruino's SSD1306 module, redrawn every second. */
export function useDisplay(): Panel {
  const c = CONFIG.display!;
  return usePanel(
    (ready) => {
      const i2c = global[c.i2c!];
      i2c.setup({ scl: global[c.scl!], sda: global[c.sda!], bitrate: 400000 });
      const g: Screen = require("SSD1306").connect(i2c, () => ready(g), { height: c.height, address: c.address });
    },
    true,
  );
}
