/**
 * Sandboxed preload (bundled into one CommonJS file by build/bundle-electron.mjs): exposes exactly one object,
 * `window.trialdesk`, that can invoke the contract's channels and subscribe to its events. Nothing else of Electron or
 * Node reaches the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge';

contextBridge.exposeInMainWorld('trialdesk', createBridge(ipcRenderer));
