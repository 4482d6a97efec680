/**
 * The SDTM import on real data: the CDISC pilot study (../shared/data/cdiscpilot01-sample, sites 701 and 703), its TV,
 * DM, DS, SV and AE converted to an xlsx workbook here, imported as another center's de-identified data into a database
 * that does not know the study. What must come out is derived from the CSV files by the rules, not counted by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportResult, ImportCommitResult, ImportReport, InputOf } from '../../../api';
import { aeProblem, readPilot, sdtmWorkbook } from '../../../testing/cdisc-pilot';
import { createHarness, type Harness } from '../../../testing/harness';
import { openSeeded, type Seeded } from '../../../testing/seeded';

const tv = readPilot('tv');
const dm = readPilot('dm');
const ds = readPilot('ds');
const sv = readPilot('sv');
const ae = readPilot('ae');
const workbook = sdtmWorkbook;

let h: Harness;
let jobs = 0;
const validate = async (bytes: Buffer, over: Partial<InputOf<'imports.validate'>> = {}): Promise<ImportReport> =>
  h.call('imports.validate', {
    kind: 'sdtm',
    studyId: null,
    fileName: 'cdiscpilot01.xlsx',
    base64: bytes.toString('base64'),
    jobId: `sdtm-job-${++jobs}`,
    lang: 'en',
    utcOffsetMinutes: 0,
    sponsor: 'CDISC',
    ...over,
  });
const count = (sql: string, ...params: unknown[]) =>
  (h.opened.db.$client.prepare(sql).get(...params) as { n: number }).n;

beforeAll(async () => {
  h = await createHarness({ now: () => new Date('2026-11-26T02:00:00Z') });
}, 60_000);
afterAll(() => h.cleanup());

describe('SDTM import of the CDISC pilot study', () => {
  const badAes = ae.map((r, i) => ({ r, row: i + 2, problem: aeProblem(r) })).filter((x) => x.problem !== null);

  it('refuses exactly the AEs that break the safety rules, each with its reason, and writes nothing', async () => {
    expect(badAes.length).toBeGreaterThan(0);
    const audit = count('SELECT count(*) AS n FROM audit_events');
    const report = await validate(await workbook({ TV: tv, DM: dm, DS: ds, SV: sv, AE: ae }));
    const aeRejections = report.rejected.filter((r) => r.sheet === 'AE');
    expect(report.rejected.filter((r) => r.sheet !== 'AE')).toEqual([]);
    expect([...new Set(aeRejections.map((r) => r.row))].sort((a, b) => a - b)).toEqual(badAes.map((x) => x.row));
    for (const bad of badAes) {
      const reasons = aeRejections.filter((r) => r.row === bad.row);
      expect(reasons.map((r) => r.messageKey)).toContain(bad.problem);
      // the reason is in words, with the column it points at
      for (const r of reasons) expect(r.reason).not.toContain('.');
    }
    const hosp = aeRejections.find((r) => ae[r.row - 2]!.AESHOSP === 'Y');
    expect(hosp?.messageKey).toBe('safety.criteriaWithoutSerious');
    expect(report.token).toBeNull();
    expect(count('SELECT count(*) AS n FROM studies')).toBe(0);
    expect(count('SELECT count(*) AS n FROM audit_events')).toBe(audit);
  });

  it('imports the fixed workbook: the study, 70 subjects with arms and dispositions, 827 visits, the valid AEs', async () => {
    const goodAes = ae.filter((r) => aeProblem(r) === null);
    const file = await workbook({ TV: tv, DM: dm, DS: ds, SV: sv, AE: goodAes });
    const report = await validate(file);
    expect(report.rejected).toEqual([]);
    expect(report.unknownHeaders).toEqual([]);
    expect(report.created).toBe(dm.length + sv.length + goodAes.length);
    const done: ImportCommitResult = await h.call('imports.commit', { token: report.token! });
    expect(done.created).toBe(report.created);

    const study = h.opened.db.$client
      .prepare("SELECT id, status FROM studies WHERE protocol_number = 'CDISCPILOT01'")
      .get() as {
      id: number;
    };
    expect(study).toBeDefined();
    expect(
      (
        h.opened.db.$client.prepare('SELECT code FROM centers WHERE study_id = ? ORDER BY code').all(study.id) as {
          code: string;
        }[]
      ).map((c) => c.code),
    ).toEqual([...new Set(dm.map((r) => r.SITEID))].sort());

    // subjects: arm from ARMCD (no arm for screen failures), status from the last disposition event
    const subjects = new Map(
      (
        h.opened.db.$client
          .prepare(
            `SELECT s.screening_number, s.arm, s.status, s.withdrawal_reason, c.code AS site, s.initials, s.name
             FROM subjects s JOIN centers c ON c.id = s.center_id WHERE s.study_id = ?`,
          )
          .all(study.id) as { screening_number: string; arm: string | null; status: string; site: string }[]
      ).map((s) => [s.screening_number, s]),
    );
    expect(subjects.size).toBe(dm.length);
    for (const d of dm) {
      const s = subjects.get(d.SUBJID!)!;
      expect(s.site).toBe(d.SITEID);
      expect(s.arm).toBe(d.ARMCD === 'Scrnfail' ? null : d.ARMCD);
      const end = ds.find((e) => e.USUBJID === d.USUBJID && e.DSCAT === 'DISPOSITION EVENT');
      const expected =
        end === undefined
          ? 'on_treatment'
          : end.DSDECOD === 'SCREEN FAILURE'
            ? 'screen_failed'
            : end.DSDECOD === 'COMPLETED'
              ? 'completed'
              : 'withdrawn';
      expect(s.status, d.USUBJID).toBe(expected);
    }
    expect(
      count("SELECT count(*) AS n FROM subjects WHERE study_id = ? AND withdrawal_reason = 'adverse_event'", study.id),
    ).toBe(ds.filter((e) => e.DSDECOD === 'ADVERSE EVENT').length);
    // no consent records: the lead site holds none for another center's subjects
    expect(count('SELECT count(*) AS n FROM consents')).toBe(0);

    // every SV visit, done on its date; those not in TV (or on demand in TV) as unscheduled
    const tvPlanned = new Set(tv.filter((t) => t.VISITDY !== '').map((t) => Number(t.VISITNUM)));
    expect(count("SELECT count(*) AS n FROM visits WHERE study_id = ? AND status = 'done'", study.id)).toBe(sv.length);
    expect(count('SELECT count(*) AS n FROM visits WHERE study_id = ? AND unscheduled = 1', study.id)).toBe(
      sv.filter((v) => !tvPlanned.has(Number(v.VISITNUM))).length,
    );
    const firstBaseline = sv.find((v) => v.VISIT === 'BASELINE')!;
    expect(
      h.opened.db.$client
        .prepare(
          `SELECT v.actual_date FROM visits v JOIN subjects s ON s.id = v.subject_id
           WHERE s.screening_number = ? AND v.name = 'BASELINE'`,
        )
        .get(firstBaseline.USUBJID!.split('-').at(-1)),
    ).toEqual({ actual_date: firstBaseline.SVSTDTC });

    // the AEs that pass, on AESEV (the pilot has no AETOXGR), with SDTM's causality words read
    expect(count('SELECT count(*) AS n FROM adverse_events WHERE study_id = ?', study.id)).toBe(goodAes.length);
    expect(count("SELECT count(*) AS n FROM adverse_events WHERE study_id = ? AND severity = 'SEVERE'", study.id)).toBe(
      goodAes.filter((r) => r.AESEV === 'SEVERE').length,
    );
    expect(
      count("SELECT count(*) AS n FROM adverse_events WHERE study_id = ? AND causality = 'not_related'", study.id),
    ).toBe(goodAes.filter((r) => r.AEREL === 'NONE').length);
    expect(count("SELECT count(*) AS n FROM import_batches WHERE kind = 'sdtm'")).toBe(1);
    expect(count("SELECT count(*) AS n FROM audit_events WHERE entity = 'adverse_event' AND action = 'create'")).toBe(
      goodAes.length,
    );

    // the same file again changes nothing
    const again = await validate(file);
    expect(again.rejected).toEqual([]);
    expect([again.created, again.updated]).toEqual([0, 0]);
    expect(again.unchanged).toBe(report.created);
    expect(again.token).toBeNull();
  });

  it('refuses our own center’s subjects (they come through consent and screening) and another study', async () => {
    h.opened.db.$client.prepare("UPDATE centers SET is_own = 1 WHERE code = '703'").run();
    const report = await validate(await workbook({ TV: tv, DM: dm }));
    const own = report.rejected.filter((r) => r.messageKey === 'exchange.ownCenterSubject');
    expect(own.map((r) => r.row).sort((a, b) => a - b)).toEqual(
      dm.flatMap((r, i) => (r.SITEID === '703' ? [i + 2] : [])),
    );
    expect(own[0]!.column).toBe('M'); // SITEID
    h.opened.db.$client.prepare("UPDATE centers SET is_own = 0 WHERE code = '703'").run();

    const other = await h.call('studies.create', {
      protocolNumber: 'OTHER-01',
      title: 'Another study',
      shortTitle: 'Other',
      sponsor: 'X',
      cro: null,
      phase: 'III',
      indication: 'ITP',
      therapeuticArea: 'itp_bleeding',
      registrationNumber: null,
      sitePi: 'Z',
      ethicsApprovalDate: null,
      protocolVersion: null,
      protocolVersionDate: null,
      enrollmentTarget: null,
    });
    const mismatch = await validate(await workbook({ DM: dm }), { studyId: other.id });
    expect(mismatch.rejected.map((r) => r.messageKey)).toEqual(['exchange.studyMismatch']);
  });
});

describe('our own SDTM delivery, read by another installation', () => {
  let source: Seeded;
  beforeAll(async () => {
    source = await openSeeded('sdtm-source');
  }, 120_000);
  afterAll(() => source.cleanup());

  it('brings every subject, visit done and AE of the study, its ends of participation as they were', async () => {
    const studyId = (
      source.sqlite
        .prepare('SELECT study_id AS id FROM adverse_events GROUP BY study_id ORDER BY count(*) DESC LIMIT 1')
        .get() as { id: number }
    ).id;
    const out = await source.call<ExportResult>('exchange.export', {
      studyId,
      kind: 'sdtm',
      sheets: ['DM', 'DS', 'SV', 'AE', 'TV'],
      lang: 'en',
      recipient: 'another installation',
      utcOffsetMinutes: 480,
    });
    const report = await validate(Buffer.from(out.base64, 'base64'), { fileName: out.fileName });
    expect(report.rejected).toEqual([]);
    expect(report.unknownHeaders).toEqual([]);
    const done: ImportCommitResult = await h.call('imports.commit', { token: report.token! });
    const protocol = (
      source.sqlite.prepare('SELECT protocol_number FROM studies WHERE id = ?').get(studyId) as {
        protocol_number: string;
      }
    ).protocol_number;
    const imported = (
      h.opened.db.$client.prepare('SELECT id FROM studies WHERE protocol_number = ?').get(protocol) as {
        id: number;
      }
    ).id;
    expect(done.created).toBe(out.rows.DM! + out.rows.SV! + out.rows.AE!);
    const ends = (db: { prepare(sql: string): { all(...p: unknown[]): unknown[] } }, id: number) =>
      db
        .prepare(
          `SELECT coalesce(subject_number, screening_number) AS label, status, completion_date, withdrawal_date,
             withdrawal_reason, arm FROM subjects
           WHERE study_id = ? AND status IN ('completed', 'withdrawn', 'screen_failed') ORDER BY label`,
        )
        .all(id);
    expect(ends(h.opened.db.$client, imported)).toEqual(ends(source.sqlite, studyId));
    expect(count(`SELECT count(*) AS n FROM visits WHERE study_id = ${imported} AND status = 'done'`)).toBe(
      out.rows.SV,
    );
  });
});
