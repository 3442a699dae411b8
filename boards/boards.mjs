// The boards an image is built for, and where things are wired on each, as Espruino names
// ports and pins: the build takes these unless the config says otherwise (every key:
// firmware/config.schema.json).

/**
 * Boards, whether their image runs on Espruino (the host image runs on Node), and whether the
 * board's modem has an NTP command of its own (Board.modemClock: the image then carries the
 * round's fallback to it, firmware/modem-ntp.ts).
 */
export const BOARDS = {
  host: { espruino: false },
  linux: { espruino: true },
  esp8266: { espruino: true },
  esp32: { espruino: true },
  w5500: { espruino: true },
  quectel: { espruino: true, modemClock: true },
  sim800: { espruino: true, modemClock: true },
  espat: { espruino: true },
};
/**
 * The gps-server app: where the receiver is wired on each board that can serve UDP (the AT
 * modems cannot bind a port), as Espruino names ports and pins. On an ESP8266 the only full
 * UART is the USB console's (GPIO3 RX), so the console moves to Telnet (port 23). The Linux
 * build reads a tty and has no pin to watch: it times the NMEA sentences alone.
 */
export const GPS_WIRING = {
  esp8266: { serial: "Serial1", rx: "D3", tx: "D1", pps: "D4", console: "Telnet" },
  esp32: { serial: "Serial2", rx: "D16", tx: "D17", pps: "D4" },
  w5500: { serial: "Serial1", rx: "B7", tx: "B6", pps: "A8" },
  linux: { serial: "Serial1", path: "/dev/ttyACM0", pps: null },
};

/**
 * The battery-backed RTC's I2C wiring on each Espruino board unless the config says otherwise:
 * the ESP8266's GPIO5/GPIO4 (a NodeMCU's D1/D2), the ESP32's usual 22/21, and on the Pico-class
 * boards I2C1 on B8/B9, clear of the modems' and the W5500's pins. A panel on I2C (the SSD1306)
 * shares its bus: the RTC then takes the panel's port and pins.
 */
export const RTC_WIRING = {
  esp8266: { i2c: "I2C1", scl: "D5", sda: "D4" },
  esp32: { i2c: "I2C1", scl: "D22", sda: "D21" },
  w5500: { i2c: "I2C1", scl: "B8", sda: "B9" },
  quectel: { i2c: "I2C1", scl: "B8", sda: "B9" },
  sim800: { i2c: "I2C1", scl: "B8", sda: "B9" },
  espat: { i2c: "I2C1", scl: "B8", sda: "B9" },
  linux: { i2c: "I2C1", scl: "D5", sda: "D4" },
  // (the simulator's chip: tools/rtc-sim.mjs, npm start -- --rtc)
  host: { i2c: "I2C1", scl: "D5", sda: "D4" },
};
/** The chips (lib/rtc.ts) and the fastest bus each takes: the DS1307 100 kHz, the others 400 kHz. */
export const RTC_BITRATE = { ds3231: 400000, ds1307: 100000, pcf8563: 400000 };
