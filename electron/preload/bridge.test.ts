import { describe, expect, it, vi } from 'vitest';
import { channelNames } from '../api/contract';
import { createBridge, eventChannel, eventNames, type BridgeIpc } from './bridge';

function fakeIpc() {
  const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
  const ipc = {
    invoke: vi.fn((channel: string, payload: unknown) => Promise.resolve({ ok: true, value: { channel, payload } })),
    on: vi.fn((channel: string, l: (event: unknown, payload: unknown) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(l);
    }),
    removeListener: vi.fn((channel: string, l: (event: unknown, payload: unknown) => void) => {
      listeners.get(channel)?.delete(l);
    }),
  } satisfies BridgeIpc;
  const emit = (channel: string, payload: unknown) => {
    for (const l of listeners.get(channel) ?? []) l({ sender: 'ipcRenderer itself' }, payload);
  };
  return { ipc, emit, listeners };
}

describe('createBridge', () => {
  it('has exactly invoke and on', () => {
    const bridge = createBridge(fakeIpc().ipc);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('invokes every channel of the contract', async () => {
    const { ipc } = fakeIpc();
    const bridge = createBridge(ipc);
    for (const channel of channelNames) {
      await expect(bridge.invoke(channel, { a: 1 })).resolves.toEqual({
        ok: true,
        value: { channel, payload: { a: 1 } },
      });
    }
    expect(ipc.invoke).toHaveBeenCalledTimes(channelNames.length);
  });

  it('refuses other channels locally, without reaching the main process', async () => {
    const { ipc } = fakeIpc();
    const bridge = createBridge(ipc);
    for (const channel of ['nope', '', 'constructor', '__proto__', 'trialdesk:event:session.ended', 'ELECTRON_x']) {
      await expect(bridge.invoke(channel, {})).resolves.toMatchObject({
        ok: false,
        error: { code: 'bad_request', messageKey: 'errors.unknownChannel' },
      });
    }
    await expect(bridge.invoke(42 as unknown as string, {})).resolves.toMatchObject({ ok: false });
    expect(ipc.invoke).not.toHaveBeenCalled();
  });

  it('subscribes to contract events, passes only the payload, and unsubscribes', () => {
    const { ipc, emit, listeners } = fakeIpc();
    const bridge = createBridge(ipc);
    expect(eventNames).toEqual(['session.ended', 'session.locked']);
    const got: unknown[] = [];
    const off = bridge.on('session.ended', (p) => got.push(p));
    expect(ipc.on).toHaveBeenCalledWith(eventChannel('session.ended'), expect.any(Function));
    emit(eventChannel('session.ended'), { reason: 'locked' });
    expect(got).toEqual([{ reason: 'locked' }]);
    off();
    off();
    expect(ipc.removeListener).toHaveBeenCalledTimes(1);
    expect(listeners.get(eventChannel('session.ended'))?.size).toBe(0);
    emit(eventChannel('session.ended'), { reason: 'logout' });
    expect(got).toHaveLength(1);
  });

  it('refuses unknown events and non-function listeners', () => {
    const bridge = createBridge(fakeIpc().ipc);
    expect(() => bridge.on('app.info', () => {})).toThrow(TypeError);
    expect(() => bridge.on('nope', () => {})).toThrow(/Unknown TrialDesk event/);
    expect(() => bridge.on('session.ended', 'x' as unknown as () => void)).toThrow(TypeError);
  });

  it('keeps event channels apart from invoke channels', () => {
    for (const e of eventNames) expect(channelNames).not.toContain(eventChannel(e));
  });
});
