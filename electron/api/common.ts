import { z } from 'zod';

/** Calendar date without time: YYYY-MM-DD text, a real date. */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'validation.date' })
  .refine(
    (s) => {
      const [y, m, d] = s.split('-').map(Number) as [number, number, number];
      const dt = new Date(Date.UTC(y, m - 1, d));
      return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d && y >= 1900 && y <= 2200;
    },
    { message: 'validation.date' },
  );

/** Required single-line text: trimmed, non-empty, bounded. */
export const text = (max: number) => z.string().trim().min(1, { message: 'validation.required' }).max(max);
/** Optional text: empty string becomes null. */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((s) => (s ? s : null));
export const optionalDate = z
  .union([isoDate, z.literal('')])
  .nullish()
  .transform((s) => (s ? s : null));
export const optionalCount = z
  .number()
  .int()
  .min(0)
  .max(1_000_000)
  .nullish()
  .transform((n) => n ?? null);
export const id = z.number().int().positive();
export const reason = optionalText(500);

export { roles } from '../../db/schema/vocabulary';
import { type roles } from '../../db/schema/vocabulary';
export type Role = (typeof roles)[number];
export const locales = ['zh-CN', 'en'] as const;
export type Locale = (typeof locales)[number];

export const auditEntry = z.object({
  seq: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  studyId: z.number().nullable(),
  changes: z.record(z.string(), z.tuple([z.unknown(), z.unknown()])),
  reason: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntry>;
