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

/**
 * A read-only second connection on the same file, inside a read transaction: a long export reads one consistent
 * state of the database (WAL snapshot) while the app's own connection goes on writing — a statement left open on the
 * app's connection across the export's awaits would refuse every other call's writes. Close it when done.
 */
export function openSnapshot(main: Database.Database): Database.Database {
  const snapshot = openSqlite(main.name, { readonly: true, fileMustExist: true });
  try {
    snapshot.pragma('busy_timeout = 5000');
    snapshot.exec('BEGIN');
    // the snapshot starts at the first read, not at BEGIN
    snapshot.prepare('SELECT count(*) FROM sqlite_master').get();
    return snapshot;
  } catch (err) {
    snapshot.close();
    throw err;
  }
}
