// Modules that build.mjs makes per image: the board picked by --board, the merged config.
declare module "@board" {
  export const board: import("../boards/board").Board;
}
declare module "@zone" {
  export const useZone: typeof import("./zone-fixed").useZone;
}
declare module "@round" {
  export const syncRound: typeof import("./round-many").syncRound;
}
declare module "@display" {
  export const useDisplay: typeof import("../displays/none").useDisplay;
}
declare module "@auth" {
  export const keys: typeof import("./auth-key").keys | undefined;
  export const auth: typeof import("./auth-key").auth;
  export const signedBy: typeof import("./auth-key").signedBy;
  export const signWith: typeof import("./auth-key").signWith;
}
declare module "@sha1" {
  export const sha1: import("../lib/mac").Hash;
}
declare module "@config" {
  export const config: import("./config").Config;
}
declare var global: any;
