import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../testing/harness';
import type { ServiceContext } from '../context';
import { auditBatch, recordAudit, verifyAuditChain, type AuditInput } from './audit';

let h: Harness;
let tick = 0;
/** a clock that moves 1 ms per call: every event's `at` differs, so a batch must take it per event as recordAudit does */
const ctx = (): ServiceContext => ({
  db: h.opened.db,
  actor: { id: 1, username: 'admin' },
  now: () => new Date(Date.UTC(2026, 2, 1, 8, 0, 0, tick++)),
});

beforeEach(async () => {
  h = await createHarness();
  tick = 0;
});
afterEach(() => h.cleanup());

const events: AuditInput[] = [
  {
    action: 'create',
    entity: 'adverse_event',
    entityId: 7,
    studyId: 3,
    subjectId: 11,
    changes: { verbatimTerm: [null, '恶心'], grade: [null, 2], seriousCriteria: [null, []] },
    reason: 'import batch 1: aes.xlsx',
  },
  // no subject: it stays out of the hashed text, as in recordAudit
  { action: 'import', entity: 'import_batch', entityId: '1', studyId: 3, changes: { created: [null, 2] } },
  {
    action: 'update',
    entity: 'adverse_event',
    entityId: 8,
    studyId: null,
    subjectId: 12,
    changes: { outcome: ['NOT RECOVERED/NOT RESOLVED', 'RECOVERED/RESOLVED'], note: [null, '"引号" \\ \n'] },
    reason: null,
  },
];

const stored = () =>
  h.opened.db.$client.prepare('SELECT * FROM audit_events WHERE seq > 1 ORDER BY seq').all() as Record<
    string,
    unknown
  >[];

describe('auditBatch', () => {
  it('writes exactly what recordAudit writes, and the chain verifies', () => {
    const sqlite = h.opened.db.$client;
    // the reference: recordAudit event by event, in a transaction, then rolled back
    tick = 0;
    sqlite.exec('BEGIN');
    for (const e of events) recordAudit(ctx(), e);
    const expected = stored();
    sqlite.exec('ROLLBACK');

    tick = 0;
    sqlite.transaction(() => {
      const write = auditBatch(ctx());
      for (const e of events) write(e);
    })();
    expect(stored()).toEqual(expected);
    expect(expected).toHaveLength(3);
    expect(verifyAuditChain(sqlite)).toEqual({ ok: true, events: 4, firstBroken: null });

    // recordAudit goes on from the batch's last event
    recordAudit(ctx(), events[1]!);
    expect(verifyAuditChain(sqlite)).toMatchObject({ ok: true, events: 5 });
  });

  it('is refused outside a transaction, and an interleaved recordAudit fails the transaction instead of forking', () => {
    const sqlite = h.opened.db.$client;
    expect(() => auditBatch(ctx())).toThrow(/inside the transaction/);
    expect(() =>
      sqlite.transaction(() => {
        const write = auditBatch(ctx());
        recordAudit(ctx(), events[0]!);
        write(events[1]!);
      })(),
    ).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(verifyAuditChain(sqlite)).toEqual({ ok: true, events: 1, firstBroken: null });
  });
});
