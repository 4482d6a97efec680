import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bufferIo } from './io';
import { CTCAE_WORKBOOK, percentile, resultsLine, runBench } from './benchmarks';

/** the CTCAE figures need NCI's workbook (../shared/data): without it the bench skips them, saying so */
const hasWorkbook = existsSync(CTCAE_WORKBOOK);

describe('bench', () => {
  it('nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(xs, 0.95)).toBe(95);
    expect(percentile(xs, 0.5)).toBe(50);
    expect(percentile([3], 0.95)).toBe(3);
  });

  it('measures every figure, with targets where the issue names one, and removes its temp folder', async () => {
    const io = bufferIo();
    const results = await runBench({ quick: true, scale: 'small', iterations: 3 }, io);
    const names = results.map((r) => r.name);
    expect(names).toEqual([
      'db.open.migrate.median',
      'seed.small',
      'seed.small.data',
      'seed.small.visits',
      'seed.small.aes',
      'studies.list.p95',
      'studies.list.raw.p95',
      'studies.list.search.p95',
      'studies.list.search.raw.p95',
      'studies.list.status.p95',
      'studies.list.status.raw.p95',
      'studies.get.p95',
      'studies.get.raw.p95',
      'subjects.list.p95',
      'subjects.list.raw.p95',
      'subjects.enrollmentSummary.p95',
      'subjects.enrollmentSummary.raw.p95',
      'subjects.enroll.p95',
      'subjects.register.p95',
      'subjects.screen.p95',
      'visits.worklist.p95',
      'visits.worklist.raw.p95',
      'visits.worklist.study.p95',
      'visits.overdueCount.p95',
      'visits.overdueCount.coordinator.p95',
      'visits.record.p95',
      'visits.generate.1000x40',
      ...(hasWorkbook ? ['ctcae.load', 'ctcae.load.unchanged', 'ctcae.search.p95', 'ctcae.search.raw.p95'] : []),
      'aes.list.none.p95',
      'aes.list.grade3.p95',
      'aes.list.serious.p95',
      'aes.list.relatedOngoing.p95',
      'aes.list.unsigned.p95',
      'aes.list.saeOverdue.p95',
      'aes.list.search.p95',
      'aes.list.raw.p95',
      'aes.saeBoard.p95',
      'aes.saeBoard.raw.p95',
      'aes.saeBoard.study.p95',
      'aes.saeBoard.study.raw.p95',
      'aes.counts.p95',
      'aes.counts.raw.p95',
      'aes.signOffQueue.p95',
      'aes.signOffQueue.raw.p95',
      'aes.create.p95',
      'exchange.export.sponsor',
      'exchange.export.rows',
      'exchange.export.raw',
      'exchange.export.ratio',
      'exchange.export.rss',
      'exchange.export.raw.rss',
      'exchange.write',
      'exchange.write.raw',
      'exchange.write.ratio',
      'exchange.write.rss',
      'exchange.write.raw.rss',
      'exchange.import',
      'exchange.import.raw',
      'exchange.import.ratio',
      'exchange.import.raw.plainTable',
      'exchange.import.ratio.plainTable',
      'exchange.import.rss',
      'exchange.import.raw.rss',
      'backup.small',
      'verify.small',
    ]);
    for (const r of results) expect(r.value).toBeGreaterThan(0);
    expect(Object.fromEntries(results.filter((r) => r.target !== undefined).map((r) => [r.name, r.target]))).toEqual({
      'studies.list.p95': 20,
      'studies.list.search.p95': 20,
      'studies.list.status.p95': 20,
      'studies.get.p95': 20,
      'subjects.list.p95': 30,
      'subjects.enrollmentSummary.p95': 30,
      'subjects.enroll.p95': 10,
      'visits.worklist.p95': 30,
      'visits.worklist.study.p95': 30,
      'visits.overdueCount.p95': 50,
      'visits.record.p95': 10,
      'visits.generate.1000x40': 1000,
      ...(hasWorkbook ? { 'ctcae.load': 3000, 'ctcae.search.p95': 10 } : {}),
      'aes.list.none.p95': 30,
      'aes.list.grade3.p95': 30,
      'aes.list.serious.p95': 30,
      'aes.list.relatedOngoing.p95': 30,
      'aes.list.unsigned.p95': 30,
      'aes.list.saeOverdue.p95': 30,
      'aes.list.search.p95': 30,
      'aes.saeBoard.p95': 20,
      'aes.saeBoard.study.p95': 20,
      'exchange.export.ratio': 1.3,
      'exchange.export.rss': 400,
      'exchange.write.ratio': 1.3,
      'exchange.write.rss': 400,
      'exchange.import.ratio': 1.5,
      'exchange.import.rss': 400,
    });
    if (!hasWorkbook) expect(io.stdout.join('\n')).toMatch(/ctcae\.\* +skipped: NCI's workbook is not at/);
    // lower is better for every time; the seed's visit count and the rows exported are the figures that grow
    expect(results.filter((r) => r.better === 'higher').map((r) => r.name)).toEqual([
      'seed.small.visits',
      'exchange.export.rows',
    ]);
    expect(results.find((r) => r.name === 'seed.small.visits')).toMatchObject({ unit: 'rows' });
    const line = resultsLine(results);
    expect(JSON.parse(line)).toEqual({ results });
    const folder = /temp folder (\S+)/.exec(io.stdout[0]!)![1]!;
    expect(existsSync(folder)).toBe(false);
  }, 180_000); // a small seed, NCI's workbook loaded twice, 1,000 × 40 visits generated
});
