import { openForCommand } from './open';
import { DemoSeedError, seedDemo } from '../core/demo/seed';
import type { DemoScale } from '../core/demo/plan';
import { EXIT, type CliIo, type ExitCode } from './io';

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** `seed-demo`: deterministic demo data into a database without studies (created if the file does not exist). */
export async function seedDemoCommand(file: string, scale: DemoScale, io: CliIo): Promise<ExitCode> {
  const opened = await openForCommand(file, io);
  if (!opened) return EXIT.failed;
  try {
    if (opened.migrated.length > 0) io.out(`Database ${file} ready (${opened.migrated.join(', ')} applied).`);
    const r = await seedDemo(opened.db, { scale });
    io.out(
      `Seeded demo data (${r.scale}, as of ${r.baseDate}): ${r.studies} studies, ${r.centers} centers, ` +
        `${r.subjects} subjects (${r.consents} consents, ${r.signatures} eligibility signatures), ` +
        `${r.visits} visits, ${r.aes} adverse events (${r.saes} serious, ${r.saeReports} SAE reports, ` +
        `${r.aeSignatures} "AE assessed" signatures), ` +
        `${r.auditEvents} audit events (plan ${seconds(r.ms.plan)}, accounts ${seconds(r.ms.accounts)}, data ${seconds(r.ms.data)}).`,
    );
    if (r.accounts.length > 0) {
      io.out('Demo accounts (demo data only — change or remove before real use):');
      for (const a of r.accounts) io.out(`  ${a.username} / ${a.password}  (${a.role})`);
    } else {
      io.out(
        `The database had accounts already: none created; the demo records are attributed to ${r.actor.username}.`,
      );
    }
    return EXIT.ok;
  } catch (err) {
    if (err instanceof DemoSeedError) {
      io.err(err.message);
      return EXIT.failed;
    }
    throw err;
  } finally {
    opened.close();
  }
}
