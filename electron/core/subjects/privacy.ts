/**
 * Who sees personal fields (name, hospital record number, ID-card number, phone): site roles only, and only for
 * subjects of our own center (the only ones that have them). Monitors never receive them — not in subject views, not in
 * lists, not in the audit trail. Lists show them masked.
 */
import type { Role } from '../../api';

export const PERSONAL_FIELDS = ['name', 'recordNumber', 'idNumber', 'phone'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

export const seesPersonalFields = (role: Role): boolean => role !== 'monitor';

/** 张三丰 → 张*丰, 李四 → 李*; Latin names keep their first letter. */
export function maskName(name: string | null): string | null {
  if (!name) return null;
  const chars = [...name];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars.at(-1)}`;
}

/** Only the last 4 characters: ****5678. */
export function maskTail(value: string | null): string | null {
  if (!value) return null;
  return value.length <= 4 ? '*'.repeat(value.length) : `****${value.slice(-4)}`;
}

/** An audit change set as a monitor may read it: personal fields replaced by a marker. */
export function redactChanges(changes: Record<string, [unknown, unknown]>): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const [field, [a, b]] of Object.entries(changes)) {
    out[field] = (PERSONAL_FIELDS as readonly string[]).includes(field)
      ? [a === null ? null : '***', b === null ? null : '***']
      : [a, b];
  }
  return out;
}
