/**
 * IPC registration: a loop over the contract's channels into the one handler table. Every call first proves it comes
 * from our own content (the sender frame's origin); each window has its own session (who is signed in there).
 */
import { ipcMain, type WebContents } from 'electron';
import type { AppEvents, EventName } from '../api';
import { channelNames } from '../api/contract';
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
