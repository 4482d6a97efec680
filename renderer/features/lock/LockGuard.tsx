/**
 * Auto-lock on the screen: an idle timer (the installation's minutes from app.info) and the lock button call
 * `auth.lock`; a call refused with `locked` (the host's own idle check) or the desktop host's `session.locked` event show
 * the same lock screen. The lock screen COVERS the app without unmounting it, so the same user's unsaved input is still
 * there after unlock; another user's sign-in remounts the app (see App.tsx: the shell is keyed by user) so nothing of
 * the first user's input reaches the second.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { LockCause } from '../../../electron/api';
import { call, onHostEvent, onLocked } from '../../api/client';
import { useSession } from '../../app/session';
import { LockScreen } from './LockScreen';

/** The heartbeat that keeps the host's idle clock in step while the user types or moves the mouse. */
export const HEARTBEAT_MS = 30_000;
const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'input'] as const;

interface LockApi {
  locked: boolean;
  /** lock now (the header's lock item) */
  lock: () => void;
}
const LockContext = createContext<LockApi | null>(null);

export function useLock(): LockApi {
  const value = useContext(LockContext);
  if (!value) throw new Error('useLock outside LockGuard');
  return value;
}

export function LockGuard({ children }: { children: ReactNode }) {
  const { info, user } = useSession();
  const [locked, setLocked] = useState(info.locked);
  const lockedRef = useRef(locked);
  useEffect(() => {
    lockedRef.current = locked;
  }, [locked]);
  const idleMs = info.idleLockMinutes * 60_000;

  const lockNow = useCallback((cause: Exclude<LockCause, 'os'>) => {
    setLocked(true);
    // the screen is covered at once; the host refuses calls from now on (and records the lock)
    call('auth.lock', { cause }).catch(() => undefined);
  }, []);

  // refusals and host events: the session is already locked on the host
  useEffect(() => {
    const offLocked = onLocked(() => setLocked(true));
    const offEvent = onHostEvent('session.locked', () => setLocked(true));
    return () => {
      offLocked();
      offEvent();
    };
  }, []);

  // the idle timer and the activity heartbeat
  useEffect(() => {
    let lastActivity = Date.now();
    let lastBeat = Date.now();
    const activity = () => {
      if (lockedRef.current) return;
      lastActivity = Date.now();
      if (lastActivity - lastBeat >= HEARTBEAT_MS) {
        lastBeat = lastActivity;
        call('auth.activity', {}).catch(() => undefined); // a `locked` answer shows the lock screen (onLocked)
      }
    };
    for (const e of ACTIVITY_EVENTS) window.addEventListener(e, activity, { capture: true, passive: true });
    const timer = window.setInterval(() => {
      if (lockedRef.current) {
        lastActivity = lastBeat = Date.now(); // the clock starts again after unlock
        return;
      }
      if (Date.now() - lastActivity >= idleMs) lockNow('idle');
    }, 1000);
    return () => {
      for (const e of ACTIVITY_EVENTS) window.removeEventListener(e, activity, { capture: true });
      window.clearInterval(timer);
    };
  }, [idleMs, lockNow]);

  const api = useMemo<LockApi>(() => ({ locked, lock: () => lockNow('manual') }), [locked, lockNow]);
  return (
    <LockContext.Provider value={api}>
      {children}
      {locked && user && <LockScreen user={user} onUnlocked={() => setLocked(false)} />}
    </LockContext.Provider>
  );
}
