export interface Problem { message: string; line: number; column: number; module: string; text: string }
export function checkDialect(code: string, filename?: string, kind?: number): Problem[];
export function formatProblems(problems: Problem[], file: string): string;
export const MISSING_GLOBALS: string[];
export const MISSING_MEMBERS: string[];
export const MISSING_DATE_METHODS: string[];
