/**
 * Sharded prediction as a cluster job runs it: N `predict --shard k/N --out-dir` processes at once
 * over one list of videos, then `merge`. The merged document must equal a one-process run, a rerun
 * must skip finished videos, and a damaged output must be redone.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, removeTempDir, makeColorSequence } from '../fixtures/videos.js';
import { validatePredictionsJson, type PredictionsJson } from '../../src/export/predictions.js';
import { cli } from '../cli/spawn-cli.js';

let dir: string;
let project: string;
let list: string;
/** Test video → the colour it shows (its true class). */
const truth = new Map<string, string>();

beforeAll(async () => {
  dir = await makeTempDir('fw-shards-');
  const csv = ['file,start,end,label'];
  const shades: Record<string, string[]> = { red: ['red', '0xf00000'], blue: ['blue', '0x0000f0'] };
  for (const [label, colors] of Object.entries(shades))
    for (const [i, color] of colors.entries()) {
      const f = await makeColorSequence(dir, `train-${label}-${i}.mp4`, { colors: [color], secondsEach: [3], fps: 10 });
      csv.push(`${f},0,3,${label}`);
    }
  await writeFile(join(dir, 'labels.csv'), csv.join('\n') + '\n');
  const tests: string[] = [];
  for (const [i, [label, color]] of [
    ['red', '0xe80000'],
    ['blue', '0x0000e8'],
    ['red', '0xf80808'],
    ['blue', '0x0808f8'],
    ['red', '0xe00000'],
  ].entries()) {
    const f = await makeColorSequence(dir, `test-${i}.mp4`, { colors: [color!], secondsEach: [2], fps: 10 });
    truth.set(f, label!);
    tests.push(f);
  }
  list = join(dir, 'videos.txt');
  await writeFile(list, `# test videos\n${tests.join('\n')}\n`);
  project = join(dir, 'project');
  expect((await cli(['init', project, '--name', 'shards'])).code).toBe(0);
  expect((await cli(['import', project, join(dir, 'labels.csv')])).code).toBe(0);
  const train = await cli(['train', project, '--head', 'mean', '--epochs', '15', '--clip-length', '4', '--name', 'm1']);
  expect(train.code, train.stderr).toBe(0);
}, 240_000);

afterAll(async () => {
  await removeTempDir(dir);
});

const sorted = (doc: PredictionsJson) => [...doc.videos].sort((a, b) => a.video.localeCompare(b.video));
const topLabel = (v: PredictionsJson['videos'][number]): string => {
  const c = v.curves!.classes.map((k) => ({ label: k.label, mean: k.probabilities.reduce((a, b) => a + b, 0) }));
  return c.sort((a, b) => b.mean - a.mean)[0]!.label;
};

describe('sharded predict + merge', () => {
  it('three shards at once, merged, equal one process; reruns skip finished videos', async () => {
    const single = await cli(['predict', project, '--list', list, '--model', 'm1', '--json']);
    expect(single.code, single.stderr).toBe(0);
    const one = validatePredictionsJson(JSON.parse(single.stdout.slice(single.stdout.indexOf('{'))));
    expect(one.videos).toHaveLength(5);
    // The right answer, not only the same answer twice.
    for (const v of one.videos) expect(topLabel(v), v.video).toBe(truth.get(v.video));

    const outDir = join(dir, 'out');
    const shards = await Promise.all(
      [0, 1, 2].map((k) =>
        cli(['predict', project, '--list', list, '--model', 'm1', '--shard', `${k}/3`, '--out-dir', outDir]),
      ),
    );
    for (const s of shards) expect(s.code, s.stderr).toBe(0);
    expect(shards.map((s) => /shard \d\/3: (\d+) video/.exec(s.stdout)?.[1]).map(Number)).toEqual([2, 2, 1]);
    expect((await readdir(outDir)).filter((f) => f.endsWith('.json'))).toHaveLength(5);

    const mergedFile = join(dir, 'merged.json');
    const merge = await cli(['merge', outDir, '--out', mergedFile, '--csv', join(dir, 'merged.csv')]);
    expect(merge.code, merge.stderr).toBe(0);
    const merged = validatePredictionsJson(JSON.parse(await readFile(mergedFile, 'utf8')));
    expect(merged.model).toMatch(/^m1@/);
    expect(sorted(merged)).toEqual(sorted(one));

    // A rerun of a finished shard does nothing; a damaged output is predicted again.
    const again = await cli([
      'predict',
      project,
      '--list',
      list,
      '--model',
      'm1',
      '--shard',
      '0/3',
      '--out-dir',
      outDir,
    ]);
    expect(again.stdout).toMatch(/0 predicted, 2 already done, 0 failed/);
    const [victim] = (await readdir(outDir)).filter((f) => f.endsWith('.json')).sort();
    await writeFile(join(outDir, victim!), '{"format": "framewise-predictions", "vers');
    const shardsAfter = await Promise.all(
      [0, 1, 2].map((k) =>
        cli(['predict', project, '--list', list, '--model', 'm1', '--shard', `${k}/3`, '--out-dir', outDir]),
      ),
    );
    expect(
      shardsAfter
        .map((s) => /(\d+) predicted/.exec(s.stdout)?.[1])
        .map(Number)
        .reduce((a, b) => a + b),
    ).toBe(1);
    const merged2 = await cli(['merge', outDir]);
    expect(sorted(validatePredictionsJson(JSON.parse(merged2.stdout)))).toEqual(sorted(one));
  }, 240_000);

  it('merge refuses outputs of two different models', async () => {
    const train = await cli([
      'train',
      project,
      '--head',
      'mean',
      '--epochs',
      '5',
      '--clip-length',
      '4',
      '--name',
      'm2',
    ]);
    expect(train.code, train.stderr).toBe(0);
    const a = join(dir, 'out-m1');
    const b = join(dir, 'out-m2');
    const [first] = [...truth.keys()];
    expect((await cli(['predict', project, first!, '--model', 'm1', '--out-dir', a])).code).toBe(0);
    expect((await cli(['predict', project, first!, '--model', 'm2', '--out-dir', b])).code).toBe(0);
    const merge = await cli(['merge', a, b]);
    expect(merge.code).not.toBe(0);
    expect(merge.stderr).toMatch(/different models/);
  }, 240_000);
});
