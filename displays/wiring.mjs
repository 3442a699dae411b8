// Each panel's wiring: the build takes it unless the config says otherwise (build.mjs
// displayConfig; every key: firmware/config.schema.json).

/**
 * Each panel's wiring unless the config says otherwise: ports and pins as Espruino names
 * them, defaults on an Espruino Pico (the Memory LCD as espruino.com/MemoryLCD wires it).
 */
export const DISPLAYS = {
  memorylcd: { spi: "SPI1", sck: "B3", mosi: "B5", cs: "B4", extcomin: "B6", width: 168, height: 144 },
  ssd1306: { i2c: "I2C1", scl: "B6", sda: "B7", width: 128, height: 64 },
  ssd1606: { spi: "SPI1", sck: "A5", mosi: "A7", cs: "A6", dc: "A8", reset: "B1", busy: "A1", width: 172, height: 72 },
};
