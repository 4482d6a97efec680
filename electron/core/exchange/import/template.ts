/**
 * Blank import templates (issue 7): one sheet per sheet the kind reads, with the fields a template offers (those with
 * a `template` entry), their notes, required marks, code-list dropdowns and an example row that the import skips.
 */
import type { Locale } from '../../../api';
import type { ImportKind } from '../../../api/imports';
import type { ColumnKind } from '../../../excel/write';
import { templateWorkbook, type TemplateColumn, type TemplateSpec } from '../../../excel/template';
import type { FieldSpec, SheetSpec } from './fields';
import { importKind } from './kinds';

const KIND_OF: Record<FieldSpec['type'], ColumnKind> = {
  text: 'text',
  integer: 'integer',
  date: 'date',
  partialDate: 'text',
  datetime: 'datetime',
  code: 'text',
  yesNo: 'text',
  codes: 'text',
};

/** A coded example (a code) as the dropdown shows it in the language. */
function exampleIn(f: FieldSpec, lang: Locale): string | number | null {
  const ex = f.template!.example;
  if (typeof ex !== 'string') return ex;
  if (f.type === 'yesNo') return ex === 'Y' ? (lang === 'zh-CN' ? '是' : 'Yes') : lang === 'zh-CN' ? '否' : 'No';
  const entry = f.type === 'code' ? f.codes?.entries.find((e) => e.code === ex) : undefined;
  return entry ? (lang === 'zh-CN' ? entry.zh : entry.en) : ex;
}

/** The template's columns of a sheet (also how the import recognises the example row). */
export function templateColumns(sheet: SheetSpec, lang: Locale): (TemplateColumn & { field: string })[] {
  return sheet.fields
    .filter((f) => f.template)
    .map((f) => {
      const list =
        f.type === 'yesNo'
          ? lang === 'zh-CN'
            ? ['是', '否']
            : ['Yes', 'No']
          : f.type === 'code' && f.codes
            ? f.codes.entries.map((e) => (lang === 'zh-CN' ? e.zh : e.en))
            : undefined;
      return {
        field: f.field,
        header: lang === 'zh-CN' ? f.zh : f.en,
        note: lang === 'zh-CN' ? f.template!.zh : f.template!.en,
        required: f.required ?? false,
        kind: KIND_OF[f.type],
        list,
        example: exampleIn(f, lang),
      };
    });
}

const TITLES: Record<ImportKind, { zh: string; en: string }> = {
  study: { zh: '研究设置导入模板', en: 'Study set-up import template' },
  subjects: { zh: '受试者导入模板', en: 'Subjects import template' },
  visits: { zh: '访视导入模板', en: 'Visits import template' },
  aes: { zh: '不良事件导入模板', en: 'Adverse events import template' },
  sdtm: { zh: 'SDTM 导入模板', en: 'SDTM import template' },
};

/** the sheet's tab in the template's language (the import knows every name it lists) */
const sheetName = (s: SheetSpec, lang: Locale): string =>
  (lang === 'en' ? s.names.find((n) => /^[\x20-\x7e]+$/.test(n)) : undefined) ?? s.names[0]!;

export async function importTemplate(
  kind: ImportKind,
  lang: Locale,
  now: Date,
): Promise<{ fileName: string; base64: string }> {
  const def = importKind(kind);
  const spec: TemplateSpec = {
    lang,
    title: lang === 'zh-CN' ? TITLES[kind].zh : TITLES[kind].en,
    sheets: def.sheets.map((s) => ({ name: sheetName(s, lang), columns: templateColumns(s, lang) })),
    creator: 'TrialDesk',
    now,
  };
  const { bytes } = await templateWorkbook(spec);
  const name = lang === 'zh-CN' ? TITLES[kind].zh : `${kind}-import-template`;
  return { fileName: `${name}.xlsx`, base64: bytes.toString('base64') };
}
