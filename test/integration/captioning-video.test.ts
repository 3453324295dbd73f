/**
 * Captioning on real (generated) video through the CLI: colour scenes whose captions say what
 * happens in order ("the screen is red then turns blue"). import-captions (MSVD-style JSON) →
 * train-captioner → caption held-out videos as JSON and SRT → corpus BLEU-4 against the truth.
 *
 * Bar: BLEU-4 ≥ 0.7. Every caption has the same template, so a model that only knew the template
 * and guessed colours would score far lower (about 0.2 with one of four colours right per slot, since
 * each 4-gram spans a colour); 0.7 needs most colours and their order right, with room for one miss
 * among the held-out videos.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { makeTempDir, removeTempDir, makeColorSequence } from '../fixtures/videos.js';
import { bleu } from '../../src/captioning/caption-metrics.js';
import { parseSrt } from '../../src/export/subtitles.js';
import { cli } from '../cli/spawn-cli.js';

const COLORS = ['red', 'blue', 'green', 'yellow'];

const sentence = (a: string, b: string): string => `the screen is ${a} then turns ${b}`;

let dir: string;
const train: string[] = [];
const heldOut: { file: string; truth: string }[] = [];
const captions: Record<string, string[]> = {};

beforeAll(async () => {
  dir = await makeTempDir('fw-captions-');
  let n = 0;
  for (const a of COLORS) {
    for (const b of COLORS) {
      if (a === b) continue;
      for (const first of [1.25, 1.75]) {
        const name = `${a}-${b}-${n++}`;
        const file = await makeColorSequence(dir, `${name}.mp4`, {
          colors: [a, b],
          secondsEach: [first, 3 - first],
          fps: 10,
        });
        captions[name] = [sentence(a, b)];
        train.push(file);
      }
    }
  }
  // Held-out videos switch at a time never seen in training.
  for (const [a, b] of [
    ['red', 'green'],
    ['blue', 'yellow'],
    ['green', 'blue'],
    ['yellow', 'red'],
  ] as const) {
    heldOut.push({
      file: await makeColorSequence(dir, `held-${a}-${b}.mp4`, { colors: [a, b], secondsEach: [1.5, 1.5], fps: 10 }),
      truth: sentence(a, b),
    });
  }
  await writeFile(join(dir, 'captions.json'), JSON.stringify(captions));
}, 180_000);

afterAll(async () => {
  await removeTempDir(dir);
});

describe('video captioning on generated video', () => {
  it('learns to say what happens in order, and exports SRT', async () => {
    const project = join(dir, 'project');
    expect((await cli(['init', project])).code).toBe(0);
    expect((await cli(['add', project, ...train])).code).toBe(0);
    const imp = await cli(['import-captions', project, join(dir, 'captions.json'), '--json']);
    expect(imp.code, imp.stderr).toBe(0);
    expect(JSON.parse(imp.stdout)).toMatchObject({ format: 'msvd', added: train.length, unmatched: [] });

    const t0 = performance.now();
    const tr = await cli([
      'train-captioner',
      project,
      '--hidden',
      '64',
      '--embed',
      '32',
      '--steps',
      '12',
      '--epochs',
      '60',
      '--batch',
      '8',
      '--seed',
      '2',
      '--name',
      'c1',
      '--json',
    ]);
    expect(tr.code, tr.stderr).toBe(0);
    const trainSeconds = (performance.now() - t0) / 1000;

    const candidates: { candidate: string; references: string[] }[] = [];
    for (const h of heldOut) {
      const r = await cli(['caption', project, h.file, '--format', 'json', '--window', '3']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { captions: { start: number; end: number; text: string }[] };
      expect(out.captions).toHaveLength(1);
      candidates.push({ candidate: out.captions[0]!.text, references: [h.truth] });
    }
    const score = bleu(candidates);
    console.log(
      `captioner: train ${trainSeconds.toFixed(1)} s (incl. features); held-out BLEU-4 ${score.scores[3]!.toFixed(3)}; ${JSON.stringify(candidates.map((c) => c.candidate))}`,
    );
    expect(score.scores[3]!).toBeGreaterThanOrEqual(0.7);

    const srt = await cli(['caption', project, heldOut[0]!.file, '--format', 'srt', '--window', '1.5']);
    expect(srt.code, srt.stderr).toBe(0);
    const cues = parseSrt(srt.stdout);
    expect(cues.map((c) => [c.start, c.end])).toEqual([
      [0, 1.5],
      [1.5, 3],
    ]);
    expect(basename(heldOut[0]!.file)).toMatch(/held-red-green/);
  }, 400_000);
});
