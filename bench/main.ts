// `npm run bench`: every figure is a ratio against a peer measured in the same run on this machine.
// Results are printed and written to bench/results.json. `--quick` shortens the runs.
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { benchPipeline } from './pipeline.js';
import { benchTraining } from './training.js';

const quick = process.argv.includes('--quick');
// --only pipeline|training runs one part (results.json then holds only that part).
const only = process.argv[process.argv.indexOf('--only') + 1];
const want = (part: string): boolean => !process.argv.includes('--only') || only === part;
const log = (s: string): void => void process.stdout.write(s + '\n');
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
};

log(
  `Framewise benchmark — ${cpus().length} cores, ${cpus()[0]?.model ?? ''}, node ${process.version}${quick ? ' (quick)' : ''}\n`,
);
if (want('pipeline')) {
  log('== pipeline');
  results['pipeline'] = await benchPipeline(log, { quick });
}
if (want('training')) {
  log('\n== sequence heads');
  results['training'] = await benchTraining(log, { quick });
}

mkdirSync('bench', { recursive: true });
writeFileSync('bench/results.json', JSON.stringify(results, null, 2) + '\n');
log('\nwritten: bench/results.json');
