/**
 * The one way the renderer talks to the app: `call(channel, input)`. The desktop preload (`window.trialdesk`) is used when
 * present, the loopback HTTP host otherwise; nothing else in the renderer knows which.
 */
import type { ApiError, ApiResult, ChannelName, InputOf, OutputOf, TrialDeskBridge } from '../../electron/api';

declare global {
  interface Window {
    trialdesk?: TrialDeskBridge;
  }
}

/** A refusal from the server (or the transport), carrying the error envelope to translate and place on fields. */
export class ApiCallError extends Error {
  readonly error: ApiError;
  constructor(error: ApiError) {
    super(error.messageKey);
    this.name = 'ApiCallError';
    this.error = error;
  }
}

const TOKEN_KEY = 'trialdesk.token';

/**
 * Browser mode: the host prints a URL with `?token=`. Keep the token for this tab (it survives reloads) and take it out
 * of the address bar, so it is not left in history or on screen.
 */
function readToken(): string {
  const params = new URLSearchParams(window.location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    params.delete('token');
    const search = params.toString();
    const url = window.location.pathname + (search ? `?${search}` : '') + window.location.hash;
    window.history.replaceState(window.history.state, '', url);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

let token: string | undefined;

async function overHttp(channel: string, payload: unknown): Promise<ApiResult<unknown>> {
  token ??= readToken();
  let res: Response;
  try {
    res = await fetch(`/api/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-trialdesk-token': token },
      body: JSON.stringify(payload),
      credentials: 'same-origin',
    });
  } catch {
    return { ok: false, error: { code: 'internal', messageKey: 'client.offline' } };
  }
  try {
    return (await res.json()) as ApiResult<unknown>;
  } catch {
    return { ok: false, error: { code: 'internal', messageKey: 'errors.internal' } };
  }
}

type Listener = () => void;
const unauthenticatedListeners = new Set<Listener>();

/** Called when a signed-in call is refused because the session ended (logout elsewhere, lock, host restarted). */
export function onUnauthenticated(listener: Listener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

const lockedListeners = new Set<Listener>();

/** Called when a call is refused because the session is locked (idle time on the host, OS lock): show the lock screen. */
export function onLocked(listener: Listener): () => void {
  lockedListeners.add(listener);
  return () => lockedListeners.delete(listener);
}

export async function call<C extends ChannelName>(channel: C, input: InputOf<C>): Promise<OutputOf<C>> {
  const bridge = window.trialdesk;
  let result: ApiResult<unknown>;
  try {
    result = bridge ? await bridge.invoke(channel, input) : await overHttp(channel, input);
  } catch {
    result = { ok: false, error: { code: 'internal', messageKey: 'errors.internal' } };
  }
  if (result.ok) return result.value as OutputOf<C>;
  // auth.* answer `unauthenticated` for wrong credentials: that is a form error, not an ended session
  if (result.error.code === 'unauthenticated' && !channel.startsWith('auth.')) {
    for (const listener of unauthenticatedListeners) listener();
  }
  if (result.error.code === 'locked') for (const listener of lockedListeners) listener();
  throw new ApiCallError(result.error);
}

/** Any thrown value as an API error, so screens handle one shape. */
export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiCallError) return err.error;
  return { code: 'internal', messageKey: 'errors.internal' };
}

/** Subscribes to a push event of the desktop host (browser mode has none yet). */
export function onHostEvent(event: string, listener: (payload: unknown) => void): () => void {
  return window.trialdesk?.on(event, listener) ?? (() => undefined);
}
