/**
 * What a page may do besides showing our content: nothing. No navigation away, no new windows, no <webview>, no
 * permissions, no requests to the network (the app is offline; its content comes from app://trialdesk only).
 */
import { app, type Session, type WebContents } from 'electron';
import { isAllowedNavigation } from './policy';

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    console.warn(`[trialdesk] permission request denied: ${permission}`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  // belt and braces under the CSP: nothing leaves the machine, no local file is read by a page
  session.webRequest.onBeforeRequest(
    { urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'file:///*'] },
    (details, callback) => {
      console.warn(`[trialdesk] request blocked: ${details.url}`);
      callback({ cancel: true });
    },
  );
}

function refuseNavigation(kind: string) {
  return (event: { url: string; preventDefault(): void }) => {
    if (isAllowedNavigation(event.url)) return;
    console.warn(`[trialdesk] ${kind} refused: ${event.url}`);
    event.preventDefault();
  };
}

function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', refuseNavigation('navigation'));
  contents.on('will-frame-navigate', refuseNavigation('frame navigation'));
  contents.on('will-redirect', refuseNavigation('redirect'));
  contents.on('will-attach-webview', (event) => {
    console.warn('[trialdesk] <webview> refused');
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    console.warn(`[trialdesk] new window refused: ${url}`);
    return { action: 'deny' };
  });
}

/** Applies to every web contents the app ever creates, before it loads anything. Call before the first window. */
export function hardenAllWebContents(): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
}
