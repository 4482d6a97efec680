/**
 * The schedule editor's lines as the form holds them, and what is sent to the server: each line keeps only the fields
 * its kind uses (the form remembers the others, so switching the kind back and forth loses nothing on screen).
 */
import type { ApiError, VisitAnchor, VisitDefinition, VisitDefinitionInput, VisitKind } from '../../../electron/api';

export interface LineValues {
  code: string;
  name: string;
  kind: VisitKind;
  anchor: VisitAnchor;
  anchorCode: string | null;
  dayOffset: number | null;
  windowBefore: number | null;
  windowAfter: number | null;
  cycleLength: number | null;
  cycleCount: number | null;
  cycleDays: number[];
  interval: number | null;
  count: number | null;
  arms: string[];
}

export interface ScheduleValues {
  version: string;
  effectiveDate: string | null;
  notes: string | null;
  visits: LineValues[];
}

const blank: LineValues = {
  code: '',
  name: '',
  kind: 'once',
  anchor: 'enrollment',
  anchorCode: null,
  dayOffset: 0,
  windowBefore: 0,
  windowAfter: 0,
  cycleLength: null,
  cycleCount: null,
  cycleDays: [],
  interval: null,
  count: null,
  arms: [],
};

/**
 * A new line of a kind, prefilled as protocols usually have it: cycles of 21 days from the first dose (D1), a
 * follow-up every 12 weeks counted from the line before it. `previousCode` is the code of the line above, if any.
 */
export function newLine(kind: VisitKind, previousCode: string | null): LineValues {
  switch (kind) {
    case 'cycles':
      return { ...blank, kind, code: 'C', anchor: 'first_dose', cycleLength: 21, cycleCount: 6, cycleDays: [1] };
    case 'every':
      return previousCode
        ? {
            ...blank,
            kind,
            code: 'FU',
            anchor: 'visit',
            anchorCode: previousCode,
            dayOffset: 84,
            interval: 84,
            count: 4,
          }
        : { ...blank, kind, code: 'FU', anchor: 'first_dose', dayOffset: 84, interval: 84, count: 4 };
    case 'on_demand':
      return { ...blank, kind, dayOffset: null, windowBefore: 0, windowAfter: 0 };
    default:
      return previousCode ? { ...blank, anchor: 'visit', anchorCode: previousCode } : { ...blank };
  }
}

/** A saved line as the form shows it. */
export const lineOf = (d: VisitDefinition): LineValues => ({ ...d, cycleDays: [...d.cycleDays], arms: [...d.arms] });

/** A form line as the contract takes it: the fields its kind does not use are left out. */
export function toDefinition(line: LineValues): VisitDefinitionInput {
  const kind = line.kind;
  const dated = kind !== 'on_demand';
  return {
    code: (line.code ?? '').trim(),
    name: (line.name ?? '').trim(),
    kind,
    // an on-demand line shows no anchor (it has no date), but the contract wants one
    anchor: line.anchor ?? 'enrollment',
    anchorCode: dated && line.anchor === 'visit' ? line.anchorCode || null : null,
    dayOffset: dated ? line.dayOffset : null,
    windowBefore: line.windowBefore as number,
    windowAfter: line.windowAfter as number,
    cycleLength: kind === 'cycles' ? line.cycleLength : null,
    cycleCount: kind === 'cycles' ? line.cycleCount : null,
    cycleDays: kind === 'cycles' ? [...(line.cycleDays ?? [])].sort((a, b) => a - b) : [],
    interval: kind === 'every' ? line.interval : null,
    count: kind === 'every' ? line.count : null,
    arms: line.arms ?? [],
  };
}

/**
 * What the preview can show while the user is still typing: lines without a code are left out, a line without a
 * name is named by its code, an empty window counts as 0. The server then answers for the rest (or says what is wrong).
 */
export function previewLines(lines: readonly (LineValues | undefined)[] | undefined): VisitDefinitionInput[] {
  return (lines ?? [])
    .filter((l): l is LineValues => Boolean(l?.code?.trim()))
    .map((l) => {
      const d = toDefinition(l);
      return { ...d, name: d.name || d.code, windowBefore: l.windowBefore ?? 0, windowAfter: l.windowAfter ?? 0 };
    });
}

/**
 * The codes a line gives, as the server names them (C1D1 …, FU1 …; the code itself for once and on-demand lines): for
 * the editor's hint under a line. Empty when the line is not complete enough to say.
 */
export function lineCodes(line: LineValues | undefined): string[] {
  const code = line?.code?.trim();
  if (!line || !code) return [];
  if (line.kind === 'cycles') {
    const days = [...new Set(line.cycleDays ?? [])].sort((a, b) => a - b);
    if (!line.cycleCount || days.length === 0) return [];
    return Array.from({ length: line.cycleCount }, (_, c) => days.map((d) => `${code}${c + 1}D${d}`)).flat();
  }
  if (line.kind === 'every') {
    if (!line.count) return [];
    return Array.from({ length: line.count }, (_, n) => `${code}${n + 1}`);
  }
  return [code];
}

/** A short summary of a line's codes: "C1D1, C1D8 … C6D15 (18)". */
export function codesSummary(codes: readonly string[]): string {
  if (codes.length <= 4) return codes.join(', ');
  return `${codes.slice(0, 2).join(', ')} … ${codes[codes.length - 1]} (${codes.length})`;
}

/**
 * Error paths of list items ("visits.2.cycleDays.1", "visits.0.arms.0") belong to the list's one field in the editor
 * ("visits.2.cycleDays"); the rest are kept as they come.
 */
export function editorErrorPaths(error: ApiError): ApiError {
  const fix = (field: string) => field.replace(/^((?:fields\.)?visits\.\d+\.(?:cycleDays|arms))\.\d+$/, '$1');
  return {
    ...error,
    field: error.field ? fix(error.field) : error.field,
    fields: error.fields?.map((f) => ({ ...f, field: fix(f.field) })),
  };
}

/** A suggested label for the next version: the first number goes up ("1.0" → "2.0", "V1.1" → "V2.0"). */
export function nextVersion(version: string): string {
  const m = /^(\D*)(\d+)(.*)$/.exec(version.trim());
  if (!m) return '';
  const rest = (m[3] ?? '').replace(/\d+/g, '0');
  return `${m[1] ?? ''}${Number(m[2]) + 1}${rest}`;
}
