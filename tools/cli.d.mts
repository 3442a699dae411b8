import { ParseArgsConfig } from "node:util";
export function cli<T extends NonNullable<ParseArgsConfig["options"]>>(name: string, usage: string, options: T): { [K in keyof T]?: T[K] extends { type: "boolean" } ? boolean : string };
