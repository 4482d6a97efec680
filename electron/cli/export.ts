import os from 'node:os';
import { openForCommand } from './open';
import { parseInput } from '../core/validation';
import { contract, sdtmDomains, sponsorSheets, type InputOf } from '../api';
import { AppError } from '../core/errors';
import { exportStudyToFile } from '../core/exchange/export';
import { EXIT, type CliIo, type ExitCode } from './io';

export interface ExportArgs {
  protocol: string;
  out: string;
  sdtm: boolean;
  /** changes since the last delivery to this recipient */
  sinceLast: string | null;
  recipient: string | null;
  lang: 'zh-CN' | 'en';
  version: string;
}

/**
 * `export <protocol> <out.xlsx> [--sdtm] [--since-last <recipient>]`: the same export as the screens' (every sheet,
 * every center), streamed to a file and recorded as a delivery. The audit trail names the system user who ran it.
 */
export async function exportCommand(file: string, args: ExportArgs, io: CliIo): Promise<ExitCode> {
  const opened = await openForCommand(file, io);
  if (!opened) return EXIT.failed;
  try {
    const study = opened.db.$client
      .prepare('SELECT id FROM studies WHERE lower(protocol_number) = lower(?)')
      .get(args.protocol.trim()) as { id: number } | undefined;
    if (!study) {
      io.err(`No study with protocol number ${args.protocol}.`);
      return EXIT.failed;
    }
    const who = `cli:${os.userInfo().username}`;
    const payload: InputOf<'exchange.export'> = {
      studyId: study.id,
      kind: args.sdtm ? 'sdtm' : 'sponsor',
      sheets: args.sdtm ? [...sdtmDomains] : [...sponsorSheets],
      lang: args.lang,
      recipient: args.sinceLast ?? args.recipient ?? 'command line',
      changesOnly: args.sinceLast !== null,
      utcOffsetMinutes: -new Date().getTimezoneOffset(),
    };
    const input = parseInput(contract['exchange.export'].input, payload);
    const result = await exportStudyToFile(
      { db: opened.db, actor: { id: null, username: who }, now: () => new Date() },
      input,
      { exportedBy: `${who} (command line)`, version: args.version },
      args.out,
    );
    io.out(
      `Wrote ${args.out}: ${Object.entries(result.rows)
        .map(([sheet, n]) => `${sheet} ${n}`)
        .join(', ')} (delivery ${result.deliveryId}${result.since ? `, changes since ${result.since}` : ''}).`,
    );
    return EXIT.ok;
  } catch (err) {
    if (err instanceof AppError) {
      io.err(`Export refused: ${err.error.messageKey} ${JSON.stringify(err.error.params ?? {})}`);
      return EXIT.failed;
    }
    io.err(`Export failed: ${(err as Error).message}`);
    return EXIT.failed;
  } finally {
    opened.close();
  }
}
