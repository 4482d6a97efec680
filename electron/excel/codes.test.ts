/**
 * Code lists on CDISC's own terminology (../shared/data/sdtm, read at test time, never copied here): every submission
 * value and synonym of OUT, ACN, AESEV, SEX and NY names its code in any case, width or spacing; Chinese labels and
 * synonyms; Y/N words and boolean cells; grades written as numbers, "3级", "Grade 3", "Ⅲ度"; unknown values refused
 * with the allowed ones listed; dropdown labels that fit Excel's 255-character inline list and come back as their codes.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../../renderer/i18n/en';
import zhCN from '../../renderer/i18n/zh-CN';
import type { Cell } from './cell';
import { codeKey, codeLabel, codeListValidation, INLINE_LIST_MAX, matchCode, type CodeList } from './codes';

const CSV = path.resolve(import.meta.dirname, '../../../shared/data/sdtm/sdtm_ct_subset_site_app.csv');
const hasSharedData = existsSync(CSV);
if (!hasSharedData) console.warn(`SKIPPED: the SDTM code list tests need ${CSV} (../shared/data is absent)`);

const text = (t: string): Cell => ({ kind: 'text', text: t });
const num = (value: number): Cell => ({ kind: 'number', value });
const ok = (code: string) => ({ ok: true, code });

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(source: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quoted) {
      if (ch === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && source[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  const [header, ...body] = rows.filter((r) => r.length > 1);
  return body.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

/** Chinese labels and synonyms a site uses, defined here (CDISC publishes none). */
const CHINESE: Record<string, Record<string, [string, ...string[]]>> = {
  OUT: {
    'RECOVERED/RESOLVED': ['痊愈/消退', '痊愈', '已恢复'],
    'RECOVERING/RESOLVING': ['好转/正在恢复', '好转'],
    'NOT RECOVERED/NOT RESOLVED': ['未好转/未恢复', '未恢复'],
    'RECOVERED/RESOLVED WITH SEQUELAE': ['痊愈伴后遗症'],
    FATAL: ['死亡'],
    UNKNOWN: ['未知'],
  },
  SEX: { M: ['男', '男性'], F: ['女', '女性'], U: ['未知'], INTERSEX: ['间性'] },
  NY: { Y: ['是'], N: ['否'], U: ['未知'], NA: ['不适用'] },
  AESEV: { MILD: ['轻度'], MODERATE: ['中度'], SEVERE: ['重度'] },
  ACN: { 'DRUG WITHDRAWN': ['永久停药'], 'DOSE REDUCED': ['剂量降低', '减量'], 'DOSE NOT CHANGED': ['剂量不变'] },
};

const csvRows = hasSharedData ? parseCsv(readFileSync(CSV, 'utf8')) : [];
const ctRows = (codelist: string) => csvRows.filter((r) => r.codelist_short === codelist);
const synonymsOf = (r: Record<string, string>) =>
  (r.synonyms ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);

/** A list from the CSV: code = submission value, en = NCI preferred term, zh and Chinese synonyms from CHINESE. */
function ctList(codelist: string): CodeList {
  return {
    name: codelist,
    entries: ctRows(codelist).map((r) => {
      const [zh = '', ...more] = CHINESE[codelist]?.[r.submission_value!] ?? [];
      return { code: r.submission_value!, en: r.nci_preferred_term!, zh, synonyms: [...synonymsOf(r), ...more] };
    }),
  };
}

const GRADES: CodeList = {
  name: 'CTCAE grade',
  entries: [1, 2, 3, 4, 5].map((g) => ({ code: String(g), en: `Grade ${g}`, zh: `${g}级` })),
};

const sharedTitle = hasSharedData
  ? `CDISC SDTM terminology (${CSV})`
  : `CDISC SDTM terminology — SKIPPED: ${CSV} is absent (../shared/data is not on this machine)`;

describe.skipIf(!hasSharedData)(sharedTitle, () => {
  it.each(['OUT', 'ACN', 'AESEV', 'SEX', 'NY'])(
    '%s: every submission value, synonym and preferred term names its code, in any case, width or spacing',
    (codelist) => {
      const rows = ctRows(codelist);
      expect(rows.length).toBeGreaterThanOrEqual(3);
      const list = ctList(codelist);
      const misses: string[] = [];
      let checked = 0;
      for (const r of rows) {
        for (const name of [r.submission_value!, r.nci_preferred_term!, ...synonymsOf(r)]) {
          const wide = name.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
          for (const variant of [
            name,
            name.toLowerCase(),
            ` ${name.toUpperCase()}\u00a0`,
            wide,
            name.replace(/ /g, '_'),
          ]) {
            checked++;
            const got = matchCode(text(variant), list);
            if (!got.ok || got.code !== r.submission_value) misses.push(`${variant} → ${JSON.stringify(got)}`);
          }
        }
      }
      expect(misses).toEqual([]);
      expect(checked).toBeGreaterThan(rows.length * 5);
    },
  );

  it('takes Chinese labels and synonyms', () => {
    const out = ctList('OUT');
    const sex = ctList('SEX');
    const acn = ctList('ACN');
    expect(matchCode(text('痊愈'), out)).toEqual(ok('RECOVERED/RESOLVED'));
    expect(matchCode(text('已恢复'), out)).toEqual(ok('RECOVERED/RESOLVED'));
    expect(matchCode(text('痊愈/消退'), out)).toEqual(ok('RECOVERED/RESOLVED'));
    expect(matchCode(text('痊愈 / 消退'), out)).toEqual(ok('RECOVERED/RESOLVED'));
    expect(matchCode(text('痊愈伴后遗症'), out)).toEqual(ok('RECOVERED/RESOLVED WITH SEQUELAE'));
    expect(matchCode(text('死亡'), out)).toEqual(ok('FATAL'));
    expect(matchCode(text('男'), sex)).toEqual(ok('M'));
    expect(matchCode(text('女性'), sex)).toEqual(ok('F'));
    expect(matchCode(text('减量'), acn)).toEqual(ok('DOSE REDUCED'));
  });

  it('reads numbers where the list has numeric synonyms: AESEV 2 and OUT 5', () => {
    const aesev = ctList('AESEV');
    for (const cell of [num(2), text('2'), text('2级'), text('Grade 2'), text('GRADE 2'), text('Ⅱ度')])
      expect(matchCode(cell, aesev), JSON.stringify(cell)).toEqual(ok('MODERATE'));
    expect(matchCode(text('5'), ctList('OUT'))).toEqual(ok('FATAL'));
    expect(matchCode(num(4), aesev)).toMatchObject({ ok: false, key: 'excel.unknownCode' });
  });

  it('refuses a value outside the list and lists the allowed ones in the user’s language', () => {
    const out = ctList('OUT');
    expect(matchCode(text('好多了'), out)).toEqual({
      ok: false,
      key: 'excel.unknownCode',
      params: {
        value: '好多了',
        allowed:
          '死亡（FATAL）、未好转/未恢复（NOT RECOVERED/NOT RESOLVED）、痊愈/消退（RECOVERED/RESOLVED）、痊愈伴后遗症（RECOVERED/RESOLVED WITH SEQUELAE）、好转/正在恢复（RECOVERING/RESOLVING）、未知（UNKNOWN）',
      },
    });
    expect(matchCode(text('better'), out, 'en')).toMatchObject({
      params: {
        value: 'better',
        allowed: expect.stringMatching(/^Death Related to Adverse Event \(FATAL\), /) as string,
      },
    });
    const ncomplt = ctList('NCOMPLT');
    expect(ncomplt.entries.length).toBeGreaterThan(12);
    expect(matchCode(text('nope'), ncomplt, 'en')).toMatchObject({
      params: { allowed: expect.stringMatching(/ …$/) as string },
    });
  });

  it('gives dropdown labels that come back as their codes, inline when they fit in 255 characters', () => {
    for (const codelist of ['OUT', 'ACN', 'AESEV', 'SEX', 'NY', 'NCOMPLT', 'PROTMLST']) {
      const list = ctList(codelist);
      for (const lang of ['zh-CN', 'en'] as const) {
        const { labels, inlineFormula } = codeListValidation(list, lang);
        expect(labels).toHaveLength(list.entries.length);
        labels.forEach((label, i) =>
          expect(matchCode(text(label), list), `${codelist} ${label}`).toEqual(ok(list.entries[i]!.code)),
        );
        const joined = labels.join(',');
        if (joined.length <= INLINE_LIST_MAX) expect(inlineFormula).toBe(`"${joined}"`);
        else expect(inlineFormula).toBeNull();
      }
    }
    expect(codeListValidation(ctList('NY'), 'zh-CN')).toEqual({
      labels: ['否', '不适用', '未知', '是'],
      inlineFormula: '"否,不适用,未知,是"',
    });
    expect(codeListValidation(ctList('NCOMPLT'), 'en').inlineFormula).toBeNull();
  });
});

describe('matchCode', () => {
  const YES_NO: CodeList = {
    name: 'NY',
    entries: [
      { code: 'Y', zh: '是', en: 'Yes' },
      { code: 'N', zh: '否', en: 'No' },
    ],
  };

  it('reads Y/N from Yes/No, 是/否, 有/无, true/false and boolean cells', () => {
    for (const s of ['Y', 'y', 'Yes', 'YES', '是', '有', 'true', 'TRUE', ' yes '])
      expect(matchCode(text(s), YES_NO), s).toEqual(ok('Y'));
    for (const s of ['N', 'n', 'No', 'NO', '否', '无', 'false', 'False'])
      expect(matchCode(text(s), YES_NO), s).toEqual(ok('N'));
    expect(matchCode({ kind: 'bool', value: true }, YES_NO)).toEqual(ok('Y'));
    expect(matchCode({ kind: 'bool', value: false }, YES_NO)).toEqual(ok('N'));
    for (const s of ['1', '0', 'maybe', '是否']) expect(matchCode(text(s), YES_NO)).toMatchObject({ ok: false });
    expect(matchCode(num(1), YES_NO)).toMatchObject({ ok: false, key: 'excel.unknownCode' });
  });

  it('gives the words of Y/N only to Y/N lists', () => {
    const colours: CodeList = { name: 'colour', entries: [{ code: 'R', zh: '红', en: 'Red' }] };
    for (const cell of [text('yes'), text('是'), { kind: 'bool', value: true } as Cell])
      expect(matchCode(cell, colours)).toMatchObject({ ok: false, key: 'excel.unknownCode' });
  });

  it('reads a grade however it is written', () => {
    const cells: Cell[] = [
      num(3),
      text('3'),
      text(' 3 '),
      text('３'),
      text('3.0'),
      text('3级'),
      text('3 级'),
      text('Grade 3'),
      text('grade3'),
      text('G3'),
      text('Ⅲ'),
      text('Ⅲ度'),
      text('III级'),
      text('Grade III'),
    ];
    for (const cell of cells) expect(matchCode(cell, GRADES), JSON.stringify(cell)).toEqual(ok('3'));
    expect(matchCode(text('Ⅴ级'), GRADES)).toEqual(ok('5'));
    // a bare V or I is a letter; 6 and 3.5 are no grade
    for (const cell of [text('V'), text('I'), num(6), num(3.5), text('3.5'), text('33')])
      expect(matchCode(cell, GRADES), JSON.stringify(cell)).toMatchObject({ ok: false, key: 'excel.unknownCode' });
  });

  it('refuses blanks, error values and formulas as the date parser does, and dates as unknown values', () => {
    expect(matchCode({ kind: 'empty' }, GRADES)).toMatchObject({ ok: false, key: 'validation.required' });
    expect(matchCode(text('  '), GRADES)).toMatchObject({ ok: false, key: 'validation.required' });
    expect(matchCode({ kind: 'error', error: '#N/A' }, GRADES)).toMatchObject({
      key: 'excel.errorValue',
      params: { value: '#N/A' },
    });
    expect(matchCode({ kind: 'formula', formula: 'A1' }, GRADES)).toMatchObject({ key: 'excel.formulaWithoutResult' });
    expect(matchCode({ kind: 'date', date: '2024-03-05' }, GRADES)).toMatchObject({
      key: 'excel.unknownCode',
      params: { value: '2024-03-05', allowed: '1级（1）、2级（2）、3级（3）、4级（4）、5级（5）' },
    });
  });

  it('refuses a list that gives one name to two codes', () => {
    const bad: CodeList = {
      name: 'bad',
      entries: [
        { code: 'A', zh: '甲', en: 'Alpha', synonyms: ['first'] },
        { code: 'B', zh: '乙', en: 'Beta', synonyms: ['FIRST '] },
      ],
    };
    expect(() => matchCode(text('A'), bad)).toThrow(/bad: "FIRST " names both A and B/);
  });

  it('labels codes for exports, and compares as codeKey says', () => {
    expect(codeLabel(GRADES, '3', 'zh-CN')).toBe('3级');
    expect(codeLabel(GRADES, '3', 'en')).toBe('Grade 3');
    expect(codeLabel(GRADES, '9', 'en')).toBe('9');
    expect(codeKey(' Not  Recovered/Not_Resolved ')).toBe(codeKey('NOT RECOVERED/NOT RESOLVED'));
    expect(codeKey('Ｎ／Ａ')).toBe(codeKey('NA'));
  });
});

describe('codeListValidation', () => {
  const listOf = (labels: string[]): CodeList => ({
    name: 'test',
    entries: labels.map((l, i) => ({ code: `C${i}`, en: l, zh: l })),
  });

  it('fits up to 255 characters inline and no more', () => {
    const exactly = listOf(['x'.repeat(100), 'y'.repeat(100), 'z'.repeat(53)]); // 253 + 2 commas
    expect(codeListValidation(exactly, 'en').inlineFormula).toBe(
      `"${'x'.repeat(100)},${'y'.repeat(100)},${'z'.repeat(53)}"`,
    );
    const over = listOf(['x'.repeat(100), 'y'.repeat(100), 'z'.repeat(54)]);
    expect(codeListValidation(over, 'en')).toEqual({ labels: over.entries.map((e) => e.en), inlineFormula: null });
  });

  it('cannot inline a label holding a comma or a quote', () => {
    expect(codeListValidation(listOf(['a, b', 'c']), 'en').inlineFormula).toBeNull();
    expect(codeListValidation(listOf(['say "hi"', 'c']), 'en').inlineFormula).toBeNull();
    expect(codeListValidation(listOf(['甲，乙', '丙']), 'zh-CN').inlineFormula).toBe('"甲，乙,丙"');
  });
});

describe('messages', () => {
  const lookup = (messages: object, key: string): unknown =>
    key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], messages);

  it.each([
    ['zh-CN', zhCN.msg],
    ['en', en.msg],
  ])('%s has the code messages with the params they use', (_lang, messages) => {
    const refusals = [
      matchCode(text('x'), GRADES),
      matchCode({ kind: 'empty' }, GRADES),
      matchCode({ kind: 'error', error: '#N/A' }, GRADES),
      matchCode({ kind: 'formula', formula: 'A1' }, GRADES),
    ];
    for (const r of refusals) {
      if (r.ok) throw new Error('expected a refusal');
      const message = lookup(messages, r.key);
      expect(typeof message, r.key).toBe('string');
      const used = [...String(message).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!);
      expect(
        used.filter((p) => !(p in r.params)),
        r.key,
      ).toEqual([]);
    }
  });
});
