// SHA-1 (FIPS 180-4) in plain arithmetic, for boards whose own hash may give nothing:
// Espruino's crypto.SHA1 keeps its result in a flat string (JsVars in a row), which a heap
// full of pieces, or of the console's history (given back only to single JsVars), may not
// have (boards/sha1-espruino.ts). This one takes single JsVars only: no padded copy of the
// message, a 16-word schedule (s6.1.3's alternate method) and the state in variables.

/** The byte at `i` of the padded message (s5.1.1): `m`, then 0x80, zeros, and its length in bits (64 bits, big-endian) ending at `end`. */
function padded(m: Uint8Array, i: number, end: number): number {
  if (i < m.length) return m[i];
  if (i == m.length) return 0x80;
  // (the length's upper 32 bits are 0 for any message under 512 MB)
  return i >= end - 4 ? ((m.length * 8) >>> ((end - 1 - i) * 8)) & 255 : 0;
}

/** SHA-1 of `m`, 20 bytes (s6.1.2). */
export function sha1(m: Uint8Array): Uint8Array {
  // the padded message: at least 9 bytes more, in whole 64-byte blocks
  const end = (((m.length + 8) >> 6) + 1) * 64;
  // s6.1.3: W[t] kept as W[t mod 16], each made from the four before it in the ring
  // (a plain array of int32s: a typed one's class would stay in Espruino's global scope, in an image that has none yet)
  const w: number[] = [];
  // s5.3.1
  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0 | 0;
  for (let at = 0; at < end; at += 64) {
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let t = 0; t < 80; t++) {
      let x = 0;
      if (t < 16) for (let i = at + 4 * t; i < at + 4 * t + 4; i++) x = (x << 8) | padded(m, i, end);
      else {
        x = w[(t + 13) & 15] ^ w[(t + 8) & 15] ^ w[(t + 2) & 15] ^ w[t & 15];
        x = (x << 1) | (x >>> 31);
      }
      w[t & 15] = x;
      // s4.1.1's function and s4.2.1's constant of the round's quarter
      const f = t < 20 ? (b & c) | (~b & d) : t < 40 || t >= 60 ? b ^ c ^ d : (b & c) | (b & d) | (c & d);
      const k = t < 20 ? 0x5a827999 : t < 40 ? 0x6ed9eba1 : t < 60 ? 0x8f1bbcdc : 0xca62c1d6;
      x = (((a << 5) | (a >>> 27)) + f + e + k + x) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = x;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  const out = new Uint8Array(20);
  for (let i = 0; i < 4; i++) {
    const s = 24 - 8 * i;
    out[i] = (h0 >>> s) & 255;
    out[4 + i] = (h1 >>> s) & 255;
    out[8 + i] = (h2 >>> s) & 255;
    out[12 + i] = (h3 >>> s) & 255;
    out[16 + i] = (h4 >>> s) & 255;
  }
  return out;
}
