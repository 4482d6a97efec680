import type { ApiError, ErrorCode, FieldError } from '../api/errors';

/** A refusal a user can act on. Thrown by services, turned into `{ ok: false, error }` by the handler table. */
export class AppError extends Error {
  readonly error: ApiError;
  constructor(
    code: ErrorCode,
    messageKey: string,
    opts: { field?: string; params?: Record<string, string | number>; fields?: FieldError[] } = {},
  ) {
    super(messageKey);
    const fields = opts.fields ?? (opts.field ? [{ field: opts.field, messageKey, params: opts.params }] : undefined);
    this.error = { code, messageKey, params: opts.params, field: opts.field ?? fields?.[0]?.field, fields };
  }
}

export const fieldError = (
  code: ErrorCode,
  field: string,
  messageKey: string,
  params?: Record<string, string | number>,
): AppError => new AppError(code, messageKey, { field, params });

export const notFound = (entity: string): AppError =>
  new AppError('not_found', 'errors.notFound', { params: { entity } });
