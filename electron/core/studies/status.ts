import type { StudyStatus } from '../../api/contract';

/**
 * The study life cycle: planning → start-up → enrolling → follow-up → closed. A study may be suspended from start-up,
 * enrolling or follow-up (and resumes where it was), or terminated early from any open state. Closed and terminated are final.
 */
const forward: Record<StudyStatus, StudyStatus[]> = {
  planning: ['startup', 'terminated'],
  startup: ['enrolling', 'suspended', 'terminated'],
  enrolling: ['followup', 'suspended', 'terminated'],
  followup: ['closed', 'suspended', 'terminated'],
  suspended: ['terminated'], // + the status it was suspended from
  closed: [],
  terminated: [],
};

export function nextStudyStatuses(current: StudyStatus, before: StudyStatus | null): StudyStatus[] {
  return current === 'suspended' && before ? [before, ...forward.suspended] : forward[current];
}

/** Statuses that say something went wrong (or resume after it) need the reason written down. */
export function studyStatusNeedsReason(from: StudyStatus, to: StudyStatus): boolean {
  return to === 'suspended' || to === 'terminated' || from === 'suspended';
}
