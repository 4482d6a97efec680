/** Events the main process pushes to the renderer (progress of long jobs, lock). Grows with later issues. */
export interface AppEvents {
  'session.ended': { reason: 'logout' | 'locked' };
}
export type EventName = keyof AppEvents;
