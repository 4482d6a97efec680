/**
 * What every call returns, on every host. Errors carry a message *key* (translated by the renderer) and the field they
 * concern — never a stack trace.
 */
export const errorCodes = [
  'validation', // bad input: see `fields`
  'conflict', // unique value already used, second lead center, …
  'not_found',
  'illegal_transition', // status change not allowed from the current status
  'unauthenticated', // nobody signed in
  'forbidden', // signed in, but the role may not do this
  'bad_request', // unknown channel, malformed envelope
  'locked', // the session is locked (idle, lock button, OS lock): only unlock, sign-in, sign-out, app.info pass
  'recovery', // the database was found damaged at start-up: only the recovery screen's calls pass
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface FieldError {
  /** dotted path of the offending input field, e.g. "protocolNumber" */
  field: string;
  messageKey: string;
  params?: Record<string, string | number>;
}

export interface ApiError {
  code: ErrorCode;
  messageKey: string;
  params?: Record<string, string | number>;
  /** the first offending field, for a one-line message */
  field?: string;
  fields?: FieldError[];
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };
