/**
 * The `window.trialdesk` bridge as plain logic over a minimal IPC surface (no `electron` import: unit-tested without an
 * Electron binary). The preload wires it to `ipcRenderer`; the main process sends events on `eventChannel(name)`.
 */
import type { ApiResult, EventName, TrialDeskBridge } from '../api';
import { channelNames } from '../api/contract';

/**
 * Every event of AppEvents (electron/api/events.ts), as a value. Typed as a record over EventName so that a new event
 * in the contract fails the type check here until it is listed.
 */
const EVENTS: Record<EventName, true> = { 'session.ended': true, 'session.locked': true };
export const eventNames = Object.keys(EVENTS) as EventName[];

const CHANNELS: ReadonlySet<string> = new Set(channelNames);
const EVENT_SET: ReadonlySet<string> = new Set(eventNames);

/** The IPC channel the main process pushes an app event on (never one of the invoke channels). */
export function eventChannel(name: EventName): string {
  return `trialdesk:event:${name}`;
}

export function isBridgeChannel(name: unknown): name is string {
  return typeof name === 'string' && CHANNELS.has(name);
}

export function isBridgeEvent(name: unknown): name is EventName {
  return typeof name === 'string' && EVENT_SET.has(name);
}

/** The part of ipcRenderer the bridge needs. */
export interface BridgeIpc {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

export function createBridge(ipc: BridgeIpc): TrialDeskBridge {
  return Object.freeze({
    invoke(channel: string, payload: unknown): Promise<ApiResult<unknown>> {
      if (!isBridgeChannel(channel)) {
        // refused here, as the handler table would refuse it: never sent to the main process
        return Promise.resolve({
          ok: false,
          error: {
            code: 'bad_request',
            messageKey: 'errors.unknownChannel',
            params: { channel: String(channel).slice(0, 100) },
          },
        });
      }
      return ipc.invoke(channel, payload) as Promise<ApiResult<unknown>>;
    },
    on(event: string, listener: (payload: unknown) => void): () => void {
      if (!isBridgeEvent(event)) throw new TypeError(`Unknown TrialDesk event: ${String(event).slice(0, 100)}`);
      if (typeof listener !== 'function') throw new TypeError('listener must be a function');
      const channel = eventChannel(event);
      // the IpcRendererEvent (and through it ipcRenderer) never reaches the page
      const wrapped = (_event: unknown, payload: unknown) => listener(payload);
      ipc.on(channel, wrapped);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipc.removeListener(channel, wrapped);
      };
    },
  });
}
