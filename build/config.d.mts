// Types of build/config.mjs for the TypeScript tests.
export const SCHEMA: { properties: Record<string, any> } & Record<string, any>;
export const DEFAULTS: Record<string, unknown>;
export const BOARD_KEYS: string[];
export const GPS_DEFAULTS: Record<string, number>;
export function checkConfig<T extends Record<string, unknown>>(config: T): T;
export function configTable(): string;
export function gpsTable(): string;
export const TABLES: { file: string; make: () => string }[];
export function withTable(text: string, table: string): string;
