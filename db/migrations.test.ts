/**
 * Each migration is applied to a database seeded at the previous version: nothing committed before may be lost or left
 * dangling (drizzle's migrator runs with foreign keys on inside a transaction, where a table rebuild can cascade).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MIGRATIONS, openDatabase, readJournal } from './open';
import { dispatch } from '../electron/handlers';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-mig-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The migrations folder as an earlier release shipped it: the first `count` migrations. */
function releaseWith(count: number): string {
  const folder = path.join(dir, `migrations-${count}`);
  cpSync(DEFAULT_MIGRATIONS, folder, { recursive: true });
  const file = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(file, 'utf8')) as { entries: unknown[] };
  journal.entries = journal.entries.slice(0, count);
  writeFileSync(file, JSON.stringify(journal));
  return folder;
}

const tables = ['users', 'settings', 'audit_events', 'studies', 'centers'];

describe('migrations', () => {
  const all = readJournal(DEFAULT_MIGRATIONS);
  it.each(all.slice(1).map((e) => [e.tag, e.idx] as const))(
    '%s keeps every row of the version before',
    async (_tag, idx) => {
      const file = path.join(dir, 'trialdesk.sqlite');
      const old = await openDatabase(file, { migrationsFolder: releaseWith(idx) });
      // rows written with the columns of the first release, which every later schema must keep
      old.db.$client.exec(`
      INSERT INTO users (username, display_name, role, password_hash, created_at, updated_at)
        VALUES ('admin', '管理员', 'admin', 'scrypt$x', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z');
      INSERT INTO settings (key, value, updated_at) VALUES ('ui.locale', '"en"', '2024-01-01T00:00:00.000Z');
      INSERT INTO studies (protocol_number, title, short_title, sponsor, phase, indication, therapeutic_area, site_pi, status, created_at, updated_at)
        VALUES ('MIG-1', 't', 's', 'sp', 'II', 'ITP', 'itp_bleeding', 'pi', 'enrolling', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z');
      INSERT INTO centers (study_id, code, hospital_name, pi, is_lead, is_own, status, created_at, updated_at)
        VALUES (1, '01', 'h', 'p', 1, 1, 'active', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z');
      INSERT INTO audit_events (seq, at, actor, action, entity, entity_id, changes, prev_hash, hash)
        VALUES (1, '2024-01-01T00:00:00.000Z', 'admin', 'create', 'study', '1', '{}', '0', 'x');
    `);
      const count = (db: typeof old.db) =>
        Object.fromEntries(tables.map((t) => [t, db.$client.prepare(`SELECT count(*) FROM ${t}`).pluck().get()]));
      const before = count(old.db);
      old.close();

      const migrated = await openDatabase(file);
      expect(migrated.migrated).toEqual(all.slice(idx).map((e) => e.tag));
      expect(migrated.backupPath).not.toBeNull();
      expect(count(migrated.db)).toEqual(before);
      expect(migrated.db.$client.pragma('foreign_key_check')).toEqual([]);
      const info = await dispatch({ db: migrated.db, host: 'cli', version: 'new' }, { user: null }, 'app.info', {});
      expect(info).toMatchObject({ ok: true, value: { needsSetup: false, locale: 'en' } });
      migrated.close();
    },
  );
});
