/**
 * Every better-sqlite3 connection is made here, so that all of them load the same native module: Node's build from
 * node_modules by default, Electron's build (set once at start-up by the desktop host) in the desktop app.
 */
import Database from 'better-sqlite3';

let nativeBinding: string | undefined;

/** Desktop start-up: load better-sqlite3's Electron-ABI build from this path for every later connection. */
export function useNativeBinding(path: string | undefined): void {
  nativeBinding = path;
}

export function openSqlite(file: string, options: Database.Options = {}): Database.Database {
  return new Database(file, nativeBinding ? { ...options, nativeBinding } : options);
}
