export const BOARDS: Record<string, { espruino: boolean }>;
export const BUDGET: Record<string, number>;
export function loadConfig(file?: string, overrides?: Record<string, unknown>): Record<string, any>;
export function buildImage(o: { board: string; app?: string; config: Record<string, unknown>; outfile?: string }): Promise<string>;
export function coreSize(config: Record<string, unknown>): Promise<number>;
