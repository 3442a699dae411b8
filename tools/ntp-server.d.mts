export interface NtpServer { port: number; requests: number; close(): Promise<void> }
export function startNtpServer(o?: { port?: number; offset?: number; host?: string }): Promise<NtpServer>;
