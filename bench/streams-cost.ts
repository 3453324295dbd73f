/**
 * Extraction time of stream combinations against appearance alone, interleaved rounds, medians
 * (the e2e_default_streams_vs_appearance_ratio of bench/pipeline.ts for any combination):
 *
 *   npx tsx bench/streams-cost.ts [--rounds 3] [--streams "motion;motion,object"]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createFeatureEngine } from '../src/features/engines/select.js';
import { extractFeatures } from '../src/features/extract.js';
import { streamsFor } from '../src/features/streams/streams.js';
import { probe } from '../src/video/probe.js';
import { benchVideo, fmt, median } from './util.js';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, streams: { type: 'string', default: 'motion;motion,object' } },
});
const combos = [[], ...values.streams.split(';').map((c) => c.split(','))];
const video = benchVideo('pipeline', 60, 640, 360);
await probe(video);
const engine = await createFeatureEngine();
const seconds: number[][] = combos.map(() => []);
for (let r = 0; r < Number(values.rounds); r++)
  for (const [i, ids] of combos.entries()) {
    const res = await extractFeatures(video, {
      engine,
      fps: 4,
      streams: streamsFor(ids),
      cacheDir: mkdtempSync(join(tmpdir(), 'fw-bench-')),
    });
    seconds[i]!.push(res.seconds);
  }
await engine.dispose();
const base = median(seconds[0]!);
for (const [i, ids] of combos.entries())
  process.stdout.write(
    `${['appearance', ...ids].join('+')}: ${fmt(median(seconds[i]!), 2)} s (${seconds[i]!.map((s) => fmt(s, 2)).join(', ')}) → ${fmt(median(seconds[i]!) / base)}× appearance alone\n`,
  );
