/**
 * Writes the demo's adverse events (issue 6, planned by aes.ts) inside seed.ts's one transaction, in time order among
 * the plan's events and the subjects' visits: the AESEV studies' safety settings, each AE (inserted once, in its state as
 * of today, as seed.ts inserts subjects and visit-writer.ts visits) with its 'create' event, its edits ('update', with
 * the reason; an edit of the signed content after a signature invalidates it), its SAE reports ('report') and the
 * investigator's "AE assessed" signatures ('sign', the signature row with the content hash of core/safety/
 * signed-content.ts) — each event as core/safety/aes.ts and core/signatures/signatures.ts record it, through recordAudit.
 * Each AE is checked against the rules of the AE service before it is written.
 */
import type Database from 'better-sqlite3';
import { recordAudit } from '../audit/audit';
import type { ServiceContext } from '../context';
import { aeChanges } from '../safety/aes';
import { aeSignedContent, SIGNED_AE_FIELDS } from '../safety/signed-content';
import { canonicalJson, contentHash } from '../signatures/signatures';
import { planAes, type DemoAe, type DemoAeEvent, type DemoAeState, type DemoAes } from './aes';
import type { DemoPlan } from './plan';

export interface AeCounts {
  aes: number;
  /** serious AEs, and the SAE reports (initial and follow-ups) sent for them */
  saes: number;
  saeReports: number;
  /** "AE assessed" signatures written (a re-signed AE has two) */
  aeSignatures: number;
}

type Row = DemoAeState & { aeNumber: number; visitId: number | null };

export function aeWriter(args: {
  sqlite: Database.Database;
  plan: DemoPlan;
  /** the seed's context (its clock is set by `setClock`) */
  ctx: ServiceContext;
  setClock: (t: number) => void;
  /** the study rows as seed.ts writes them (by plan index) */
  studyRows: readonly { id: number }[];
  /** the visit writer: its events before each AE event are applied first */
  visits: { until(t: number): void };
  /** the AEs to write (default: planAes(plan)); planned here, the time counts as the AEs' */
  planned?: DemoAes | (() => DemoAes);
}) {
  const { sqlite, plan, ctx, setClock } = args;
  /** the time planning and writing the AEs took (a figure of npm run bench) */
  const ms = { plan: 0, write: 0, byKind: {} as Record<DemoAeEvent['kind'], number> };
  let t0 = performance.now();
  const planned = typeof args.planned === 'function' ? args.planned() : (args.planned ?? planAes(plan));
  ms.plan = performance.now() - t0;
  const insertAe = sqlite.prepare(
    `INSERT INTO adverse_events (study_id, center_id, subject_id, ae_number, verbatim_term, ctcae_code, ctcae_term, soc,
       grade, severity, start_date, end_date, ongoing, serious, serious_criteria, expected, causality, related, action,
       treatment, outcome, visit_id, notes, awareness_at, report_due_at, reported_at, assessment_signed, created_by,
       created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertReport = sqlite.prepare(
    `INSERT INTO sae_reports (ae_id, number, sent_at, recipient, method, notes, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertSettings = sqlite.prepare(
    'INSERT INTO safety_settings (study_id, severity_scale, sae_report_hours, updated_at) VALUES (?, ?, 24, ?)',
  );
  const insertSignature = sqlite.prepare(
    `INSERT INTO signatures (entity, entity_id, study_id, meaning, signer_id, signer_name, signed_at, content_hash, content)
     VALUES ('adverse_event', ?, ?, 'ae_assessed', ?, ?, ?, ?, ?)`,
  );
  // the visit at which the event was recorded: the subject's last visit done from onset to the day it was recorded
  const findVisit = sqlite.prepare(
    `SELECT id FROM visits WHERE subject_id = ? AND status = 'done' AND actual_date >= ? AND actual_date <= ?
       AND entered_at <= ? ORDER BY actual_date DESC, id DESC LIMIT 1`,
  );

  // who records (the first active coordinator, else the seed's actor) and who assesses and signs (the first active
  // investigator; without one, nothing is assessed or signed — causality and expectedness are the investigator's)
  const account = (role: string) =>
    sqlite
      .prepare(
        'SELECT id, username, display_name AS displayName FROM users WHERE role = ? AND active = 1 ORDER BY id LIMIT 1',
      )
      .get(role) as { id: number; username: string; displayName: string } | undefined;
  const coordinator = account('coordinator');
  const investigator = account('investigator');
  const crc: ServiceContext = coordinator
    ? { ...ctx, actor: { id: coordinator.id, username: coordinator.username } }
    : ctx;
  const pi: ServiceContext | null = investigator
    ? { ...ctx, actor: { id: investigator.id, username: investigator.username } }
    : null;
  const by = (who: 'coordinator' | 'investigator') => (who === 'investigator' && pi ? pi : crc);
  /** without an investigator account: no assessment */
  const assessable = (s: DemoAeState): DemoAeState =>
    pi ? s : { ...s, causality: null, expected: null, related: false };

  const subjects: ({ id: number; studyId: number; centerId: number; firstConsentDate: string | null } | undefined)[] =
    [];
  const ids: number[] = [];
  /** each AE's content as written so far, and whether its latest signature still holds */
  const current: (Row | undefined)[] = [];
  const signed: boolean[] = [];
  const counts: AeCounts = { aes: 0, saes: 0, saeReports: 0, aeSignatures: 0 };
  const today = plan.baseDate;
  let next = 0;

  const fail = (ae: DemoAe | null, message: string): never => {
    throw new Error(`demo plan: ${message}${ae ? ` (AE ${ae.number} of subject ${ae.subject})` : ''}`);
  };

  /** The rules of core/safety/aes.ts checkAe, on the content written (the CTCAE grades: the catalog's own). */
  function check(ae: DemoAe, s: DemoAeState, consent: string | null, at: number): void {
    const day = new Date(at).toISOString().slice(0, 10);
    const scale = planned.scales[ae.study]!;
    if (scale === 'ctcae' ? s.grade === null || s.severity !== null : s.severity === null || s.grade !== null)
      fail(ae, 'severity not on the study’s scale');
    if (s.startDate > day || s.startDate > today) fail(ae, 'AE starts after it was recorded');
    if (consent === null || s.startDate < consent) fail(ae, 'AE before consent');
    if (s.endDate !== null && (s.endDate < s.startDate || s.endDate > day || s.ongoing)) fail(ae, 'AE end date');
    if (s.endDate === null && !s.ongoing) fail(ae, 'AE ended without an end date');
    if (s.serious !== s.seriousCriteria.length > 0) fail(ae, 'serious ⇔ criteria');
    if (s.serious !== (s.awarenessAt !== null)) fail(ae, 'SAE without awareness');
    if (s.awarenessAt && (s.awarenessAt.slice(0, 10) < s.startDate || Date.parse(s.awarenessAt) > at))
      fail(ae, 'awareness before onset or after it was recorded');
    const fatal = s.outcome === 'FATAL';
    if ((s.grade === 5) !== fatal && scale === 'ctcae') fail(ae, 'grade 5 ⇔ fatal');
    if (fatal !== s.seriousCriteria.includes('death')) fail(ae, 'fatal ⇔ death criterion');
    if (fatal && s.ongoing) fail(ae, 'fatal and ongoing');
    if ((s.causality === null) !== (s.expected === null)) fail(ae, 'half an assessment');
  }

  function apply(e: DemoAeEvent): void {
    setClock(e.at);
    const at = new Date(e.at).toISOString();
    if (e.kind === 'settings') {
      const studyId = args.studyRows[e.study]!.id;
      insertSettings.run(studyId, e.scale, at);
      recordAudit(ctx, {
        action: 'setting',
        entity: 'safety_settings',
        entityId: studyId,
        studyId,
        changes: { severityScale: ['ctcae', e.scale] },
        reason: e.reason,
      });
      return;
    }
    const ae = planned.aes[e.ae]!;
    const subject = subjects[ae.subject] ?? fail(ae, 'AE of a subject not registered yet');
    switch (e.kind) {
      case 'create': {
        if (ids[e.ae] !== undefined) fail(ae, 'AE recorded twice');
        const state = assessable(e.state);
        check(ae, state, subject.firstConsentDate, e.at);
        const final: DemoAeState = assessable(ae.final);
        check(ae, final, subject.firstConsentDate, Date.parse(`${today}T23:59:59.999Z`));
        const visit = ae.linkVisit
          ? (findVisit.get(subject.id, state.startDate, at.slice(0, 10), at) as { id: number } | undefined)
          : undefined;
        const visitId = visit?.id ?? null;
        const isSigned = ae.signed && pi !== null;
        const actor = by(ae.createdBy);
        const id = Number(
          insertAe.run(
            subject.studyId,
            subject.centerId,
            subject.id,
            ae.number,
            final.verbatimTerm,
            final.ctcaeCode,
            final.ctcaeTerm,
            final.soc,
            final.grade,
            final.severity,
            final.startDate,
            final.endDate,
            final.ongoing ? 1 : 0,
            final.serious ? 1 : 0,
            JSON.stringify(final.seriousCriteria),
            final.expected === null ? null : final.expected ? 1 : 0,
            final.causality,
            final.related ? 1 : 0,
            final.action,
            final.treatment,
            final.outcome,
            visitId,
            final.notes,
            final.awarenessAt,
            final.reportDueAt,
            ae.reportedAt,
            isSigned ? 1 : 0,
            actor.actor.id,
            at,
            new Date(ae.updatedAt).toISOString(),
          ).lastInsertRowid,
        );
        ids[e.ae] = id;
        counts.aes++;
        if (final.serious) counts.saes++;
        const row: Row = { ...state, aeNumber: ae.number, visitId };
        current[e.ae] = row;
        signed[e.ae] = false;
        recordAudit(actor, {
          action: 'create',
          entity: 'adverse_event',
          entityId: id,
          studyId: subject.studyId,
          subjectId: subject.id,
          changes: aeChanges(null, row),
        });
        return;
      }
      case 'update': {
        const before = current[e.ae] ?? fail(ae, 'AE edited before it was recorded');
        const after: Row = { ...before, ...e.patch };
        if (!pi) Object.assign(after, { causality: null, expected: null, related: false });
        check(ae, after, subject.firstConsentDate, e.at);
        const changes = aeChanges(before, after);
        if (Object.keys(changes).length === 0) return; // nothing changed (no investigator to assess): nothing written
        if (SIGNED_AE_FIELDS.some((f) => f in changes) && signed[e.ae]) {
          changes.assessmentSigned = [true, false];
          signed[e.ae] = false;
        }
        current[e.ae] = after;
        recordAudit(by(e.by), {
          action: 'update',
          entity: 'adverse_event',
          entityId: ids[e.ae]!,
          studyId: subject.studyId,
          subjectId: subject.id,
          changes,
          reason: e.reason,
        });
        return;
      }
      case 'report': {
        const row = current[e.ae] ?? fail(ae, 'SAE reported before it was recorded');
        if (!row.serious || !row.awarenessAt || e.sentAt < row.awarenessAt || Date.parse(e.sentAt) > e.at)
          fail(ae, 'SAE report out of order');
        insertReport.run(ids[e.ae], e.number, e.sentAt, e.recipient, e.method, e.notes, crc.actor.id, at);
        counts.saeReports++;
        recordAudit(crc, {
          action: 'report',
          entity: 'adverse_event',
          entityId: ids[e.ae]!,
          studyId: subject.studyId,
          subjectId: subject.id,
          changes: {
            report: [null, e.number === 0 ? 'initial' : `follow-up ${e.number}`],
            sentAt: [null, e.sentAt],
            recipient: [null, e.recipient],
            method: [null, e.method],
            ...(e.number === 0 && row.reportDueAt ? { onTime: [null, e.sentAt <= row.reportDueAt] } : {}),
          },
        });
        return;
      }
      case 'sign': {
        if (!pi || !investigator) return; // no investigator account: nothing is signed
        const row = current[e.ae] ?? fail(ae, 'AE signed before it was recorded');
        if (row.causality === null || row.expected === null) fail(ae, 'AE signed before it was assessed');
        const content = aeSignedContent(row);
        const hash = contentHash(content);
        const id = ids[e.ae]!;
        insertSignature.run(
          String(id),
          subject.studyId,
          investigator.id,
          investigator.displayName,
          at,
          hash,
          canonicalJson(content),
        );
        counts.aeSignatures++;
        signed[e.ae] = true;
        recordAudit(pi, {
          action: 'sign',
          entity: 'adverse_event',
          entityId: id,
          studyId: subject.studyId,
          subjectId: subject.id,
          changes: {
            meaning: [null, 'ae_assessed'],
            signerName: [null, investigator.displayName],
            contentHash: [null, hash],
            ...Object.fromEntries(Object.entries(content).map(([k, v]) => [k, [null, v ?? null]])),
          },
        });
        return;
      }
    }
  }

  /** A subject was registered (its row exists): its AEs can be written from now on. */
  function start(
    k: number,
    row: { id: number; studyId: number; centerId: number; firstConsentDate: string | null },
  ): void {
    subjects[k] = row;
  }

  /** Applies the AE events that happened before `t`, each after the visit events before it. */
  function until(t: number): void {
    const events = planned.events as (DemoAeEvent | undefined)[];
    while (next < events.length && events[next]!.at < t) {
      const e = events[next]!;
      events[next++] = undefined; // applied: garbage from now on (a large seed holds a lot in one transaction)
      args.visits.until(e.at);
      t0 = performance.now();
      apply(e);
      const took = performance.now() - t0;
      ms.write += took;
      ms.byKind[e.kind] = (ms.byKind[e.kind] ?? 0) + took;
    }
  }

  /** After the last plan event: the rest; every AE written, its last state the one planned, its signature as planned. */
  function finish(): void {
    until(Infinity);
    planned.aes.forEach((ae, i) => {
      if (ids[i] === undefined) fail(ae, 'AE never written');
      const final = assessable(ae.final);
      const { aeNumber: _n, visitId: _v, ...written } = current[i]!;
      if (JSON.stringify(written) !== JSON.stringify(final)) fail(ae, 'AE written otherwise than planned');
      if (signed[i] !== (ae.signed && pi !== null)) fail(ae, 'AE signature otherwise than planned');
    });
  }

  return { start, until, finish, counts, ms };
}
