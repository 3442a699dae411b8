// No keys in the config: nothing is signed or checked (firmware/auth-key.ts is the other side).
import { Auth } from "../lib/checks";
import { Key } from "../lib/mac";

export const keys: Key[] | undefined = undefined;
export const auth: Auth | undefined = undefined;
export const signedBy = (b: Uint8Array): Key | undefined => undefined;
export const signWith = (k: Key, h: Uint8Array) => h;
