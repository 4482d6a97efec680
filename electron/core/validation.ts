import type { z } from 'zod';
import type { FieldError } from '../api/errors';
import { AppError } from './errors';

/**
 * Turns zod issues into field errors with message keys the renderer translates. Schemas in the contract name their own
 * key (`{ message: 'validation.…' }`); zod's built-in checks are mapped here.
 */
export function toFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.map((issue): FieldError => {
    const field = issue.path.map(String).join('.');
    if (issue.message.startsWith('validation.')) return { field, messageKey: issue.message };
    switch (issue.code) {
      case 'too_small':
        return issue.origin === 'string' && Number(issue.minimum) <= 1
          ? { field, messageKey: 'validation.required' }
          : {
              field,
              messageKey: issue.origin === 'string' ? 'validation.minLength' : 'validation.min',
              params: { min: Number(issue.minimum) },
            };
      case 'too_big':
        return {
          field,
          messageKey: issue.origin === 'string' ? 'validation.maxLength' : 'validation.max',
          params: { max: Number(issue.maximum) },
        };
      case 'invalid_value':
        return { field, messageKey: 'validation.option' };
      case 'invalid_type':
        return issue.input === undefined || issue.input === null
          ? { field, messageKey: 'validation.required' }
          : { field, messageKey: 'validation.type', params: { expected: issue.expected } };
      case 'unrecognized_keys':
        return { field: issue.keys.join(','), messageKey: 'validation.unknownField' };
      default:
        return { field, messageKey: 'validation.invalid' };
    }
  });
}

/** Parses a payload with a contract schema, or throws one AppError that names every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
  const result = schema.safeParse(payload, { reportInput: true });
  if (result.success) return result.data;
  const fields = toFieldErrors(result.error.issues);
  throw new AppError('validation', fields[0]?.messageKey ?? 'validation.invalid', {
    fields,
    params: fields[0]?.params,
  });
}
