// The network bring-up of the W5500, ESP8266 and ESP32 images, driven through fakes of the Espruino
// modules they call (WIZnet, Wifi), then a sync over the runtime's UDP to a loopback server.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildImage, loadConfig } from "../../build.mjs";
import { startNtpServer, NtpServer } from "../../tools/ntp-server.mjs";
import { EspruinoVm } from "../helpers/espruino-vm";
import { fakeWifi, fakeWiznet, WiznetFake } from "../helpers/fake-modules";
import { advance, virtualServer } from "../helpers/virtual-server";

let server: NtpServer;
// ahead: a server behind the build date would be refused as "early"
const OFFSET = 7.75;

test.before(async () => {
  server = await startNtpServer({ offset: OFFSET });
});
test.after(async () => {
  await server.close();
});

function image(board: string, over: Record<string, unknown> = {}) {
  return buildImage({ board, config: loadConfig(undefined, { host: "127.0.0.1:" + server.port, console: false, gap: 50, startDelay: 0, ...over }) });
}

async function w5500(fake: WiznetFake, over: Record<string, unknown> = {}) {
  const dev = new EspruinoVm({ clockStart: 946684800, modules: { WIZnet: fake.module }, globals: fake.globals });
  dev.load(await image("w5500", over), "w5500.js");
  return dev;
}

test("w5500: Pico shim wiring by default, DHCP, then a sync over the W5500", async () => {
  const fake = fakeWiznet();
  const dev = await w5500(fake);
  try {
    const line = await dev.waitFor(/^ntptime: /, 4000);
    assert.match(line, / stratum 1 offset /);
    assert.equal(fake.calls, ['SPI2.setup {"mosi":"B15","miso":"B14","sck":"B13"}', "connect SPI2 B10", "setIP (DHCP)"]);
    assert.ok(dev.lines.includes("w5500: DHCP 192.168.7.50 gateway 192.168.7.1 dns 192.168.7.1"), dev.lines.join("\n"));
    assert.ok(Math.abs(dev.now() - (Date.now() / 1000 + OFFSET)) < 0.005);
  } finally {
    dev.dispose();
  }
});

test("w5500: static address from config reaches WIZnet with its real option names", async () => {
  const fake = fakeWiznet();
  const dev = await w5500(fake, { w5500: { ip: "10.1.2.3", subnet: "255.255.0.0", gateway: "10.1.0.1", dns: "10.1.0.53" } });
  try {
    await dev.waitFor(/^ntptime: .* stratum 1/, 4000);
    assert.is(fake.calls[2], 'setIP {"ip":"10.1.2.3","subnet":"255.255.0.0","gateway":"10.1.0.1","dns":"10.1.0.53"}');
    assert.ok(dev.lines.includes("w5500: static 10.1.2.3 gateway 10.1.0.1 dns 10.1.0.53"), dev.lines.join("\n"));
  } finally {
    dev.dispose();
  }
});

test("w5500: other SPI pins and chip select from config", async () => {
  const fake = fakeWiznet();
  const dev = new EspruinoVm({
    modules: { WIZnet: fake.module },
    globals: { SPI1: fake.globals.SPI2, A7: "A7", A6: "A6", A5: "A5", B1: "B1" },
  });
  try {
    dev.load(await image("w5500", { w5500: { spi: "SPI1", mosi: "A7", miso: "A6", sck: "A5", cs: "B1" } }), "w5500.js");
    await dev.waitFor(/^ntptime: /, 4000);
    assert.equal(fake.calls.slice(0, 2), ['SPI2.setup {"mosi":"A7","miso":"A6","sck":"A5"}', "connect SPI2 B1"]);
  } finally {
    dev.dispose();
  }
});

for (const [name, fake, message] of [
  ["link down", fakeWiznet({ link: false }), "w5500: Ethernet link down (cable unplugged?), trying again in 30 s"],
  ["DHCP failure", fakeWiznet({ dhcp: false }), "w5500: DHCP failed: no lease from the network, trying again in 30 s"],
  ["no chip on the bus", fakeWiznet({ chip: false }), "w5500: no W5500 answering on SPI2 CS B10 (wiring, power?), trying again in 30 s"],
] as [string, WiznetFake, string][]) {
  test(`w5500: ${name} is a clear console message, no sync, no clock step`, async () => {
    const dev = await w5500(fake);
    try {
      await dev.waitFor(new RegExp("^" + message.replace(/[().?]/g, "\\$&") + "$"), 2000);
      assert.equal(dev.steps, []);
      assert.not.ok(dev.lines.some((l) => l.startsWith("ntptime: ")));
    } finally {
      dev.dispose();
    }
  });
}

// The two Wi-Fi boards share boards/wifi.ts: each image must still join, resolve and sync.
for (const board of ["esp8266", "esp32"]) {
  test(`${board}: joins Wi-Fi, resolves the name with Wifi.getHostByName before UDP, syncs`, async () => {
    const wifi = fakeWifi();
    const dev = new EspruinoVm({ clockStart: 946684800, modules: { Wifi: wifi } });
    try {
      dev.load(await image(board, { host: "time.test:" + server.port, wifi: { ssid: "lab", password: "pw" } }), board + ".js");
      const line = await dev.waitFor(/^ntptime: /, 4000);
      assert.match(line, new RegExp(`^ntptime: time\\.test:${server.port} 127\\.0\\.0\\.1:${server.port} stratum 1`));
      assert.equal(wifi.calls, ["connect lab pw", "resolve time.test"]);
      assert.ok(dev.lines[0].startsWith(`clock: board ${board},`));
      assert.ok(Math.abs(dev.now() - (Date.now() / 1000 + OFFSET)) < 0.005);
    } finally {
      dev.dispose();
    }
  });
}

test("esp32: a Wi-Fi failure is reported and retried; no wifi config says so", async () => {
  const dev = new EspruinoVm({ modules: { Wifi: fakeWifi("no AP found") } });
  try {
    dev.load(await image("esp32", { wifi: { ssid: "lab" } }), "esp32.js");
    await dev.waitFor(/^esp32: wifi: no AP found, trying again in 30 s$/, 2000);
  } finally {
    dev.dispose();
  }
  const bare = new EspruinoVm({ modules: { Wifi: fakeWifi() } });
  try {
    bare.load(await image("esp32"), "esp32.js");
    await bare.waitFor(/^esp32: no wifi.ssid in the build config, trying again in 30 s$/, 2000);
  } finally {
    bare.dispose();
  }
});

test("esp8266: a bring-up that fails is tried again 30 s later, and the schedule starts once it succeeds", async () => {
  let tries = 0;
  const wifi = {
    connect: (_ssid: string, _o: unknown, cb: (err: string | null) => void) => cb(++tries == 1 ? "no AP found" : null),
    getHostByName: (_name: string, cb: (ip: string) => void) => cb("127.0.0.1"),
  };
  const start = Math.floor(Date.now() / 1000) + 86400;
  let dev: EspruinoVm;
  dev = new EspruinoVm({ virtual: true, clockStart: start, modules: { Wifi: wifi, dgram: virtualServer(() => dev, [], 2) } });
  dev.load(await buildImage({ board: "esp8266", config: loadConfig(undefined, { host: "time.test:123", console: false, startDelay: 1, wifi: { ssid: "lab" } }) }), "esp8266.js");
  await advance(dev, 29 * 1000);
  assert.is(tries, 1);
  assert.ok(dev.lines.includes("esp8266: wifi: no AP found, trying again in 30 s"), dev.lines.join("\n"));
  assert.not.ok(dev.lines.some((l) => /^ntptime: /.test(l)), "no sync before the network is up");
  await advance(dev, 10 * 1000);
  dev.dispose();
  assert.is(tries, 2);
  assert.match(dev.lines.find((l) => /^ntptime: /.test(l)) || "", /^ntptime: time\.test:123 127\.0\.0\.1:123 stratum 1 offset 2\.0\d+ s .*, step /);
});

test.run();
