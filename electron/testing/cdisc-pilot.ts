/**
 * The CDISC pilot study's SDTM sample (../shared/data/cdiscpilot01-sample, sites 701 and 703), read from its CSV files
 * and written as the xlsx workbook a sponsor's data manager would send, for the SDTM import's tests (unit and e2e).
 * What must come out of an import is derived from these rows by the rules, never counted by hand.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';

const SAMPLE = path.resolve(import.meta.dirname, '../../../shared/data/cdiscpilot01-sample');
export type CsvRow = Record<string, string>;

/** RFC 4180 CSV (the TV rules hold quoted commas) */
export function readPilot(domain: 'tv' | 'dm' | 'ds' | 'sv' | 'ae'): CsvRow[] {
  const text = readFileSync(path.join(SAMPLE, `${domain}.csv`), 'utf8');
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  const [header, ...rows] = records.filter((r) => r.length > 1);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

const NUMERIC = new Set(['VISITNUM', 'VISITDY', 'AGE', 'AESEQ', 'DSSEQ', 'AESTDY', 'AEENDY', 'DSSTDY', 'DMDY']);
/** One sheet per domain, SDTM variable names as the header, numbers as numbers and the rest as text. */
export async function sdtmWorkbook(domains: Record<string, CsvRow[]>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(domains)) {
    const ws = wb.addWorksheet(name);
    const header = Object.keys(rows[0]!);
    ws.addRow(header);
    for (const r of rows) ws.addRow(header.map((h) => (r[h] === '' ? null : NUMERIC.has(h) ? Number(r[h]) : r[h])));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The AE rules of the screens, written again from the CSV's point of view: why a row must be refused, or null. */
export function aeProblem(r: CsvRow): string | null {
  const full = (d: string) => /^\d{4}-\d{2}-\d{2}/.test(d);
  if (!full(r.AESTDTC!)) return 'excel.partialDate';
  if (r.AEENDTC && !full(r.AEENDTC)) return 'excel.partialDate';
  const serious = r.AESER === 'Y';
  const criteria = ['AESDTH', 'AESLIFE', 'AESHOSP', 'AESDISAB', 'AESCONG', 'AESMIE'].filter((f) => r[f] === 'Y');
  if (!serious && criteria.length > 0) return 'safety.criteriaWithoutSerious';
  if (serious && criteria.length === 0) return 'safety.criteriaRequired';
  if (r.AEENDTC && r.AEENDTC.slice(0, 10) < r.AESTDTC!.slice(0, 10)) return 'safety.endBeforeStart';
  const fatal = r.AEOUT === 'FATAL';
  if (fatal && !criteria.includes('AESDTH')) return 'safety.fatalNeedsDeath';
  if (criteria.includes('AESDTH') && !fatal) return 'safety.deathNeedsFatal';
  if (fatal && !r.AEENDTC) return 'safety.fatalOngoing';
  return null;
}
