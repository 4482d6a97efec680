/**
 * Exports for sponsors through the handler table, on the small demo seed in a real SQLite file: the workbook is re-read
 * with exceljs and every expectation is derived from the database (row counts, dates, the personal data that must
 * not appear), not from fixed numbers.
 */
import type Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportResult, InputOf } from '../../api';
import type { Session } from '../../handlers';
import { openSeeded, type Seeded } from '../../testing/seeded';

let t: Seeded;
let sqlite: Database.Database;
let admin: Session;
let study: number;
let protocol: string;

const send = (channel: string, payload: unknown, s?: Session) => t.send(channel, payload, s);
const call = <T>(channel: string, payload: unknown, s?: Session) => t.call<T>(channel, payload, s);
const count = (sql: string, ...params: unknown[]): number => t.count(sql, ...params);

async function workbookOf(out: ExportResult): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(out.base64, 'base64') as unknown as ArrayBuffer);
  return wb;
}
/** Every cell's text in the workbook. */
function allText(wb: ExcelJS.Workbook): string[] {
  const out: string[] = [];
  wb.eachSheet((ws) =>
    ws.eachRow((row) =>
      row.eachCell((c) => {
        if (c.value !== null && c.value !== undefined) out.push(String(c.text));
      }),
    ),
  );
  return out;
}
const headers = (ws: ExcelJS.Worksheet): string[] => (ws.getRow(1).values as unknown[]).slice(1).map(String);

const exportOf = (over: Partial<InputOf<'exchange.export'>> = {}): InputOf<'exchange.export'> => ({
  studyId: study,
  kind: 'sponsor',
  sheets: ['summary', 'screening', 'enrollment', 'visits', 'aes', 'saes', 'deviations'],
  lang: 'zh-CN',
  recipient: '申办方 A',
  utcOffsetMinutes: 480,
  ...over,
});

beforeAll(async () => {
  t = await openSeeded('export');
  sqlite = t.sqlite;
  admin = t.admin;
  const s = sqlite
    .prepare(
      `SELECT a.study_id AS id, st.protocol_number FROM adverse_events a JOIN studies st ON st.id = a.study_id
       WHERE a.serious = 1 GROUP BY a.study_id ORDER BY count(*) DESC LIMIT 1`,
    )
    .get() as { id: number; protocol_number: string };
  study = s.id;
  protocol = s.protocol_number;
}, 120_000);
afterAll(() => t.cleanup());

describe('sponsor export', () => {
  it('writes the Read me and the chosen sheets, with the rows of the database', async () => {
    const out = await call<ExportResult>('exchange.export', exportOf());
    expect(out.fileName).toMatch(new RegExp(`^${protocol}_sponsor_申办方_A_\\d{12}\\.xlsx$`));
    const wb = await workbookOf(out);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      '说明',
      '各中心小结',
      '筛选表',
      '入选表',
      '访视跟踪表',
      '不良事件列表',
      'SAE 列表',
      '方案偏离表',
    ]);
    const expected = {
      各中心小结: count('SELECT count(*) AS n FROM centers WHERE study_id = ?', study),
      筛选表: count('SELECT count(*) AS n FROM subjects WHERE study_id = ?', study),
      入选表: count('SELECT count(*) AS n FROM subjects WHERE study_id = ? AND enrollment_date IS NOT NULL', study),
      访视跟踪表: count('SELECT count(*) AS n FROM visits WHERE study_id = ?', study),
      不良事件列表: count('SELECT count(*) AS n FROM adverse_events WHERE study_id = ?', study),
      'SAE 列表': count('SELECT count(*) AS n FROM adverse_events WHERE study_id = ? AND serious = 1', study),
      方案偏离表: count('SELECT count(*) AS n FROM deviations WHERE study_id = ?', study),
    };
    expect(out.rows).toEqual(expected);
    for (const [name, n] of Object.entries(expected)) expect(wb.getWorksheet(name)!.actualRowCount, name).toBe(n + 1);
    for (const n of Object.values(expected)) expect(n).toBeGreaterThan(0);

    const readMe = wb.getWorksheet('说明')!;
    const lines = new Map<string, string>();
    readMe.eachRow((r) => lines.set(String(r.getCell(1).text), String(r.getCell(2).text)));
    expect(lines.get('研究（方案编号）')).toContain(protocol);
    const me = sqlite.prepare('SELECT display_name FROM users WHERE id = ?').get(admin.user!.id) as {
      display_name: string;
    };
    expect(lines.get('导出人')).toBe(`${me.display_name} (${admin.user!.username})`);
    expect(lines.get('接收方')).toBe('申办方 A');
    expect(lines.get('各表行数')).toContain(`访视跟踪表: ${expected.访视跟踪表}`);
    expect(lines.get('变更范围')).toBe('完整导出');

    // the delivery is recorded with its audit event
    expect(count('SELECT count(*) AS n FROM export_deliveries WHERE id = ?', out.deliveryId)).toBe(1);
    expect(
      count(
        `SELECT count(*) AS n FROM audit_events WHERE entity = 'export_delivery' AND entity_id = ? AND action = 'export'`,
        String(out.deliveryId),
      ),
    ).toBe(1);
  });

  it('is de-identified: no name, record number, ID number, phone, birth date; initials only when allowed', async () => {
    const personal = sqlite
      .prepare(
        `SELECT name, record_number, id_number, phone, birth_date, initials FROM subjects
         WHERE study_id = ? AND (name IS NOT NULL OR phone IS NOT NULL)`,
      )
      .all(study) as Record<string, string | null>[];
    expect(personal.length).toBeGreaterThan(0);
    const wb = await workbookOf(await call<ExportResult>('exchange.export', exportOf()));
    const text = new Set(allText(wb));
    const joined = allText(wb).join('\n');
    for (const p of personal) {
      for (const field of ['name', 'record_number', 'id_number', 'phone'] as const)
        if (p[field]) expect(joined, field).not.toContain(p[field]);
      if (p.birth_date) expect(text.has(p.birth_date), 'birth date').toBe(false);
    }
    expect(headers(wb.getWorksheet('入选表')!)).not.toContain('姓名缩写');

    await call('exchange.updateSettings', { studyId: study, initials: true, reason: '方案第 9.2 节允许' });
    const withInitials = await workbookOf(await call<ExportResult>('exchange.export', exportOf()));
    const enrollment = withInitials.getWorksheet('入选表')!;
    expect(headers(enrollment)).toContain('姓名缩写');
    await call('exchange.updateSettings', { studyId: study, initials: false, reason: '恢复默认' });
  });

  it('writes real date cells, a frozen bold header, an autofilter, and code columns beside the labels', async () => {
    const wb = await workbookOf(await call<ExportResult>('exchange.export', exportOf({ sheets: ['aes'] })));
    const ws = wb.getWorksheet('不良事件列表')!;
    const h = headers(ws);
    const start = h.indexOf('开始日期') + 1;
    const first = sqlite
      .prepare(
        `SELECT a.start_date, a.outcome FROM adverse_events a JOIN subjects s ON s.id = a.subject_id
         WHERE a.study_id = ? ORDER BY lower(s.screening_number), a.ae_number LIMIT 1`,
      )
      .get(study) as { start_date: string; outcome: string | null };
    const cell = ws.getRow(2).getCell(start);
    expect(cell.value).toBeInstanceOf(Date);
    expect((cell.value as Date).toISOString().slice(0, 10)).toBe(first.start_date);
    expect(cell.numFmt).toBe('yyyy-mm-dd');
    expect(ws.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBeTruthy();
    // outcome: the Chinese label, its code beside it
    const outcome = h.indexOf('转归') + 1;
    expect(h[outcome]).toBe('转归代码');
    if (first.outcome) expect(ws.getRow(2).getCell(outcome + 1).value).toBe(first.outcome);
  });

  it('in English, with the date range and a center', async () => {
    const center = sqlite.prepare('SELECT id, code FROM centers WHERE study_id = ? AND is_own = 1').get(study) as {
      id: number;
      code: string;
    };
    const [from, to] = ['2024-01-01', '2025-12-31'];
    const out = await call<ExportResult>(
      'exchange.export',
      exportOf({ lang: 'en', sheets: ['visits', 'aes'], centerIds: [center.id], from, to }),
    );
    expect(out.rows).toEqual({
      'Visit tracker': count(
        'SELECT count(*) AS n FROM visits WHERE study_id = ? AND center_id = ? AND calendar_date BETWEEN ? AND ?',
        study,
        center.id,
        from,
        to,
      ),
      'AE listing': count(
        'SELECT count(*) AS n FROM adverse_events WHERE study_id = ? AND center_id = ? AND start_date BETWEEN ? AND ?',
        study,
        center.id,
        from,
        to,
      ),
    });
    const wb = await workbookOf(out);
    expect(headers(wb.getWorksheet('AE listing')!).slice(0, 3)).toEqual(['Subject no.', 'Center', 'AE no.']);
  });

  it('refuses sheets of the other kind, a reversed range and a foreign center, writing nothing', async () => {
    const deliveries = count('SELECT count(*) AS n FROM export_deliveries');
    const other = sqlite.prepare('SELECT id FROM centers WHERE study_id <> ? LIMIT 1').get(study) as { id: number };
    for (const [payload, field] of [
      [exportOf({ sheets: ['DM'] }), 'sheets'],
      [exportOf({ from: '2025-02-01', to: '2025-01-01' }), 'to'],
      [exportOf({ centerIds: [other.id] }), 'centerIds'],
    ] as const) {
      const r = await send('exchange.export', payload);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.field).toBe(field);
    }
    expect(count('SELECT count(*) AS n FROM export_deliveries')).toBe(deliveries);
  });
});

describe('changes since the last delivery', () => {
  it('needs a previous delivery to that recipient', async () => {
    const r = await send('exchange.export', exportOf({ recipient: 'CRO 新接收方', changesOnly: true }));
    expect(r).toMatchObject({ ok: false, error: { field: 'changesOnly', messageKey: 'exchange.noPreviousDelivery' } });
  });

  it('carries only the records changed since, and a change log of their shared fields', async () => {
    await call('exchange.export', exportOf({ recipient: 'Sponsor B' }));
    const nothing = await call<ExportResult>(
      'exchange.export',
      exportOf({ recipient: 'sponsor b', changesOnly: true }),
    );
    expect(Object.values(nothing.rows).filter((n) => n > 0)).toEqual(
      // the summary is always whole; nothing else changed
      [count('SELECT count(*) AS n FROM centers WHERE study_id = ?', study)],
    );

    const ae = sqlite
      .prepare(`SELECT id FROM adverse_events WHERE study_id = ? AND serious = 0 ORDER BY id LIMIT 1`)
      .get(study) as { id: number };
    const view = await call<{ verbatimTerm: string; treatment: string | null } & Record<string, unknown>>('aes.get', {
      id: ae.id,
    });
    const fields = {
      verbatimTerm: `${view.verbatimTerm}（复核）`,
      ctcaeCode: view.ctcaeCode,
      grade: view.grade,
      severity: view.severity,
      startDate: view.startDate,
      endDate: view.endDate,
      ongoing: view.ongoing,
      serious: view.serious,
      seriousCriteria: view.seriousCriteria,
      causality: view.causality,
      expected: view.expected,
      action: view.action,
      outcome: view.outcome,
      treatment: view.treatment,
      notes: '受试者张三电话 13800000000',
    };
    await call('aes.update', { id: ae.id, fields, changeReason: '监查员核对原始记录后更正' });

    const changes = await call<ExportResult>(
      'exchange.export',
      exportOf({ recipient: 'Sponsor B', changesOnly: true }),
    );
    expect(changes.since).not.toBeNull();
    expect(changes.fileName).toContain('_changes_');
    expect(changes.rows['不良事件列表']).toBe(1);
    expect(changes.rows['访视跟踪表']).toBe(0);
    const wb = await workbookOf(changes);
    const log = wb.getWorksheet('变更记录')!;
    const rows = log.getSheetValues().slice(2) as unknown[][];
    const fieldsChanged = rows.map((r) => r[2]);
    // the field as the AE sheet heads it
    expect(fieldsChanged).toContain('AE 名称（原始描述）');
    // free-text notes never leave the site, even in a change log
    expect(fieldsChanged).not.toContain('notes');
    expect(fieldsChanged).not.toContain('备注');
    expect(allText(wb).join('\n')).not.toContain('13800000000');
    const term = rows.find((r) => r[2] === 'AE 名称（原始描述）')!;
    expect(term[3]).toBe(view.verbatimTerm);
    expect(term[4]).toBe(fields.verbatimTerm);
  });
});

describe('SDTM export', () => {
  it('writes DM, DS, SV, AE and TV with SDTM names, USUBJID and the grade as AETOXGR', async () => {
    const out = await call<ExportResult>(
      'exchange.export',
      exportOf({ kind: 'sdtm', sheets: ['DM', 'DS', 'SV', 'AE', 'TV'], lang: 'en', recipient: 'DM team' }),
    );
    expect(out.rows.DM).toBe(count('SELECT count(*) AS n FROM subjects WHERE study_id = ?', study));
    expect(out.rows.SV).toBe(count(`SELECT count(*) AS n FROM visits WHERE study_id = ? AND status = 'done'`, study));
    expect(out.rows.AE).toBe(count('SELECT count(*) AS n FROM adverse_events WHERE study_id = ?', study));
    expect(out.rows.TV).toBeGreaterThan(0);
    const wb = await workbookOf(out);
    const dm = wb.getWorksheet('DM')!;
    expect(headers(dm).slice(0, 4)).toEqual(['STUDYID', 'DOMAIN', 'USUBJID', 'SUBJID']);
    const first = dm.getRow(2);
    const [studyId, , usubjid, subjid] = (first.values as unknown[]).slice(1);
    const site = first.getCell(headers(dm).indexOf('SITEID') + 1).text;
    expect(studyId).toBe(protocol);
    expect(usubjid).toBe(`${protocol}-${site}-${String(subjid)}`);
    const aeSheet = wb.getWorksheet('AE')!;
    const h = headers(aeSheet);
    const graded = sqlite
      .prepare(
        `SELECT a.grade FROM adverse_events a JOIN subjects s ON s.id = a.subject_id
         WHERE a.study_id = ? ORDER BY lower(s.screening_number), a.ae_number LIMIT 1`,
      )
      .get(study) as { grade: number | null };
    const tox = aeSheet.getRow(2).getCell(h.indexOf('AETOXGR') + 1).value;
    expect(tox).toBe(graded.grade === null ? null : String(graded.grade));
    // ISO 8601 text, as SDTM keeps --DTC variables
    expect(aeSheet.getRow(2).getCell(h.indexOf('AESTDTC') + 1).text).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const flag of ['AESER', 'AESDTH', 'AESHOSP'])
      expect(['Y', 'N']).toContain(aeSheet.getRow(2).getCell(h.indexOf(flag) + 1).value);
  });
});
