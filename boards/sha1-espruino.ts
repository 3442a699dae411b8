import { Hash } from "../lib/mac";

/** Espruino's crypto.SHA1 takes a Uint8Array and gives a 20-byte ArrayBuffer. */
export const sha1: Hash = (b) => new Uint8Array(require("crypto").SHA1(b));
