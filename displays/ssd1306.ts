import { Panel, Screen, usePanel } from "./panel";

/** An SSD1306 OLED on I2C through Espruino's SSD1306 module, redrawn every second. */
export function useDisplay(): Panel {
  return usePanel(
    (ready) => {
      const i2c = global[CONFIG.display!.i2c!];
      i2c.setup({ scl: global[CONFIG.display!.scl!], sda: global[CONFIG.display!.sda!], bitrate: 400000 });
      const g: Screen = require("SSD1306").connect(i2c, () => ready(g), { height: CONFIG.display!.height, address: CONFIG.display!.address });
    },
    true,
  );
}
