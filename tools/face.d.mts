export const FACES: Record<string, { width: number; height: number; seconds: boolean }>;
export function interpreter(): string;
export function inInterpreter(script: string, tag: string, ms?: number): string;
export function font(): number[][];
export interface FaceCanvas { buffer: Uint8Array; width: number; height: number; pixel(x: number, y: number): number; getWidth(): number; getHeight(): number; setFont(name: string, scale: number): void; drawString(s: string, x: number, y: number): void; clear(): void; flip(): void }
export function canvas(width: number, height: number): FaceCanvas;
export function renderer(): Promise<(g: FaceCanvas, v: { t: number[]; zone: string; state: string }, seconds: boolean) => void>;
export function blocks(c: FaceCanvas): string[];
export function png(c: FaceCanvas): Buffer;
export function viewOf(line: string): { t: number[]; zone: string; state: string } | null;
