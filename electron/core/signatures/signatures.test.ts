import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { userStudies, users } from '../../../db/schema';
import type { SessionUser } from '../../api';
import { aStudy, createHarness, type Harness } from '../../testing/harness';
import { hashPassword } from '../accounts/passwords';
import { canonicalJson, contentHash } from './signatures';

const INVESTIGATOR = { username: 'zhanglei', displayName: '张磊', password: 'Marrow-biopsy-42' };

let h: Harness;
let investigator: { user: SessionUser };
let coordinator: { user: SessionUser };

async function addUser(username: string, displayName: string, role: SessionUser['role'], password: string) {
  const now = new Date().toISOString();
  const row = h.opened.db
    .insert(users)
    .values({ username, displayName, role, passwordHash: await hashPassword(password), createdAt: now, updatedAt: now })
    .returning()
    .get();
  return { user: { id: row.id, username, displayName, role, mustChangePassword: false } as SessionUser };
}

/** a study, with the investigator and the coordinator assigned to it (non-administrators see assigned studies only) */
async function newStudy(over: Parameters<typeof aStudy>[0] = {}) {
  const study = await h.call('studies.create', aStudy(over));
  const assignedAt = new Date().toISOString();
  for (const u of [investigator, coordinator]) {
    h.opened.db.insert(userStudies).values({ userId: u.user.id, studyId: study.id, assignedAt }).run();
  }
  return study;
}

const signatureRows = () => h.opened.db.$client.prepare('SELECT * FROM signatures ORDER BY id').all();
const auditRows = (action: string) =>
  h.opened.db.$client.prepare('SELECT * FROM audit_events WHERE action = ? ORDER BY seq').all(action) as {
    actor: string;
    entity_id: string;
    study_id: number;
    changes: string;
  }[];

beforeEach(async () => {
  h = await createHarness();
  investigator = await addUser(INVESTIGATOR.username, INVESTIGATOR.displayName, 'investigator', INVESTIGATOR.password);
  coordinator = await addUser('liuna', '刘娜', 'coordinator', 'Coordinator-pass-1');
});
afterEach(() => h.cleanup());

const signInput = (id: number, password = INVESTIGATOR.password) => ({
  entity: 'study' as const,
  entityId: id,
  meaning: 'protocol_version_approved' as const,
  password,
});

describe('signatures: protocol version approved', () => {
  it('an investigator signs: printed name, UTC time, meaning, content hash; the study shows it valid', async () => {
    const study = await newStudy();
    expect(study.protocolApproval).toBeNull();
    const sig = await h.call('signatures.sign', signInput(study.id), investigator);
    expect(sig).toMatchObject({
      signerName: '张磊',
      signerId: investigator.user.id,
      meaning: 'protocol_version_approved',
      valid: true,
      content: { protocolNumber: 'HR-ITP-III-01', protocolVersion: 'V2.0', protocolVersionDate: '2024-02-20' },
    });
    expect(sig.signedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(sig.contentHash).toBe(contentHash(sig.content));
    expect(sig.contentHash).toMatch(/^[0-9a-f]{64}$/);

    const detail = await h.call('studies.get', { id: study.id });
    expect(detail.protocolApproval).toMatchObject({ id: sig.id, valid: true, signerName: '张磊' });
    const list = await h.call('studies.list', {});
    expect(list.find((s) => s.id === study.id)?.protocolApproval).toBe('valid');

    const [event] = auditRows('sign');
    expect(event).toMatchObject({ actor: 'zhanglei', entity_id: String(study.id), study_id: study.id });
    expect(JSON.parse(event!.changes)).toMatchObject({
      meaning: [null, 'protocol_version_approved'],
      contentHash: [null, sig.contentHash],
      protocolVersion: [null, 'V2.0'],
    });
  });

  it('changing the protocol version (with a reason) invalidates it; a new signature supersedes the old one', async () => {
    const study = await newStudy();
    const first = await h.call('signatures.sign', signInput(study.id), investigator);
    const storedBefore = signatureRows();

    await h.call('studies.update', {
      id: study.id,
      fields: { ...aStudy(), protocolVersion: 'V3.0', protocolVersionDate: '2025-01-10' },
      reason: '申办方发布方案修订 3.0',
    });
    const detail = await h.call('studies.get', { id: study.id });
    expect(detail.protocolApproval).toMatchObject({ id: first.id, valid: false });
    expect((await h.call('studies.list', {}))[0]?.protocolApproval).toBe('invalidated');
    // the signature row itself did not change: invalidation is computed
    expect(signatureRows()).toEqual(storedBefore);

    const second = await h.call('signatures.sign', signInput(study.id), investigator);
    expect(second).toMatchObject({ valid: true, content: { protocolVersion: 'V3.0' } });
    const history = await h.call('signatures.forRecord', { entity: 'study', entityId: study.id });
    expect(history.map((s) => [s.id, s.valid, s.superseded])).toEqual([
      [second.id, true, false],
      [first.id, false, true],
    ]);
    expect((await h.call('studies.get', { id: study.id })).protocolApproval?.id).toBe(second.id);
    expect((await h.call('studies.list', {}))[0]?.protocolApproval).toBe('valid');
    // the first row is still exactly as stored
    expect(signatureRows()[0]).toEqual(storedBefore[0]);
  });

  it('changing a field the signature does not cover (sponsor) keeps it valid; changing it back re-validates', async () => {
    const study = await newStudy();
    await h.call('signatures.sign', signInput(study.id), investigator);
    await h.call('studies.update', { id: study.id, fields: { ...aStudy(), sponsor: '恒瑞医药股份' }, reason: null });
    expect((await h.call('studies.get', { id: study.id })).protocolApproval?.valid).toBe(true);
    expect((await h.call('studies.list', {}))[0]?.protocolApproval).toBe('valid');

    await h.call('studies.update', { id: study.id, fields: { ...aStudy(), protocolVersion: 'V2.1' }, reason: 'typo' });
    expect((await h.call('studies.get', { id: study.id })).protocolApproval?.valid).toBe(false);
    await h.call('studies.update', { id: study.id, fields: aStudy(), reason: 'back to V2.0' });
    expect((await h.call('studies.get', { id: study.id })).protocolApproval?.valid).toBe(true);
  });

  it('a wrong password is refused on the password field, nothing is signed, and the attempt is audited', async () => {
    const study = await newStudy();
    const r = await h.send('signatures.sign', signInput(study.id, 'not-my-password'), investigator);
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'validation', field: 'password', messageKey: 'signatures.wrongPassword' },
    });
    expect(signatureRows()).toEqual([]);
    const failed = auditRows('sign_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ actor: 'zhanglei', entity_id: String(study.id), study_id: study.id });
    expect((await h.call('audit.verify', {})).ok).toBe(true);
  });

  it('only investigators sign: admin, coordinator and signed-out calls are refused, nothing written', async () => {
    const study = await newStudy();
    const before = h.opened.db.$client.prepare('SELECT count(*) AS n FROM audit_events').get();
    expect(await h.send('signatures.sign', signInput(study.id, 'Ward-station-2026'))).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await h.send('signatures.sign', signInput(study.id, 'Coordinator-pass-1'), coordinator)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await h.send('signatures.sign', signInput(study.id), { user: null })).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    expect(signatureRows()).toEqual([]);
    expect(h.opened.db.$client.prepare('SELECT count(*) AS n FROM audit_events').get()).toEqual(before);
    // everyone reads
    expect(await h.call('signatures.forRecord', { entity: 'study', entityId: study.id }, coordinator)).toEqual([]);
  });

  it('an investigator not assigned to the study may neither sign nor read its signatures', async () => {
    const other = await h.call('studies.create', aStudy({ protocolNumber: 'AML-II-07' }));
    expect(await h.send('signatures.sign', signInput(other.id), investigator)).toMatchObject({
      ok: false,
      error: { code: 'forbidden', messageKey: 'errors.notAssigned' },
    });
    expect(await h.send('signatures.forRecord', { entity: 'study', entityId: other.id }, investigator)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(signatureRows()).toEqual([]);
    expect(auditRows('sign_failed')).toEqual([]);
  });

  it('a study without a protocol version cannot be signed (field error), nor a missing one, nor with another meaning', async () => {
    const study = await newStudy({ protocolVersion: null, protocolVersionDate: null });
    expect(await h.send('signatures.sign', signInput(study.id), investigator)).toMatchObject({
      ok: false,
      error: { code: 'validation', field: 'protocolVersion', messageKey: 'signatures.noProtocolVersion' },
    });
    // a study that does not exist is, to an investigator, one they are not assigned to (existence is not revealed)
    expect(await h.send('signatures.sign', signInput(9999), investigator)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(
      await h.send('signatures.sign', { ...signInput(study.id), meaning: 'whatever' }, investigator),
    ).toMatchObject({ ok: false, error: { code: 'validation', field: 'meaning' } });
    expect(signatureRows()).toEqual([]);
  });

  it('removing the protocol version after signing shows the signature invalidated', async () => {
    const study = await newStudy();
    await h.call('signatures.sign', signInput(study.id), investigator);
    await h.call('studies.update', {
      id: study.id,
      fields: { ...aStudy(), protocolVersion: null, protocolVersionDate: null },
      reason: 'entered for the wrong study',
    });
    expect((await h.call('studies.get', { id: study.id })).protocolApproval?.valid).toBe(false);
  });

  it('signature rows cannot be changed through the app: no channel updates or deletes them', async () => {
    const { channelNames } = await import('../../api');
    const writers = channelNames.filter((c) => c.startsWith('signatures.'));
    expect(writers.sort()).toEqual(['signatures.forRecord', 'signatures.sign']);
    const { readFileSync } = await import('node:fs');
    const source = readFileSync(new URL('./signatures.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(
      /\.update\(signatures\)|\.delete\(signatures\)|UPDATE signatures|DELETE FROM signatures/i,
    );
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every level, so equal content hashes equally', () => {
    expect(canonicalJson({ b: 1, a: { d: null, c: 'x' } })).toBe('{"a":{"c":"x","d":null},"b":1}');
    expect(contentHash({ a: 1, b: 2 })).toBe(contentHash({ b: 2, a: 1 }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: '1' }));
  });
});
