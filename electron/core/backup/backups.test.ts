import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../testing/harness';
import { autoBackup, listBackupFiles, parseBackupName, startBackupScheduler } from './backups';

let h: Harness;
afterEach(() => h?.cleanup());

describe('automatic backups and retention', () => {
  it('keeps the newest N daily and M monthly backups and deletes only files named as ours', async () => {
    let clock = new Date('2026-01-01T10:00:00.000Z');
    h = await createHarness({ now: () => clock });
    const folder = path.join(h.dir, 'backups');
    const s = await h.call('settings.get', {});
    await h.call('settings.update', { ...s, backupFolder: folder, retainDaily: 3, retainMonthly: 2 });
    mkdirSync(folder, { recursive: true });
    const strangers = ['notes.sqlite', 'trialdesk-daily-copy.sqlite', 'trialdesk.sqlite', 'x.txt'];
    for (const f of strangers) writeFileSync(path.join(folder, f), 'not ours');
    const manual = await h.call('backup.now', {}); // manual: never removed by retention

    // one start-up check a day for 75 days (Jan 1 … Mar 16), and a second check on each day that finds today's backup
    for (let day = 0; day < 75; day++) {
      clock = new Date(Date.UTC(2026, 0, 1 + day, 10));
      const r = await autoBackup(h.host.db, () => clock, { onlyIfNoneToday: true });
      expect(r.backup).not.toBeNull();
      clock = new Date(clock.getTime() + 3_600_000);
      expect((await autoBackup(h.host.db, () => clock, { onlyIfNoneToday: true })).backup).toBeNull();
    }

    const files = listBackupFiles(folder);
    expect(files.filter((f) => f.kind === 'monthly').map((f) => f.at.slice(0, 10))).toEqual([
      '2026-03-01',
      '2026-02-01',
    ]);
    expect(files.filter((f) => f.kind === 'daily').map((f) => f.at.slice(0, 10))).toEqual([
      '2026-03-16',
      '2026-03-15',
      '2026-03-14',
    ]);
    expect(files.filter((f) => f.kind === 'manual').map((f) => f.path)).toEqual([manual.path]);
    for (const f of strangers) expect(readdirSync(folder)).toContain(f);

    const trail = h.host.db.$client
      .prepare("SELECT action, actor, entity_id AS file FROM audit_events WHERE entity = 'backup' ORDER BY seq")
      .all() as { action: string; actor: string; file: string }[];
    expect(trail.filter((e) => e.action === 'backup')).toHaveLength(76);
    // 75 automatic: 3 monthly (Jan, Feb, Mar) + 72 daily; kept 2 + 3; deleted 1 + 69
    expect(trail.filter((e) => e.action === 'backup_delete')).toHaveLength(70);
    expect(
      new Set(trail.filter((e) => e.action !== 'backup' || e.file !== path.basename(manual.path)).map((e) => e.actor)),
    ).toEqual(new Set(['system']));
  }, 120_000);

  it('parses only our names', () => {
    expect(parseBackupName('trialdesk-daily-2026-03-14T10-00-00-000Z.sqlite')).toEqual({
      kind: 'daily',
      at: '2026-03-14T10:00:00.000Z',
    });
    expect(parseBackupName('trialdesk-2026-03-14T10-00-00-000Z-2.sqlite')?.kind).toBe('manual');
    expect(parseBackupName('pre-restore-2026-03-14T10-00-00-000Z-damaged.sqlite')?.kind).toBe('pre-restore');
    expect(parseBackupName('trialdesk-daily-2026-03-14T10-00-00-000Z.sqlite.partial')).toBeNull();
    expect(parseBackupName('trialdesk-weekly-2026-03-14T10-00-00-000Z.sqlite')).toBeNull();
  });

  it('the scheduler backs up at start-up when there is none of today, and on quit', async () => {
    const clock = new Date('2026-05-04T08:00:00.000Z');
    h = await createHarness({ now: () => clock });
    const logs: string[] = [];
    const scheduler = startBackupScheduler(() => h.host.db, { now: () => clock, log: (l) => logs.push(l) });
    await scheduler.idle();
    const folder = path.join(h.dir, 'backups');
    expect(listBackupFiles(folder).map((f) => f.kind)).toEqual(['monthly']);
    await scheduler.quit();
    expect(
      listBackupFiles(folder)
        .map((f) => f.kind)
        .sort(),
    ).toEqual(['daily', 'monthly']); // the same instant
    expect(logs.filter((l) => l.startsWith('automatic backup written'))).toHaveLength(2);
  });
});
