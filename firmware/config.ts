import { SyncOptions } from "../lib/client";
import { PollLimits } from "../lib/poll";
import { DisciplineLimits } from "../lib/discipline";

/** The build config (firmware/config.schema.json's defaults merged with --config FILE.json, and the build date as pivot). */
export interface Config extends Omit<SyncOptions, "auth">, PollLimits, DisciplineLimits {
  /** the server asked first; ntptime.sethost() changes it */
  host: string;
  /** more servers besides host, asked in turn each round; falsetickers are dropped */
  servers: string[];
  /** seconds: a random wait before the first round, so a fleet powered on together spreads out */
  startDelay: number;
  /** seconds: after the first sync, a larger step needs two servers that agree (servers only) */
  maxStep: number;
  /** a POSIX TZ string ("CET-1CEST,M3.5.0,M10.5.0/3") or hours east of UTC */
  tz: string | number;
  /** tz as parsed by the build (lib/tz.ts): the image carries no TZ parser */
  zone?: import("../lib/tz").Zone;
  /** print the time on the serial console once a second */
  console: boolean;
  /** esp8266, esp32 and espat */
  wifi?: { ssid: string; password?: string };
  /** quectel, sim800, espat: where the modem is wired (each board has a default) */
  serial?: Partial<import("../boards/modem").SerialConfig>;
  /** quectel, sim800: the cellular access point name */
  apn?: string;
  /** w5500: SPI wiring and, for a static address, ip/subnet/gateway/dns */
  w5500?: Partial<import("../boards/w5500").W5500Config>;
  /** a display panel; the build fills in the wiring defaults of its type */
  display?: DisplayConfig;
  /** a battery-backed RTC on I2C, read at power-on and written after syncs; the build fills in the wiring defaults of the board */
  rtc?: RtcConfig;
  /** the gps-server app only: the receiver and the server */
  gps?: GpsConfig;
  /** ntptime.at()'s alarms in the image: on for an --entry app unless set false (firmware/alarms.ts) */
  alarms?: boolean;
  /** the id of the key the client signs its requests with (one of `keys`) */
  key?: number;
  /**
   * keys as chrony's key file has them ("1 SHA1 HEX:..."): the lines, or the file's path. The
   * build writes the parsed keys into the image: the client's one, or all for the GPS server.
   */
  keys?: import("../lib/keys").KeyEntry[];
  /** derived by the build (build/config.mjs configDefines): seconds a step of a round may take before the supervisor calls it stalled */
  stall?: number;
}

/** The panel and its wiring, with ports and pins named as Espruino names them ("SPI1", "B3"). */
export interface DisplayConfig {
  type: "memorylcd" | "ssd1306" | "ssd1606";
  width: number;
  height: number;
  /** memorylcd and ssd1606: the SPI port and its clock and data pins */
  spi?: string;
  sck?: string;
  mosi?: string;
  /** chip select; the Memory LCD's SCS */
  cs?: string;
  /** memorylcd: the VCOM toggle pin */
  extcomin?: string;
  /** ssd1306: the I2C port, its pins and the device address (0x3C unless set) */
  i2c?: string;
  scl?: string;
  sda?: string;
  address?: number;
  /** ssd1606: data/command, reset and busy pins, and the optional BS1 and power pins */
  dc?: string;
  reset?: string;
  busy?: string;
  bs1?: string;
  power?: string;
}

/** The gps-server app's receiver wiring and server settings (boards/boards.mjs GPS_WIRING; the settings: firmware/config.schema.json). */
export interface GpsConfig {
  /** the Serial port the receiver's TX is wired to, its pins, and its baud rate */
  serial: string;
  rx?: string;
  tx?: string;
  baud: number;
  /** Espruino's Linux build: the receiver's tty */
  path?: string;
  /** the pin its PPS output is wired to; null: none, the time comes from NMEA alone */
  pps?: string | null;
  /** move the REPL here first (ESP8266: its one UART is the console's) */
  console?: string;
  nmeaDelay: number;
  port: number;
  holdover: number;
  interval: number;
  burst: number;
  clients: number;
}

/** The battery-backed RTC and its I2C wiring, ports and pins as Espruino names them (boards/boards.mjs RTC_WIRING). */
export interface RtcConfig {
  type: import("../lib/rtc").RtcType;
  i2c: string;
  scl: string;
  sda: string;
  /** the bus's clock, Hz: 100 kHz for the DS1307, 400 kHz for the others (a panel on the same bus: its own) */
  bitrate: number;
}
