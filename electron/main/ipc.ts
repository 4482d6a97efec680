/**
 * IPC registration: a loop over the contract's channels into the one handler table. Every call first proves it comes
 * from our own content (the sender frame's origin); each window has its own session (who is signed in there).
 */
import { ipcMain, webContents, type WebContents } from 'electron';
import type { AppEvents, EventName, LockCause } from '../api';
import { channelNames } from '../api/contract';
import { lockAll } from '../core/lock/lock';
import { dispatch, type HostContext, type Session } from '../handlers';
import { eventChannel } from '../preload/bridge';
import { APP_ORIGIN, FORBIDDEN_SENDER, isTrustedSender } from './policy';

const sessions = new WeakMap<WebContents, Session>();

export function sessionFor(contents: WebContents): Session {
  let session = sessions.get(contents);
  if (!session) {
    session = { user: null };
    sessions.set(contents, session);
  }
  return session;
}

export function registerIpc(host: HostContext): void {
  // after a restore every window starts again at the sign-in page
  host.signOutAll = () => {
    for (const contents of webContents.getAllWebContents()) {
      const session = sessions.get(contents);
      if (session) session.user = null;
    }
  };
  for (const channel of channelNames) {
    ipcMain.handle(channel, (event, payload: unknown) => {
      const url = event.senderFrame?.url;
      if (!isTrustedSender(url)) {
        console.warn(`[trialdesk] ${channel} refused: sender ${url ?? '(gone)'} is not ${APP_ORIGIN}`);
        return FORBIDDEN_SENDER;
      }
      return dispatch(host, sessionFor(event.sender), channel, payload);
    });
  }
}

/** Pushes an app event to one window's renderer (received through `window.trialdesk.on`). */
export function sendEvent<E extends EventName>(contents: WebContents, name: E, payload: AppEvents[E]): void {
  if (!contents.isDestroyed()) contents.send(eventChannel(name), payload);
}

/**
 * The operating system locked the screen or is suspending: every signed-in window's session locks (core/lock, audited
 * with the cause) and its renderer is told to cover the screen.
 */
export function lockAllSessions(host: HostContext, cause: LockCause): void {
  const open = webContents.getAllWebContents().flatMap((contents) => {
    const session = sessions.get(contents);
    return session ? [{ contents, session }] : [];
  });
  const locked = new Set(
    lockAll(
      { db: host.db, now: host.now ?? (() => new Date()) },
      open.map((o) => o.session),
      cause,
    ),
  );
  for (const { contents, session } of open) if (locked.has(session)) sendEvent(contents, 'session.locked', { cause });
}
