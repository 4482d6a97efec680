import { describe, expect, it } from 'vitest';
import type { ApiError } from '../../../electron/api';
import { parseDays } from './DaysInput';
import {
  codesSummary,
  editorErrorPaths,
  lineCodes,
  newLine,
  nextVersion,
  previewLines,
  toDefinition,
  type LineValues,
} from './definitions';

const cycles: LineValues = { ...newLine('cycles', null), name: '治疗期访视', cycleDays: [15, 1, 8] };

describe('schedule editor lines', () => {
  it('sends only the fields a kind uses', () => {
    const once = { ...cycles, kind: 'once' as const };
    expect(toDefinition(once)).toMatchObject({ cycleLength: null, cycleCount: null, cycleDays: [], interval: null });
    expect(toDefinition(cycles)).toMatchObject({ cycleLength: 21, cycleCount: 6, cycleDays: [1, 8, 15] });
    const onDemand = { ...newLine('on_demand', null), code: 'AEFU', name: '不良事件随访' };
    expect(toDefinition(onDemand)).toMatchObject({ dayOffset: null, anchorCode: null, anchor: 'enrollment' });
  });

  it('counts a repeating visit from the line above it', () => {
    expect(newLine('every', 'EOT')).toMatchObject({ code: 'FU', anchor: 'visit', anchorCode: 'EOT', interval: 84 });
    expect(newLine('once', 'C')).toMatchObject({ anchor: 'visit', anchorCode: 'C' });
    expect(newLine('once', null)).toMatchObject({ anchor: 'enrollment', anchorCode: null });
  });

  it('previews what is typed so far: lines without a code are left out, a missing name is the code', () => {
    const lines = [{ ...newLine('once', null), code: 'BL' }, { ...newLine('once', null) }, undefined];
    expect(previewLines(lines)).toEqual([expect.objectContaining({ code: 'BL', name: 'BL' })]);
  });

  it('names the visits a line gives as the server does', () => {
    const codes = lineCodes(cycles);
    expect(codes).toHaveLength(18);
    expect(codes.slice(0, 3)).toEqual(['C1D1', 'C1D8', 'C1D15']);
    expect(codesSummary(codes)).toBe('C1D1, C1D8 … C6D15 (18)');
    expect(lineCodes({ ...newLine('every', 'EOT'), count: 8 })).toEqual(
      Array.from({ length: 8 }, (_, i) => `FU${i + 1}`),
    );
  });

  it('reads cycle days typed with any separator', () => {
    expect(parseDays('1 8,15，22、D29 x 0 8')).toEqual([1, 8, 15, 22, 29]);
  });

  it('puts an error on a list item on the list field', () => {
    const error: ApiError = {
      code: 'validation',
      messageKey: 'validation.number',
      field: 'visits.2.cycleDays.1',
      fields: [
        { field: 'visits.2.cycleDays.1', messageKey: 'validation.number' },
        { field: 'visits.0.arms.0', messageKey: 'visits.unknownArm' },
        { field: 'visits.3.cycleLength', messageKey: 'visits.cycleLengthRequired' },
      ],
    };
    expect(editorErrorPaths(error).fields?.map((f) => f.field)).toEqual([
      'visits.2.cycleDays',
      'visits.0.arms',
      'visits.3.cycleLength',
    ]);
  });

  it('suggests the next version label', () => {
    expect(nextVersion('V1.0')).toBe('V2.0');
    expect(nextVersion('1.1')).toBe('2.0');
    expect(nextVersion('3')).toBe('4');
    expect(nextVersion('初版')).toBe('');
  });
});
