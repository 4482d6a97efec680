import { openDatabase, type OpenedDatabase } from '../../db/open';
import type { CliIo } from './io';

/** Opens (and migrates) the database for a command; says why not on stderr and returns null when it cannot. */
export async function openForCommand(file: string, io: CliIo): Promise<OpenedDatabase | null> {
  try {
    return await openDatabase(file);
  } catch (err) {
    io.err(`Cannot open ${file}: ${(err as Error).message}`);
    return null;
  }
}
