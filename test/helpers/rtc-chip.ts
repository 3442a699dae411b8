// An emulated battery-backed RTC on the Linux interpreter's I2C1, for `.boot0`: a DS3231,
// DS1307 or PCF8563 register map, the chip's stop flag, a settable drift, and its time kept
// across the interpreter's power cycles (in Storage, as the chip keeps it on its battery).
// The interpreter starts on this machine's time; the stand-in moves the device clock back to
// 1970 at power-on, as a board's is, and keeps the machine's time as the chip's reference by
// following every setTime. Written for the device's dialect, independently of lib/rtc.ts
// (its own calendar and BCD), so that the firmware is checked against the datasheets' layout,
// not against itself.

export type ChipType = "ds3231" | "ds1307" | "pcf8563";

/** The chip as kept in Storage (file RTC_FILE): its time `base` at machine time `at`, drift ppm, flags. */
export interface ChipState {
  type: ChipType;
  /** chip seconds (fractional) at machine time `at` */
  base: number;
  at: number;
  /** ppm the chip runs fast */
  ppm: number;
  /** its stop flag (DS3231 OSF, DS1307 CH, PCF8563 VL): set by a power loss, cleared by a write */
  stopped: boolean;
  /** PCF8563 STOP held: the chip frozen at base */
  frozen?: boolean;
  /** the device clock at the last write of its time (the PCF8563's: its STOP's release) */
  dev?: number;
}

export const RTC_FILE = "rtcemu";

/** The chip's time at machine time `now` (seconds), as the emulator reckons it. */
export const chipTime = (c: ChipState, now: number) => (c.frozen || (c.type == "ds1307" && c.stopped) ? c.base : c.base + (now - c.at) * (1 + c.ppm * 1e-6));

/**
 * `.boot0` text: the chip on I2C1 (the board's I2C1 pins are the Linux build's too), the
 * device clock at 1970 + a second. `global.RTCFAIL` makes the bus fail (no ACK: it throws, a
 * string: an Error's stack would take memory the device test is not about); `global.RTCCUT`
 * runs the next write of the registers out of memory for real, once (an array grown until the
 * interpreter has no JsVar left, garbage once the event has unwound);
 * `RTCAHEAD()` is the device clock less the chip's time, both read in the same instant.
 * Written to Storage after every change of the chip (at once after the I2C call: a chip's write
 * takes microseconds, Storage's milliseconds). Its memory is the Linux build's, not the board's
 * (npm run footprint counts it with the stand-ins), and it is kept small so that the full config
 * with an RTC can be measured at all: what it keeps is its state and seven functions, the
 * calendar, BCD and register map made inside them at each call (66 JsVars, not 111: npm run
 * footprint's DS3231 row, of which stand-ins less the Wifi stand-in's 33).
 */
export function rtcChip(): string {
  return `(function(){
var S=require("Storage"),st=setTime,shift=0,ptr=0,kept=0;
global.setTime=function(t){var m=getTime()-shift;st(t);shift=t-m;};
setTime(1);
var c=S.readJSON("${RTC_FILE}",1);
if(!c)return;
var pcf=c.type=="pcf8563",first=pcf?2:0,addr=pcf?0x51:0x68;
var now=function(){return c.frozen||(c.type=="ds1307"&&c.stopped)?c.base:c.base+(getTime()-shift-c.at)*(1+c.ppm*1e-6);};
var timeRegs=function(){
  var bcd=function(n){return Math.floor(n/10)*16+n%10;};
  var t=Math.floor(now()),d=Math.floor(t/86400),s=t-d*86400,w=(d+3)%7,y=2000,m=0,l;
  d-=10957;
  while(d>=(y%4?365:366)){d-=y%4?365:366;y++;}
  l=[31,y%4?28:29,31,30,31,30,31,31,30,31,30,31];
  while(d>=l[m]){d-=l[m];m++;}
  var h=[bcd(s%60),bcd(Math.floor(s/60)%60),bcd(Math.floor(s/3600))];
  if(pcf)return [h[0]|(c.stopped?0x80:0),h[1],h[2],bcd(d+1),(w+1)%7,bcd(m+1),bcd(y-2000)];
  return [h[0]|(c.type=="ds1307"&&c.stopped?0x80:0),h[1],h[2],w+1,bcd(d+1),bcd(m+1),bcd(y-2000)];
};
global.RTCAHEAD=function(){return getTime()-now();};
I2C1.setup=function(){};
I2C1.writeTo=function(a){
  var dev0=getTime(),now0=dev0-shift,b=[],i;
  for(i=1;i<arguments.length;i++){var x=arguments[i];if(typeof x=="number")b.push(x);else for(var j=0;j<x.length;j++)b.push(x[j]);}
  if(a!=addr){if(a==0x3c)return;throw "I2C: no ACK";}
  if(global.RTCFAIL)throw "I2C: no ACK";
  ptr=b[0];
  if(b.length<2)return;
  if(global.RTCCUT){delete global.RTCCUT;var h=[];for(;;)h.push(0);}
  var data=b.slice(1),t=timeRegs(),touched=false;
  for(i=0;i<data.length;i++,ptr++){
    if(ptr>=first&&ptr<first+7){t[ptr-first]=data[i];touched=true;}
    else if(c.type=="ds3231"&&ptr==15){if(!(data[i]&0x80))c.stopped=false;}
    else if(pcf&&ptr==0){
      var stop=!!(data[i]&0x20);
      if(stop&&!c.frozen){c.base=Math.floor(now());c.frozen=true;}
      else if(!stop&&c.frozen){c.frozen=false;c.base=c.base+(1-0.507874);c.at=now0;c.dev=dev0;}
    }
    else{if(!c.regs)c.regs={};c.regs[ptr]=data[i];}
  }
  if(touched){
    var dec=function(b){return (b>>4)*10+(b&15);};
    var y=2000+dec(t[6]),mo=dec(t[5]&0x1f),n=10957;
    for(i=2000;i<y;i++)n+=i%4?365:366;
    for(i=0;i<mo-1;i++)n+=[31,y%4?28:29,31,30,31,30,31,31,30,31,30,31][i];
    c.base=((n+dec(t[pcf?3:4])-1)*24+dec(t[2]&0x3f))*3600+dec(t[1])*60+dec(t[0]&0x7f);
    c.at=now0;
    if(c.type!="ds3231")c.stopped=!!(t[0]&0x80);
    if(!c.frozen)c.dev=dev0;
  }
  if(!kept)kept=setTimeout(function(){kept=0;S.writeJSON("${RTC_FILE}",c);},0);
};
I2C1.readFrom=function(a,n){
  if(a!=addr||global.RTCFAIL)throw "I2C: no ACK";
  // (the seconds alone without the calendar: a read the boot repeats, which a chip answers in 0.3 ms)
  if(n==1&&ptr==first){var s=Math.floor(now())%60;return new Uint8Array([Math.floor(s/10)*16+s%10|(c.type!="ds3231"&&c.stopped?0x80:0)]);}
  var out=new Uint8Array(n),tr=timeRegs(),r;
  for(var i=0;i<n;i++){
    r=ptr++;
    out[i]=r>=first&&r<first+7?tr[r-first]:c.type=="ds3231"&&r==15?(c.stopped?0x80:0)|0x08:pcf&&r==0?(c.frozen?0x20:0):(c.regs&&c.regs[r])||(c.type=="ds3231"&&r==14?0x1c:0);
  }
  return out;
};
})();
`;
}
