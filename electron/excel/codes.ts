/**
 * Code lists (controlled terminology): an imported cell → the code stored and submitted. A cell may hold the code
 * (RECOVERED/RESOLVED), its English or Chinese label, or a synonym, in any case, width or spacing; a Y/N list also takes
 * Yes/No, 是/否, 有/无, true/false and TRUE/FALSE cells; where codes or synonyms are numbers (grades), 3, "3", "3级",
 * "Grade 3", "G3" and "Ⅲ度" are the same. Each list is compiled once into a lookup map (matchCode runs on every coded
 * cell of an import); lists are treated as immutable after their first use.
 */
import { cellDisplay, type Cell } from './cell';
import { narrow, refuseNonValue, type Refusal } from './dates';

export interface CodeEntry {
  /** the stored / submission value (FATAL, Y, 3) */
  code: string;
  en: string;
  zh: string;
  synonyms?: readonly string[];
}

export interface CodeList {
  /** for messages to developers (a list whose names collide) */
  name: string;
  entries: readonly CodeEntry[];
}

export type Lang = 'zh-CN' | 'en';
export type CodeResult = { ok: true; code: string } | Refusal;

interface Compiled {
  /** every name exactly as the list writes it (codes, labels, synonyms): the common case, no normalising needed */
  exact: Map<string, string>;
  /** codeKey(any name) → code */
  keys: Map<string, string>;
  yes: string | null;
  no: string | null;
  allowed: Partial<Record<Lang, string>>;
}

const SEPARATORS = /[\s_\-/]+/g;
/** The form names are compared in: half-width, lower case, no spaces or _ - / (N/A = NA, "Not Recovered" = NOT_RECOVERED). */
export const codeKey = (s: string): string => narrow(s).toLowerCase().replace(SEPARATORS, '');

// "3级", "Grade 3", "G3", "3.0", "Ⅲ度", "III级", after codeKey (a bare "V" or "I" is a letter, not a grade)
const GRADE = /^(grade|gr|g)?(\d{1,2}|i{1,3}|iv|v|[ⅰ-ⅴ])(?:\.0+)?(级|度)?$/;
const ASCII_ROMAN = /^[iv]+$/;
const ROMAN: Record<string, string> = {
  i: '1',
  ii: '2',
  iii: '3',
  iv: '4',
  v: '5',
  ⅰ: '1',
  ⅱ: '2',
  ⅲ: '3',
  ⅳ: '4',
  ⅴ: '5',
};

const YES = ['yes', '是', '有', 'true'];
const NO = ['no', '否', '无', '無', 'false'];

const compiledLists = new WeakMap<CodeList, Compiled>();

function compile(list: CodeList): Compiled {
  let c = compiledLists.get(list);
  if (c) return c;
  const exact = new Map<string, string>();
  const keys = new Map<string, string>();
  const add = (name: string, code: string, strict: boolean) => {
    const key = codeKey(name.trim());
    if (key === '') return;
    const other = keys.get(key);
    if (other !== undefined && other !== code) {
      if (strict) throw new Error(`code list ${list.name}: "${name}" names both ${other} and ${code}`);
      return; // a built-in extra (是, true …) never overrides a name the list gives
    }
    keys.set(key, code);
    exact.set(name.trim(), code);
  };
  for (const e of list.entries) for (const name of [e.code, e.en, e.zh, ...(e.synonyms ?? [])]) add(name, e.code, true);
  const codes = new Set(list.entries.map((e) => e.code));
  const yes = codes.has('Y') && codes.has('N') ? 'Y' : null;
  const no = yes ? 'N' : null;
  if (yes && no) {
    for (const name of YES) add(name, yes, false);
    for (const name of NO) add(name, no, false);
  }
  c = { exact, keys, yes, no, allowed: {} };
  compiledLists.set(list, c);
  return c;
}

/** The list's values for a message, in the user's language (at most 12, then …). */
function allowedOf(list: CodeList, c: Compiled, lang: Lang): string {
  const cached = c.allowed[lang];
  if (cached !== undefined) return cached;
  const shown = list.entries.slice(0, 12).map((e) => {
    const label = lang === 'en' ? e.en : e.zh;
    if (!label || codeKey(label) === codeKey(e.code)) return e.code;
    return lang === 'en' ? `${label} (${e.code})` : `${label}（${e.code}）`;
  });
  const text = shown.join(lang === 'en' ? ', ' : '、') + (list.entries.length > 12 ? ' …' : '');
  c.allowed[lang] = text;
  return text;
}

/** The code a text names, or undefined. */
function codeOfText(c: Compiled, text: string): string | undefined {
  const exact = c.exact.get(text);
  if (exact !== undefined) return exact;
  const key = codeKey(text.trim());
  const code = c.keys.get(key);
  if (code !== undefined) return code;
  const grade = GRADE.exec(key);
  if (!grade) return undefined;
  const numeral = grade[2]!;
  if (!grade[1] && !grade[3] && ASCII_ROMAN.test(numeral)) return undefined;
  return c.keys.get(ROMAN[numeral] ?? String(+numeral));
}

/**
 * The code a cell names. `lang` only chooses the language of the allowed values listed when the cell matches none.
 * Blank cells, error values and formulas without a result are refused as the date parser refuses them.
 */
export function matchCode(cell: Cell, list: CodeList, lang: Lang = 'zh-CN'): CodeResult {
  const c = compile(list);
  let code: string | undefined;
  switch (cell.kind) {
    case 'text':
      code = codeOfText(c, cell.text);
      break;
    case 'number':
      code = Number.isFinite(cell.value) ? c.keys.get(String(cell.value)) : undefined;
      break;
    case 'bool':
      code = (cell.value ? c.yes : c.no) ?? undefined;
      break;
    case 'date':
      break;
    default: {
      const refusal = refuseNonValue(cell);
      if (refusal) return refusal;
    }
  }
  if (code !== undefined) return { ok: true, code };
  const blank = refuseNonValue(cell);
  if (blank) return blank;
  return {
    ok: false,
    key: 'excel.unknownCode',
    params: { value: cellDisplay(cell), allowed: allowedOf(list, c, lang) },
  };
}

/** A code's label in a language (the code itself when the list has no such code or no label). */
export function codeLabel(list: CodeList, code: string, lang: Lang): string {
  const e = list.entries.find((x) => x.code === code);
  return (e && (lang === 'en' ? e.en : e.zh)) || code;
}

/**
 * Excel's inline list validation ("A,B,C" in the formula) holds at most 255 characters and cannot hold a comma or a
 * double quote inside a value.
 */
export const INLINE_LIST_MAX = 255;

/**
 * What a data-validation dropdown for the list shows: its labels in `lang` (each one matchCode accepts back), and the
 * inline formula ('"是,否"', as exceljs's dataValidation formulae take it) when they fit in one. `inlineFormula` is null
 * when the labels are longer than 255 characters together or contain a comma or quote: the writer then puts the labels
 * on a hidden lists sheet and points the validation at that range (which has no length limit).
 */
export function codeListValidation(list: CodeList, lang: Lang): { labels: string[]; inlineFormula: string | null } {
  const labels = list.entries.map((e) => (lang === 'en' ? e.en : e.zh) || e.code);
  const joined = labels.join(',');
  const fits = joined.length <= INLINE_LIST_MAX && !labels.some((l) => l.includes(',') || l.includes('"'));
  return { labels, inlineFormula: fits ? `"${joined}"` : null };
}
