import { describe, expect, it } from 'vitest';
import { formatNumber, patternRegex } from './numbering';

describe('numbering patterns', () => {
  it('puts the center code and the padded sequence in place', () => {
    expect(formatNumber('S{center}{seq:3}', '01', 7)).toBe('S01007');
    expect(formatNumber('{center}-{seq:3}', '01', 12)).toBe('01-012');
    expect(formatNumber('{center}-{seq:3}', '01', 1234)).toBe('01-1234'); // a minimum width, not a limit
    expect(formatNumber('R{seq}', 'X', 5)).toBe('R5');
  });

  it('reads the sequence back from a number of the same pattern and center only', () => {
    const re = patternRegex('S{center}{seq:3}', '01');
    expect(re.exec('S01007')?.[1]).toBe('007');
    expect(re.exec('s01123')?.[1]).toBe('123');
    expect(re.exec('S02007')).toBeNull();
    expect(patternRegex('{center}-{seq:3}', 'A.1').exec('A.1-004')?.[1]).toBe('004');
    expect(patternRegex('{center}-{seq:3}', 'A.1').exec('AX1-004')).toBeNull();
  });
});
