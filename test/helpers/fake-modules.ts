// Fakes of the Espruino network modules the board images call: Wifi (ESP8266/ESP32) and
// WIZnet (W5500), recording every call, with the failures a real network has.

export function fakeWifi(connectErr: string | null = null) {
  const calls: string[] = [];
  return {
    calls,
    connect: (ssid: string, opts: { password?: string }, cb: (err: string | null) => void) => {
      calls.push(`connect ${ssid} ${opts.password}`);
      setTimeout(() => cb(connectErr), 5);
    },
    getHostByName: (name: string, cb: (ip?: string) => void) => {
      calls.push(`resolve ${name}`);
      // a dotted address resolves to itself, as lwIP's dns_gethostbyname answers it on the device
      setTimeout(() => cb(name == "time.test" ? "127.0.0.1" : /^[\d.]+$/.test(name) ? name : undefined), 5);
    },
  };
}

export interface WiznetFake {
  calls: string[];
  /** the WIZnet module for require("WIZnet") */
  module: { connect(spi: unknown, cs: unknown): unknown };
  /** globals for the image: the SPI port and the pin names */
  globals: Record<string, unknown>;
}

/**
 * A W5500 behind WIZnet.connect(). `chip: false` is a W5500 that does not answer (connect
 * returns nothing, as 2v29 does after "WIZnet Initialize failed"); `link` the PHY link;
 * `dhcp` whether a lease comes.
 */
export function fakeWiznet(o: { chip?: boolean; link?: boolean; dhcp?: boolean } = {}): WiznetFake {
  const calls: string[] = [];
  let ip = { ip: "0.0.0.0", subnet: "0.0.0.0", gateway: "0.0.0.0", dns: "0.0.0.0", mac: "00:08:dc:01:02:03" };
  const eth = {
    getStatus: () => ({ state: "online", phylink: o.link === false ? "down" : "up" }),
    setIP: (opts?: Record<string, string>) => {
      calls.push("setIP " + (opts ? JSON.stringify(opts) : "(DHCP)"));
      if (opts) return (ip = { ...ip, ...opts }), true;
      if (o.dhcp === false) return false;
      ip = { ...ip, ip: "192.168.7.50", subnet: "255.255.255.0", gateway: "192.168.7.1", dns: "192.168.7.1" };
      return true;
    },
    getIP: () => ({ ...ip }),
  };
  const spi = { setup: (opts: Record<string, unknown>) => calls.push("SPI2.setup " + JSON.stringify(opts)) };
  return {
    calls,
    module: {
      connect: (s: unknown, cs: unknown) => {
        calls.push(`connect ${s === spi ? "SPI2" : String(s)} ${cs}`);
        return o.chip === false ? undefined : eth;
      },
    },
    globals: { SPI2: spi, B15: "B15", B14: "B14", B13: "B13", B10: "B10" },
  };
}
