import type { ApiResult } from './errors';

export * from './contract';
export * from './errors';
export * from './events';
export * from './backup';
export * from './subjects';
export * from './visits';
export * from './safety';
export * from './exchange';
export * from './imports';
export type { AuditEntry, Locale, Role } from './common';
export { locales, roles } from './common';

/** The narrow bridge the desktop preload exposes as `window.trialdesk`. */
export interface TrialDeskBridge {
  invoke(channel: string, payload: unknown): Promise<ApiResult<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}
