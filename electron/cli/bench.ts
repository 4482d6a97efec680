/**
 * `npm run bench [-- --quick]`: human lines as it goes, then, as the last line, one JSON object
 * `{"results":[{"name","value","unit","target"?,"better"}, …]}` (see benchmarks.ts).
 */
import { parseArgs } from 'node:util';
import { runBench, resultsLine } from './benchmarks';
import { processIo } from './io';

async function run(): Promise<number> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } }, allowPositionals: false });
  const results = await runBench({ quick: values.quick }, processIo);
  processIo.out(resultsLine(results));
  return 0;
}

run().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
