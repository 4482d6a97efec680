import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userStudies, users } from '../../../db/schema';
import { aCenter, aStudy, createHarness, type Harness } from '../../testing/harness';

let h: Harness;
let clock = new Date('2026-03-01T15:30:00.000Z');
let studyA: number;
let studyB: number;
/** moves the test clock; the session counts as just active, so the idle lock (core/lock) stays out of this test */
function at(iso: string) {
  clock = new Date(iso);
  delete h.session.lastActivityAt;
}

beforeAll(async () => {
  h = await createHarness({ now: () => clock });
  // seq 1: admin created at 2026-03-01T15:30Z
  at('2026-03-01T16:10:00.000Z'); // 2026-03-02 00:10 in China (UTC+8)
  studyA = (await h.call('studies.create', aStudy())).id;
  at('2026-03-02T02:00:00.000Z');
  await h.call('centers.create', aCenter(studyA));
  at('2026-03-03T09:00:00.000Z');
  studyB = (await h.call('studies.create', aStudy({ protocolNumber: 'AML-II-07', sponsor: '=HYPERLINK("x")' }))).id;
  at('2026-03-04T01:00:00.000Z');
  await h.call('studies.update', {
    id: studyA,
    fields: { ...aStudy(), protocolVersion: 'V3.0' },
    reason: '+ amendment 3, @ethics\tapproved',
  });
}, 60_000);
afterAll(() => h.cleanup());

describe('audit.list', () => {
  it('lists everything newest first with the total', async () => {
    const r = await h.call('audit.list', {});
    expect(r.total).toBe(5);
    expect(r.rows.map((e) => e.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(r.rows[0]).toMatchObject({
      action: 'update',
      entity: 'study',
      changes: { protocolVersion: ['V2.0', 'V3.0'] },
    });
  });

  it('filters by study, record kind, record, user and action', async () => {
    const seqs = async (f: Parameters<Harness['call']>[1]) =>
      (await h.call('audit.list', f as Record<string, never>)).rows.map((e) => e.seq);
    expect(await seqs({ studyId: studyA })).toEqual([5, 3, 2]);
    expect(await seqs({ studyId: studyB })).toEqual([4]);
    expect(await seqs({ entity: 'center' })).toEqual([3]);
    expect(await seqs({ entity: 'study', entityId: String(studyA) })).toEqual([5, 2]);
    expect(await seqs({ entity: 'user' })).toEqual([1]);
    expect(await seqs({ actor: 'admin', action: 'update' })).toEqual([5]);
    expect(await seqs({ actor: 'nobody' })).toEqual([]);
    expect(await seqs({ studyId: studyA, action: 'create', entity: 'study' })).toEqual([2]);
  });

  it('takes local dates with the workstation offset: a change at 00:10 Beijing time is on that local day', async () => {
    const seqs = async (from: string, to: string, utcOffsetMinutes: number) =>
      (await h.call('audit.list', { from, to, utcOffsetMinutes })).rows.map((e) => e.seq);
    // UTC+8: seq 1 at 2026-03-01 23:30, seq 2 at 03-02 00:10, seq 3 at 03-02 10:00, seq 4 03-03 17:00, seq 5 03-04 09:00
    expect(await seqs('2026-03-02', '2026-03-02', 480)).toEqual([3, 2]);
    expect(await seqs('2026-03-01', '2026-03-01', 480)).toEqual([1]);
    // UTC: seq 2 (16:10 on 03-01) belongs to 03-01
    expect(await seqs('2026-03-01', '2026-03-01', 0)).toEqual([2, 1]);
    expect(await seqs('2026-03-03', '2026-03-31', 480)).toEqual([5, 4]);
    // one bound only
    expect((await h.call('audit.list', { from: '2026-03-04', utcOffsetMinutes: 480 })).rows.map((e) => e.seq)).toEqual([
      5,
    ]);
    expect((await h.call('audit.list', { to: '2026-03-01', utcOffsetMinutes: 480 })).rows.map((e) => e.seq)).toEqual([
      1,
    ]);
  });

  it('pages with limit and offset, the total staying that of all matches', async () => {
    const p1 = await h.call('audit.list', { limit: 2, offset: 0 });
    const p2 = await h.call('audit.list', { limit: 2, offset: 2 });
    const p3 = await h.call('audit.list', { limit: 2, offset: 4 });
    expect([p1.total, p2.total, p3.total]).toEqual([5, 5, 5]);
    expect([...p1.rows, ...p2.rows, ...p3.rows].map((e) => e.seq)).toEqual([5, 4, 3, 2, 1]);
  });

  it('refuses a reversed range, a record id without its kind, and bad values, on the field', async () => {
    expect(await h.send('audit.list', { from: '2026-03-05', to: '2026-03-01' }, h.session)).toMatchObject({
      ok: false,
      error: { code: 'validation', field: 'to', messageKey: 'audit.dateRangeReversed' },
    });
    expect(await h.send('audit.list', { entityId: '1' }, h.session)).toMatchObject({
      ok: false,
      error: { field: 'entity', messageKey: 'audit.recordNeedsKind' },
    });
    expect(await h.send('audit.list', { from: '2026-02-30' }, h.session)).toMatchObject({
      ok: false,
      error: { field: 'from', messageKey: 'validation.date' },
    });
    expect(await h.send('audit.list', { limit: 5000 }, h.session)).toMatchObject({
      ok: false,
      error: { field: 'limit' },
    });
  });

  it('lists the actors of the trail for the user filter', async () => {
    expect(await h.call('audit.actors', {})).toEqual([{ username: 'admin', displayName: '王管理' }]);
  });

  it('uses the indexes for study and record filters (no full scan)', () => {
    const plan = (sql: string, ...p: unknown[]) =>
      (h.opened.db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...p) as { detail: string }[])
        .map((r) => r.detail)
        .join(' | ');
    expect(plan('SELECT count(*) FROM audit_events WHERE study_id = ?', 1)).toMatch(/audit_study_idx/);
    expect(
      plan('SELECT * FROM audit_events WHERE entity = ? AND entity_id = ? ORDER BY seq DESC', 'study', '1'),
    ).toMatch(/audit_entity_idx/);
  });
});

describe('audit.export', () => {
  it('writes a real .xlsx: Read me, date-time cells, frozen bold header, autofilter, neutralised text, no formulas', async () => {
    at('2026-03-05T08:00:00.000Z');
    const out = await h.call('audit.export', { studyId: studyA, utcOffsetMinutes: 480 });
    expect(out.fileName).toBe('trialdesk-audit-20260305-080000Z.xlsx');
    expect(out.rows).toBe(3);
    const bytes = Buffer.from(out.base64, 'base64');
    expect(bytes.subarray(0, 2).toString()).toBe('PK');

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['说明', '审计追踪']);
    const readMe = wb.worksheets[0]!;
    const lines = new Map<string, string>();
    readMe.eachRow((r) => lines.set(r.getCell(1).text, r.getCell(2).text));
    expect(readMe.getCell('A1').value).toBe('TrialDesk 审计追踪导出');
    expect(lines.get('导出时间 (UTC)')).toBe('2026-03-05T08:00:00.000Z');
    expect(lines.get('导出时间 (本地)')).toBe('2026-03-05 16:00:00 (UTC+08:00)');
    expect(lines.get('导出人')).toBe('王管理 (admin)');
    expect(lines.get('筛选条件')).toBe(`试验 ID = ${studyA}`);
    expect(lines.get('行数')).toBe('3');
    expect(lines.get('程序版本')).toBe('test');

    const ws = wb.worksheets[1]!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBe('A1:J4');
    expect(ws.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(ws.getRow(1).values).toEqual([
      undefined,
      '序号',
      '时间 (本地)',
      '时间 (UTC)',
      '用户',
      '操作',
      '记录类型',
      '记录 ID',
      '试验 ID',
      '变更',
      '原因',
    ]);
    expect(ws.rowCount).toBe(4);
    const first = ws.getRow(2);
    expect(first.getCell(1).value).toBe(5);
    // real date-time cells: local wall clock and UTC
    expect(first.getCell(2).value).toEqual(new Date('2026-03-04T09:00:00.000Z'));
    expect(first.getCell(3).value).toEqual(new Date('2026-03-04T01:00:00.000Z'));
    expect(first.getCell(2).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(first.getCell(9).value).toBe('protocolVersion: V2.0 → V3.0');
    // a reason starting with "+" is neutralised
    expect(first.getCell(10).value).toBe("'+ amendment 3, @ethics\tapproved");
    expect(ws.getColumn(9).width).toBeGreaterThanOrEqual(40);

    // nothing in the package is a formula
    const zip = await JSZip.loadAsync(bytes);
    const sheets = Object.keys(zip.files).filter((n) => n.startsWith('xl/worksheets/') && n.endsWith('.xml'));
    expect(sheets.length).toBe(2);
    for (const name of sheets) expect(await zip.file(name)!.async('string')).not.toMatch(/<f[ >]/);
  });

  it('neutralises a formula-looking value from the data (sponsor "=HYPERLINK…") and exports English labels', async () => {
    await h.call('app.setLocale', { locale: 'en' });
    const out = await h.call('audit.export', { studyId: studyB });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(out.base64, 'base64') as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Read me', 'Audit trail']);
    const changes = wb.worksheets[1]!.getRow(2).getCell(9).text;
    expect(changes).toContain('sponsor: =HYPERLINK("x")'); // inside the text, not at its start: harmless
    expect(changes.startsWith('protocolNumber')).toBe(true);
    await h.call('app.setLocale', { locale: 'zh-CN' });
  });

  it('monitors read the trail but may not export it', async () => {
    const now = clock.toISOString();
    const row = h.opened.db
      .insert(users)
      .values({
        username: 'mon',
        displayName: '赵监查',
        role: 'monitor',
        passwordHash: 'unused',
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    const monitor = {
      user: { id: row.id, username: 'mon', displayName: '赵监查', role: 'monitor' as const, mustChangePassword: false },
    };
    // not assigned to any study: sees nothing of the trail (no study, no user or setting events)
    expect(await h.call('audit.list', {}, monitor)).toEqual({ total: 0, rows: [] });
    expect(await h.call('audit.actors', {}, monitor)).toEqual([]);
    h.opened.db.insert(userStudies).values({ userId: row.id, studyId: studyB, assignedAt: now }).run();
    const seen = await h.call('audit.list', {}, monitor);
    expect(seen.rows.map((e) => [e.seq, e.studyId])).toEqual([[4, studyB]]);
    expect(await h.send('audit.list', { studyId: studyA }, monitor)).toMatchObject({
      ok: false,
      error: { code: 'forbidden', messageKey: 'errors.notAssigned' },
    });
    expect(await h.send('audit.export', {}, monitor)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await h.send('audit.verify', {}, monitor)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
