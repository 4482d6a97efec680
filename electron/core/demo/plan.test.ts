import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { centerFields, studyFields, studyStatuses, therapeuticAreas } from '../../api/contract';
import { subjectSetupInput, subjectStatuses, withdrawalReasons } from '../../api/subjects';
import { activeSubjectStatuses } from '../../../db/schema/vocabulary';
import { STATUS_DATE } from '../subjects/status';
import { patternRegex } from '../subjects/numbering';
import { dayNumber } from '../dates';
import { planVisits } from '../visits/plan';
import { checkLines } from '../visits/schedule';
import { DEMO_BASE_DATE, planDemo, type DemoPlan } from './plan';
import { createRng } from './prng';
import { idCheckChar, LARGE_BIG_STUDY_SUBJECTS, LARGE_SUBJECTS } from './subjects';

let large: DemoPlan;
let small: DemoPlan;
beforeAll(() => {
  large = planDemo('large');
  small = planDemo('small');
}, 60_000);

describe('the seeded generator', () => {
  it('gives the same numbers for the same seed, others for another', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seq = (r: typeof a) => Array.from({ length: 20 }, () => r.next());
    const sa = seq(a);
    expect(sa).toEqual(seq(b));
    expect(sa).not.toEqual(seq(c));
    expect(sa.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('the demo plan', () => {
  it('is the same every time', () => {
    expect(planDemo('small')).toEqual(small);
    const digest = (p: DemoPlan) => createHash('sha256').update(JSON.stringify(p)).digest('hex');
    expect(digest(planDemo('large'))).toBe(digest(large));
  });

  it('small: 8 studies covering every status and therapeutic area, 2–8 centers each', () => {
    const plan = small;
    expect(plan.studies).toHaveLength(8);
    for (const s of plan.studies) expect(s.centers.length).toBeGreaterThanOrEqual(2);
    for (const s of plan.studies) expect(s.centers.length).toBeLessThanOrEqual(8);
    const finals = finalStatuses(plan);
    expect(new Set(finals)).toEqual(new Set(studyStatuses));
    expect(new Set(plan.studies.map((s) => s.fields.therapeuticArea))).toEqual(new Set(therapeuticAreas));
  });

  it('large: exactly 300 studies and 1,500 centers', () => {
    const plan = large;
    expect(plan.studies).toHaveLength(300);
    expect(plan.studies.reduce((n, s) => n + s.centers.length, 0)).toBe(1500);
    const finals = finalStatuses(plan);
    for (const status of studyStatuses) expect(finals).toContain(status);
  });

  it('keeps the rules of the services: valid fields, unique protocol numbers, one lead and one own center', () => {
    for (const plan of [small, large]) {
      const protocols = plan.studies.map((s) => s.fields.protocolNumber.toLowerCase());
      expect(new Set(protocols).size).toBe(protocols.length);
      for (const s of plan.studies) {
        expect(studyFields.parse(s.fields)).toEqual(s.fields);
        expect(s.centers.filter((c) => c.isLead)).toHaveLength(1);
        const own = s.centers.filter((c) => c.isOwn);
        expect(own).toHaveLength(1);
        expect(own[0]!.pi).toBe(s.fields.sitePi);
        const codes = s.centers.map((c) => c.code);
        expect(codes).toEqual(codes.map((_, i) => String(i + 1).padStart(2, '0')));
        expect(s.centers[0]!.isLead).toBe(true);
        for (const c of s.centers) {
          expect(centerFields.parse(c)).toEqual(c);
          if (c.hardCap !== null) expect(c.hardCap).toBeGreaterThanOrEqual(c.enrollmentTarget!);
        }
      }
    }
  });

  it('dates every event on or before the base date, in order, with each record created before it changes', () => {
    const plan = large;
    const limit = Date.parse(`${DEMO_BASE_DATE}T23:59:59.999Z`);
    const seen = new Set<string>();
    const p = problems();
    let prev = plan.setupAt;
    for (const e of plan.events) {
      p.check(e.at > plan.setupAt && e.at >= prev && e.at <= limit, `time of ${JSON.stringify(e)}`);
      prev = e.at;
      if (e.kind === 'holidayList.load') continue;
      const key =
        'center' in e
          ? `c${e.study}.${e.center}`
          : 'subject' in e
            ? `x${e.subject}`
            : e.kind === 'setup.create' || e.kind === 'consentVersion.create' || e.kind === 'scheduleVersion.create'
              ? `u${e.study}`
              : `s${e.study}`;
      if (e.kind.endsWith('.create') && e.kind !== 'consentVersion.create' && e.kind !== 'scheduleVersion.create')
        seen.add(key);
      else p.check(seen.has(key), `before its record: ${JSON.stringify(e)}`);
      if (e.kind.endsWith('.create')) p.check(seen.has(`s${e.study}`), `before its study: ${JSON.stringify(e)}`);
    }
    expect(p.list).toEqual([]);
  });

  it('writes hematology studies in Chinese and English with registry numbers', () => {
    const plan = large;
    const titles = plan.studies.map((s) => s.fields.title);
    expect(titles.some((t) => /^一项评估.+III期临床研究$/.test(t))).toBe(true);
    expect(titles.some((t) => /^A Randomized, Open-label, Multicenter Phase 3 Study/.test(t))).toBe(true);
    const regs = plan.studies.map((s) => s.fields.registrationNumber).filter((r) => r !== null);
    expect(regs.some((r) => /^CTR\d{8}$/.test(r))).toBe(true);
    expect(regs.some((r) => /^NCT\d{8}$/.test(r))).toBe(true);
    expect(plan.studies.some((s) => /^HR-[A-Z]{4}-III-\d{2}$/.test(s.fields.protocolNumber))).toBe(true);
    expect(new Set(plan.studies.map((s) => s.fields.sponsor))).toContain('恒瑞医药');
  });
});

describe('the demo subjects', () => {
  it('large: 60,000 subjects; the study with the most has exactly 5,000 and is still enrolling', () => {
    expect(large.subjects).toHaveLength(LARGE_SUBJECTS);
    const perStudy = countBy(large.subjects, (x) => x.study);
    const [big, n] = [...perStudy].sort((a, b) => b[1] - a[1])[0]!;
    expect(n).toBe(LARGE_BIG_STUDY_SUBJECTS);
    expect([...perStudy.values()].filter((m) => m === n)).toHaveLength(1);
    expect(finalStatuses(large)[big]).toBe('enrolling');
    // room to enroll more at our own center (the bench does)
    expect(large.studies[big]!.centers.find((c) => c.isOwn)!.hardCap).toBeNull();
    expect(perStudy.size).toBeGreaterThan(200);
  });

  it('only in studies that had enrollment, our own center with a good share', () => {
    for (const plan of [small, large]) {
      const finals = finalStatuses(plan);
      const withSubjects = new Set(plan.subjects.map((x) => finals[x.study]));
      expect(withSubjects.has('planning')).toBe(false);
      expect(withSubjects.has('startup')).toBe(false);
      const own = plan.subjects.filter((x) => plan.studies[x.study]!.centers[x.center]!.isOwn).length;
      expect(own / plan.subjects.length).toBeGreaterThan(0.25);
      expect(own / plan.subjects.length).toBeLessThan(0.6);
    }
    const finals = finalStatuses(large);
    // studies that are over hold nobody in screening, closed ones nobody still in the study
    const p = problems();
    for (const x of large.subjects) {
      const final = finals[x.study]!;
      if (['followup', 'closed', 'terminated'].includes(final))
        p.check(x.status !== 'screening', `${x.screeningNumber}: screening in a ${final} study`);
      if (['closed', 'terminated'].includes(final))
        p.check(!(activeSubjectStatuses as readonly string[]).includes(x.status), `${x.screeningNumber}: active`);
    }
    expect(p.list).toEqual([]);
  });

  it('never enrolls beyond a center’s hard cap; targets stay at or under the cap', () => {
    for (const plan of [small, large]) {
      const enrolled = countBy(
        plan.subjects.filter((x) => x.enrollmentDate !== null),
        (x) => `${x.study}.${x.center}`,
      );
      const p = problems();
      plan.studies.forEach((s, i) =>
        s.centers.forEach((c, j) => {
          if (c.hardCap === null) return;
          p.check((enrolled.get(`${i}.${j}`) ?? 0) <= c.hardCap, `study ${i} center ${c.code} over its cap`);
          p.check((c.enrollmentTarget ?? 0) <= c.hardCap, `study ${i} center ${c.code} target over its cap`);
        }),
      );
      expect(p.list).toEqual([]);
    }
  });

  it('gives every study a valid set-up and consent versions; numbers follow the patterns, unique per study', () => {
    for (const plan of [small, large]) {
      const finals = finalStatuses(plan);
      const ethics = new Map<number, string>();
      for (const e of plan.events)
        if (e.kind === 'study.update' && e.fields.ethicsApprovalDate) ethics.set(e.study, e.fields.ethicsApprovalDate);
      plan.studies.forEach((s, i) => {
        const { setup } = s;
        subjectSetupInput.parse({ studyId: 1, fields: setup, reason: null });
        expect(setup.criteria.length).toBeGreaterThanOrEqual(4);
        expect(setup.criteria.length).toBeLessThanOrEqual(8);
        expect(setup.screenFailureReasons.length).toBeGreaterThanOrEqual(3);
        expect(setup.screenFailureReasons.length).toBeLessThanOrEqual(5);
        expect(setup.arms.length).toBeGreaterThan(0);
        if (finals[i] === 'planning') expect(s.consentVersions).toEqual([]);
        else {
          expect(s.consentVersions.length).toBeGreaterThanOrEqual(1);
          expect(s.consentVersions.length).toBeLessThanOrEqual(3);
          expect(s.consentVersions[0]!.approvedDate).toBe(ethics.get(i));
        }
        for (const v of s.consentVersions) expect(v.versionDate <= v.approvedDate).toBe(true);
      });
      const seen = new Set<string>();
      const p = problems();
      for (const x of plan.subjects) {
        const { setup, centers } = plan.studies[x.study]!;
        const code = centers[x.center]!.code;
        p.check(patternRegex(setup.screeningPattern, code).test(x.screeningNumber), `pattern ${x.screeningNumber}`);
        if (x.subjectNumber !== null)
          p.check(patternRegex(setup.subjectPattern, code).test(x.subjectNumber), `pattern ${x.subjectNumber}`);
        for (const [kind, number] of [
          ['s', x.screeningNumber],
          ['n', x.subjectNumber],
        ] as const) {
          if (number === null) continue;
          const key = `${x.study}|${kind}|${number.toLowerCase()}`;
          p.check(!seen.has(key), `number given twice: ${key}`);
          seen.add(key);
        }
      }
      expect(p.list).toEqual([]);
    }
    // sequences beyond 999 just get longer
    expect(large.subjects.some((x) => /^S\d{2}\d{4}$/.test(x.screeningNumber))).toBe(true);
  });

  it('dates each step in order, none after today, each status with its date', () => {
    for (const plan of [small, large]) {
      const p = problems();
      for (const x of plan.subjects) {
        const what = `subject ${x.study}/${x.screeningNumber}`;
        const steps = [
          x.consents[0]?.signedDate,
          x.screeningDate,
          x.enrollmentDate,
          x.treatmentStartDate,
          x.followUpDate,
          x.completionDate ?? x.withdrawalDate,
        ].filter((d): d is string => d != null);
        p.check(steps.join() === [...steps].sort().join(), `${what}: dates out of order ${steps.join()}`);
        p.check(
          steps.every((d) => d <= plan.baseDate),
          `${what}: a date after today`,
        );
        if (x.withdrawalDate)
          p.check(x.withdrawalDate >= (x.screeningDate ?? x.consents[0]?.signedDate ?? ''), `${what}: withdrawal`);
        if (x.status !== 'screening') p.check(x[STATUS_DATE[x.status]] !== null, `${what}: ${x.status} without date`);
        if (x.status === 'withdrawn')
          p.check((withdrawalReasons as readonly string[]).includes(x.withdrawalReason ?? ''), `${what}: reason`);
        else p.check(x.withdrawalReason === null, `${what}: a withdrawal reason`);
        if (x.status === 'screen_failed') p.check(x.screenFailureDate === x.screeningDate, `${what}: failure date`);
        p.check((x.enrollmentDate === null) === (x.subjectNumber === null), `${what}: enrolled without number`);
        const consents = x.consents.map((c) => c.signedDate);
        p.check(consents.join() === [...consents].sort().join(), `${what}: consents out of order`);
      }
      expect(p.list).toEqual([]);
      expect(new Set(plan.subjects.map((x) => x.status))).toEqual(new Set(subjectStatuses));
    }
  });

  it('has personal fields and consents for our own center only: Chinese names, well-formed ID numbers', () => {
    for (const plan of [small, large]) {
      const p = problems();
      for (const x of plan.subjects) {
        const what = `subject ${x.study}/${x.screeningNumber}`;
        p.check(/^[A-Z]{2,4}$/.test(x.initials), `${what}: initials ${x.initials}`);
        if (!plan.studies[x.study]!.centers[x.center]!.isOwn) {
          p.check(
            [x.name, x.recordNumber, x.idNumber, x.phone, x.birthDate].every((f) => f === null) &&
              x.consents.length === 0 &&
              (x.birthYear ?? 0) > 1900,
            `${what}: personal fields or consents at another center`,
          );
          continue;
        }
        const id = x.idNumber ?? '';
        const age = (Date.parse(x.consents[0]?.signedDate ?? '') - Date.parse(x.birthDate!)) / (365.25 * 86_400_000);
        p.check(
          /^[\u4e00-\u9fff]{2,4}$/.test(x.name ?? '') &&
            x.initials.length === [...x.name!].length &&
            /^\d{17}[\dX]$/.test(id) &&
            idCheckChar(id.slice(0, 17)) === id.at(-1) &&
            id.slice(6, 14) === x.birthDate!.replaceAll('-', '') &&
            Number(id[16]) % 2 === (x.sex === 'M' ? 1 : 0) &&
            x.birthYear === Number(x.birthDate!.slice(0, 4)) &&
            /^1\d{10}$/.test(x.phone ?? '') &&
            x.consents.length > 0 &&
            age >= 18,
          `${what}: personal fields ${JSON.stringify([x.name, x.initials, id, x.phone, x.birthDate])}`,
        );
      }
      expect(p.list).toEqual([]);
    }
  });

  it('answers every criterion, consistently with the outcome; 20–30 % screen failures', () => {
    for (const plan of [small, large]) {
      const p = problems();
      for (const x of plan.subjects) {
        const what = `subject ${x.study}/${x.screeningNumber}`;
        const { setup } = plan.studies[x.study]!;
        if (x.screeningDate === null) {
          p.check(Object.keys(x.eligibility).length === 0, `${what}: checklist before screening`);
          continue;
        }
        const codes = setup.criteria.map((c) => c.code).sort();
        p.check(Object.keys(x.eligibility).sort().join() === codes.join(), `${what}: checklist incomplete`);
        const eligible = setup.criteria.every((c) => x.eligibility[c.code] === (c.kind === 'inclusion'));
        p.check(eligible === (x.screenFailureReason === null), `${what}: outcome does not match the checklist`);
        if (x.screenFailureReason)
          p.check(
            setup.screenFailureReasons.some((r) => r.code === x.screenFailureReason),
            `${what}: reason`,
          );
        if (x.arm !== null)
          p.check(
            setup.arms.some((a) => a.code === x.arm),
            `${what}: arm ${x.arm}`,
          );
      }
      expect(p.list).toEqual([]);
    }
    const screened = large.subjects.filter((x) => x.screeningDate !== null);
    const rate = screened.filter((x) => x.status === 'screen_failed').length / screened.length;
    expect(rate).toBeGreaterThan(0.2);
    expect(rate).toBeLessThan(0.3);
  });

  it('small: a few dozen subjects, some active ones still to re-consent on the current version', () => {
    expect(small.subjects.length).toBeGreaterThanOrEqual(24);
    expect(small.subjects.length).toBeLessThanOrEqual(100);
    const due = small.subjects.filter(
      (x) =>
        x.consents.length > 0 &&
        (activeSubjectStatuses as readonly string[]).includes(x.status) &&
        x.consents.at(-1)!.version < small.studies[x.study]!.consentVersions.length - 1,
    );
    expect(due.length).toBeGreaterThan(0);
    expect(small.subjects.some((x) => x.consents.length > 1)).toBe(true);
  });
});

describe('the demo schedules', () => {
  it('gives every study a version 1.0 the services accept: hematology cycles, ITP weekly visits, AE follow-up', () => {
    for (const plan of [small, large]) {
      const p = problems();
      plan.studies.forEach((s, i) => {
        const what = `study ${i} (${s.fields.phase}, ${s.fields.therapeuticArea})`;
        const v1 = s.schedule.versions[0]!;
        const lines = v1.visits;
        const line = (code: string) => lines.find((l) => l.code === code);
        p.check(v1.version === 'V1.0' && v1.effectiveDate === s.fields.protocolVersionDate, `${what}: version 1.0`);
        const kept = checkLines(
          lines,
          s.setup.arms.map((a) => a.code),
        );
        p.check(JSON.stringify(kept) === JSON.stringify(lines), `${what}: lines not as checkLines keeps them`);
        p.check(line('SCR')?.anchor === 'consent', `${what}: screening on consent`);
        p.check(line('AEFU')?.kind === 'on_demand', `${what}: AE follow-up on demand`);
        const hematology = ['I', 'II', 'III'].includes(s.fields.phase);
        if (hematology && s.fields.therapeuticArea !== 'itp_bleeding') {
          const c = line('C');
          const eot = line('EOT');
          const fu = line('FU');
          p.check(
            c?.kind === 'cycles' &&
              c.anchor === 'first_dose' &&
              [21, 28].includes(c.cycleLength!) &&
              ['1,8,15', '1,15', '1,8,15,22'].includes(c.cycleDays.join()) &&
              c.cycleCount! >= 4 &&
              c.cycleCount! <= 12,
            `${what}: cycles ${JSON.stringify(c)}`,
          );
          p.check(
            eot?.anchor === 'visit' && eot.anchorCode === 'C' && [28, 30].includes(eot.dayOffset!),
            `${what}: end of treatment ${JSON.stringify(eot)}`,
          );
          p.check(
            fu?.kind === 'every' && fu.anchorCode === 'EOT' && fu.interval === 84 && fu.count! >= 4 && fu.count! <= 8,
            `${what}: follow-up ${JSON.stringify(fu)}`,
          );
        }
        if (hematology && s.fields.therapeuticArea === 'itp_bleeding')
          p.check(line('W')?.kind === 'every' && line('W')?.interval === 7, `${what}: weekly visits`);
      });
      expect(p.list).toEqual([]);
    }
  });

  it('amends the studies with a protocol V2.0: version 2.0 that day, no target moved, subjects moved later', () => {
    const amended = new Map<number, number>();
    for (const e of large.events)
      if (e.kind === 'study.update' && e.fields.protocolVersion === 'V2.0') amended.set(e.study, e.at);
    const created = new Map<string, number>();
    for (const e of large.events) if (e.kind === 'scheduleVersion.create') created.set(`${e.study}.${e.version}`, e.at);
    const p = problems();
    let moves = 0;
    large.studies.forEach((s, i) => {
      const { versions, move } = s.schedule;
      p.check(created.has(`${i}.0`), `study ${i}: no create event of version 1.0`);
      if (versions.length === 1) return p.check(move === null, `study ${i}: a move without an amendment`);
      p.check(amended.has(i) && versions[1]!.version === 'V2.0', `study ${i}: version 2.0 without a protocol V2.0`);
      p.check(created.get(`${i}.1`)! > amended.get(i)!, `study ${i}: version 2.0 before the amendment`);
      // the same anchors give the same targets for every visit both versions have
      const anchors = { consent: '2025-01-01', enrollment: '2025-01-08', first_dose: '2025-01-10' };
      const arm = s.setup.arms[0]!.code;
      const targets = (v: number) =>
        new Map(planVisits(versions[v]!.visits, anchors, arm).visits.map((x) => [x.code, x.targetDate]));
      const [one, two] = [targets(0), targets(1)];
      for (const [code, date] of two) p.check(one.get(code) === date, `study ${i}: ${code} moved by the amendment`);
      p.check(two.size <= one.size, `study ${i}: the amendment added visits`);
      if (move) {
        moves++;
        p.check(
          move.at > created.get(`${i}.1`)! && move.fromDate === new Date(move.at).toISOString().slice(0, 10),
          `study ${i}: move`,
        );
      }
    });
    expect(p.list).toEqual([]);
    expect(amended.size).toBeGreaterThan(10);
    expect(moves).toBeGreaterThan(10);
    // small: one amended study, among the coordinator's first four
    const smallAmended = small.studies.findIndex((s) => s.schedule.versions.length > 1);
    expect(smallAmended).toBeGreaterThanOrEqual(0);
    expect(smallAmended).toBeLessThan(4);
    expect(small.studies[smallAmended]!.schedule.move).not.toBeNull();
  });

  it('times each subject’s follow-up and completion by the schedule (end of treatment, last follow-up)', () => {
    const finals = finalStatuses(large);
    const p = problems();
    let checked = 0;
    for (const x of large.subjects) {
      if (!x.treatmentStartDate || x.withdrawalDate || ['closed', 'terminated'].includes(finals[x.study]!)) continue;
      const { course } = large.studies[x.study]!.schedule;
      const d3 = dayNumber(x.treatmentStartDate);
      const d4 = x.followUpDate ? dayNumber(x.followUpDate) : null;
      const d5 = x.completionDate ? dayNumber(x.completionDate) : null;
      const what = `subject ${x.study}/${x.screeningNumber}`;
      if (course.treatDays !== null && d4 !== null) {
        checked++;
        p.check(
          d4 - d3 - course.treatDays >= 0 && d4 - d3 - course.treatDays <= 2,
          `${what}: follow-up from ${x.followUpDate}`,
        );
      }
      if (course.treatDays !== null && d4 !== null && d5 !== null)
        p.check(
          d5 - d4 - course.followDays >= 0 && d5 - d4 - course.followDays <= 3,
          `${what}: completed ${x.completionDate}`,
        );
    }
    expect(p.list).toEqual([]);
    expect(checked).toBeGreaterThan(5000);
  });

  it('loads the official holidays once, after they were published, before today', () => {
    const loads = large.events.filter((e) => e.kind === 'holidayList.load');
    expect(loads).toHaveLength(1);
    expect(new Date(loads[0]!.at).toISOString().slice(0, 10) < DEMO_BASE_DATE).toBe(true);
  });
});

/** Problems found while walking many rows, asserted once at the end (an expect per row is slow at 60,000 rows). */
function problems() {
  const list: string[] = [];
  return { list, check: (ok: boolean, what: string) => void (ok || list.length >= 20 || list.push(what)) };
}

function countBy<T, K>(items: readonly T[], key: (t: T) => K): Map<K, number> {
  const out = new Map<K, number>();
  for (const t of items) out.set(key(t), (out.get(key(t)) ?? 0) + 1);
  return out;
}

function finalStatuses(plan: ReturnType<typeof planDemo>): string[] {
  const status = plan.studies.map(() => 'planning');
  for (const e of plan.events) if (e.kind === 'study.status') status[e.study] = e.to;
  return status;
}
