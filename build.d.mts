export const BOARDS: Record<string, { espruino: boolean }>;
export const BUDGET: Record<string, number>;
export const BOARD_KEYS: string[];
export const DISPLAYS: Record<string, Record<string, string | number>>;
export function loadConfig(file?: string, overrides?: Record<string, unknown>): Record<string, any>;
export function buildImage(o: { board: string; app?: string; config: Record<string, unknown>; outfile?: string }): Promise<string>;
export function coreSize(config: Record<string, unknown>): Promise<number>;
