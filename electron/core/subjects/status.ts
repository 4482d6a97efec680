/**
 * The subject's path: screening → screen_failed | enrolled → on_treatment → follow_up → completed; any active status →
 * withdrawn. Screen failure and enrollment have their own services (screening outcome, enrollment rules); the others go
 * through changeSubjectStatus. Each status keeps its date in its own column.
 */
import type { SubjectStatus } from '../../api';
import { activeSubjectStatuses } from '../../../db/schema/vocabulary';

export const subjectTransitions: Record<SubjectStatus, readonly SubjectStatus[]> = {
  screening: ['screen_failed', 'enrolled', 'withdrawn'],
  screen_failed: [],
  enrolled: ['on_treatment', 'withdrawn'],
  // a study without follow-up visits completes straight from treatment
  on_treatment: ['follow_up', 'completed', 'withdrawn'],
  follow_up: ['completed', 'withdrawn'],
  completed: [],
  withdrawn: [],
};

/** What subjects.changeStatus may move a subject to now (screen failure and enrollment have their own forms). */
export function nextSubjectStatuses(status: SubjectStatus): SubjectStatus[] {
  return subjectTransitions[status].filter((s) => s !== 'screen_failed' && s !== 'enrolled');
}

export const isActiveSubject = (status: SubjectStatus): boolean =>
  (activeSubjectStatuses as readonly string[]).includes(status);

/** Ever enrolled: counts against the center's target and cap. */
export const ENROLLED_STATUSES = ['enrolled', 'on_treatment', 'follow_up', 'completed', 'withdrawn'] as const;

/** The column holding the date a status was reached. */
export const STATUS_DATE = {
  screening: 'screeningDate',
  screen_failed: 'screenFailureDate',
  enrolled: 'enrollmentDate',
  on_treatment: 'treatmentStartDate',
  follow_up: 'followUpDate',
  completed: 'completionDate',
  withdrawn: 'withdrawalDate',
} as const satisfies Record<SubjectStatus, string>;
