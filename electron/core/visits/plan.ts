/**
 * The plan rule: which visits a schedule gives a subject, on which target dates, with which windows. Pure (no
 * database): the same function answers the editor's preview, generation at enrollment / first dose, recalculation
 * after an anchor date changes and amendments.
 */
import type { PlannedVisit, SchedulePreview, VisitDefinition } from '../../api';
import { dateOfDay, dayNumber } from '../dates';

export interface PlanAnchors {
  consent: string | null;
  enrollment: string | null;
  first_dose: string | null;
}

/** Done visits by code with their actual dates: a line anchored on a visit counts from the actual date once done. */
export type ActualDates = ReadonlyMap<string, string>;

/** Lines in any order; which line each one is anchored on is checked by schedule.ts before a plan is made. */
export function planVisits(
  lines: readonly VisitDefinition[],
  anchors: PlanAnchors,
  arm: string | null,
  actual: ActualDates = new Map(),
): SchedulePreview {
  const byCode = new Map(lines.map((line) => [line.code, line]));
  /** code of a line → its occurrences (null: not planned, with why) */
  const done = new Map<string, PlannedVisit[] | null>();
  const waiting: SchedulePreview['waiting'] = [];

  const planLine = (line: VisitDefinition, index: number, path: Set<string>): PlannedVisit[] | null => {
    const known = done.get(line.code);
    if (known !== undefined) return known;
    let result: PlannedVisit[] | null = null;
    if (line.kind === 'on_demand') waiting.push({ code: line.code, why: 'on_demand' });
    else if (line.arms.length > 0 && (!arm || !line.arms.includes(arm)))
      waiting.push({ code: line.code, why: 'other_arm' });
    else {
      const base = anchorDay(line, path);
      if (base === null) waiting.push({ code: line.code, why: 'anchor_unknown' });
      else result = occurrences(line, index, base);
    }
    done.set(line.code, result);
    return result;
  };

  /** The day a line counts from: an anchor date, or the last occurrence of the line it is anchored on. */
  const anchorDay = (line: VisitDefinition, path: Set<string>): number | null => {
    if (line.anchor !== 'visit') {
      const date = anchors[line.anchor];
      return date ? dayNumber(date) : null;
    }
    const target = line.anchorCode ? byCode.get(line.anchorCode) : undefined;
    if (!target || path.has(target.code)) return null; // unknown or a loop: refused by schedule.ts on save
    const planned = planLine(target, lines.indexOf(target), new Set([...path, line.code]));
    const last = planned?.at(-1);
    if (!last) return null;
    return dayNumber(actual.get(last.code) ?? last.targetDate);
  };

  lines.forEach((line, index) => planLine(line, index, new Set([line.code])));
  const visits = [...done.values()]
    .flatMap((v) => v ?? [])
    .sort((a, b) => (a.targetDate < b.targetDate ? -1 : a.targetDate > b.targetDate ? 1 : a.seq - b.seq));
  return { visits, waiting };
}

/** Visit order within a plan: the line's position, then the occurrence (stable when dates move). */
const SEQ_PER_LINE = 10_000;
/** The index of the line a planned visit came from. */
export const lineOf = (visit: Pick<PlannedVisit, 'seq'>): number => Math.floor(visit.seq / SEQ_PER_LINE);

function occurrences(line: VisitDefinition, index: number, base: number): PlannedVisit[] {
  const offset = line.dayOffset ?? 0;
  const visit = (n: number, code: string, day: number, cycle: number | null, cycleDay: number | null) => ({
    code,
    name: line.name,
    seq: index * SEQ_PER_LINE + n,
    cycle,
    cycleDay,
    targetDate: dateOfDay(day),
    windowStart: dateOfDay(day - line.windowBefore),
    windowEnd: dateOfDay(day + line.windowAfter),
  });
  switch (line.kind) {
    case 'once':
      return [visit(0, line.code, base + offset, null, null)];
    case 'cycles': {
      const length = line.cycleLength ?? 0;
      const days = [...new Set(line.cycleDays)].sort((a, b) => a - b);
      const out: PlannedVisit[] = [];
      for (let cycle = 1; cycle <= (line.cycleCount ?? 0); cycle++)
        for (const day of days)
          out.push(
            visit(
              out.length,
              `${line.code}${cycle}D${day}`,
              base + offset + (cycle - 1) * length + (day - 1),
              cycle,
              day,
            ),
          );
      return out;
    }
    case 'every': {
      const out: PlannedVisit[] = [];
      for (let n = 1; n <= (line.count ?? 0); n++)
        out.push(visit(n - 1, `${line.code}${n}`, base + offset + (n - 1) * (line.interval ?? 0), n, null));
      return out;
    }
    case 'on_demand':
      return [];
  }
}
