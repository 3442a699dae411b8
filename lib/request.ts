import { HEADER_LEN, MODE_CLIENT, VERSION, XMIT_AT } from "./wire";
import { Timestamp } from "./timestamp";

/**
 * A client request (RFC 4330 s5): mode 3, version 4, every other field zero, and a random
 * transmit timestamp. The server copies it into its reply's originate field, so it works as
 * a nonce that a stale or forged reply cannot guess; the real T1 never leaves the device
 * (chrony does the same, and it leaks no clock to the network).
 */
export function request(nonce: Timestamp): Uint8Array {
  const b = new Uint8Array(HEADER_LEN);
  b[0] = (VERSION << 3) | MODE_CLIENT;
  // (big-endian, byte by byte, in one loop: the device's exchange then carries no put or
  // putTs, functions of three parameters, each about 8 JsVars while a server is asked)
  for (let i = 0; i < 4; i++) {
    b[XMIT_AT + i] = nonce.sec >>> (24 - 8 * i);
    b[XMIT_AT + 4 + i] = nonce.frac >>> (24 - 8 * i);
  }
  return b;
}
