// Extracts features of one video in a fresh process and prints its peak RSS, so each measurement
// starts from the same baseline.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFeatureEngine } from '../src/features/engines/select.js';
import { extractFeatures } from '../src/features/extract.js';

const file = process.argv[2]!;
const engine = await createFeatureEngine();
const t0 = performance.now();
const res = await extractFeatures(file, { engine, fps: 4, cacheDir: mkdtempSync(join(tmpdir(), 'fw-rss-')) });
const seconds = (performance.now() - t0) / 1000;
await engine.dispose();
process.stdout.write(
  JSON.stringify({ frames: res.header.count, seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 }) + '\n',
);
