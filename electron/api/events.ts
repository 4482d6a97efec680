/** Why a session locked: idle time, the lock button, or the operating system (screen lock, suspend). */
export type LockCause = 'idle' | 'manual' | 'os';

/** Events the main process pushes to the renderer (progress of long jobs, lock). Grows with later issues. */
export interface AppEvents {
  'session.ended': { reason: 'logout' | 'locked' };
  /** this window's session was locked by the host (OS lock or suspend): cover the screen */
  'session.locked': { cause: LockCause };
}
export type EventName = keyof AppEvents;
