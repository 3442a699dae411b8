// How often this machine preempts an interpreter between two readings of its clock: N
// interpreters of the ESP8266 size side by side, each reading getTime() twice in a row
// 10,000 times; prints per interpreter how many pairs were more than 2 ms apart. A setTime
// preempted between the reading it sets from and the setting loses that much (the fault
// soak's clock errors; lib/discipline.ts measure puts such a loss back within a minute).
//   node --import ./tools/ts-register.mjs tools/preemption.ts [N, 8 by default]
import { Device, deviceMissing } from "../test/helpers/device";

const why = deviceMissing(["esp8266"]);
if (why) {
  console.error("preemption: cannot run: " + why);
  process.exit(1);
}
const n = +(process.argv[2] || 8);
const devs = await Promise.all(Array.from({ length: n }, () => Device.create("esp8266", 600)));
try {
  const pairs = "(function(){var c=0,s=0,m=0;for(var i=0;i<500;i++){var a=getTime();var b=getTime();var g=b-a;if(g>0.002){c++;s+=g;}if(g>m)m=g;}return [c,s,m];})()";
  const rows = await Promise.all(
    devs.map(async (dev, k) => {
      let over = 0, lost = 0, worst = 0;
      for (let i = 0; i < 20; i++) {
        const [c, s, m] = await dev.eval<number[]>(pairs, 60000);
        over += c;
        lost += s;
        worst = Math.max(worst, m);
      }
      return `interpreter ${k + 1}: 10000 pairs of readings, ${over} more than 2 ms apart (${(lost * 1000).toFixed(1)} ms in all), at worst ${(worst * 1000).toFixed(1)} ms`;
    }),
  );
  console.log(`${n} interpreters side by side:\n` + rows.join("\n"));
} finally {
  await Promise.all(devs.map((d) => d.stop()));
}
