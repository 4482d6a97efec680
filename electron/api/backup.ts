/** Contract shapes of the settings screen and of backup and restore (issue 3). */
import { z } from 'zod';
import { locales, optionalText, type Locale } from './common';

export interface SettingsView {
  siteName: string;
  ownCenterCode: string;
  idleLockMinutes: number;
  /** null: the default folder (`defaultBackupFolder`) */
  backupFolder: string | null;
  retainDaily: number;
  retainMonthly: number;
  locale: Locale;
  /** `backups` beside the database file */
  defaultBackupFolder: string;
}

const count = (min: number, max: number) => z.number().int({ message: 'validation.wholeNumber' }).min(min).max(max);

export const settingsFields = z.object({
  siteName: z.string().trim().max(200),
  ownCenterCode: z
    .string()
    .trim()
    .max(10)
    .regex(/^[A-Za-z0-9-]*$/, { message: 'validation.centerCode' }),
  idleLockMinutes: count(1, 120),
  backupFolder: optionalText(1000),
  retainDaily: count(1, 365),
  retainMonthly: count(0, 120),
  locale: z.enum(locales),
});

export type BackupFileKind = 'daily' | 'monthly' | 'manual' | 'pre-restore' | 'pre-migrate';
export interface BackupFileView {
  name: string;
  path: string;
  kind: BackupFileKind;
  /** UTC instant of the backup */
  at: string;
  bytes: number;
}
export interface BackupListView {
  folder: string;
  files: BackupFileView[];
}
export interface BackupNowView {
  path: string;
  bytes: number;
  /** every check on the copy passed */
  ok: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
}
export interface RestoreView {
  restoredFrom: string;
  keptAside: string;
  checks: string[];
  migrated: string[];
}

/** Recovery mode: the damaged file, what the start-up check found, and the backups (newest first), each checked. */
export interface RecoveryView {
  file: string;
  problem: string;
  folders: string[];
  backups: { path: string; at: string; ok: boolean; problem: string | null }[];
}

export const backupNowInput = z.object({ folder: optionalText(1000) });
export const restoreInput = z.object({ path: z.string().trim().min(1, { message: 'validation.required' }).max(1000) });
