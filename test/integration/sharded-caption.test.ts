/**
 * Sharded captioning as a cluster job runs it: N `caption --shard k/N --out-dir` processes at once
 * over one list of videos write the same per-video files as one process, and a rerun skips them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { saveCaptioner } from '../../src/captioning/captioner-io.js';
import { CaptionModel } from '../../src/captioning/model.js';
import { Vocabulary } from '../../src/captioning/tokenizer.js';
import { ProjectStore } from '../../src/store/project-store.js';
import { makeColorSequence, makeTempDir, removeTempDir } from '../fixtures/videos.js';
import { cli } from '../cli/spawn-cli.js';

let dir: string;
let project: string;
let list: string;

beforeAll(async () => {
  dir = await makeTempDir('fw-caption-shards-');
  const videos: string[] = [];
  for (const [i, color] of ['red', 'blue', 'green', '0x808000'].entries())
    videos.push(await makeColorSequence(dir, `v-${i}.mp4`, { colors: [color], secondsEach: [2], fps: 10 }));
  list = join(dir, 'videos.txt');
  await writeFile(list, videos.join('\n') + '\n');
  project = join(dir, 'project');
  expect((await cli(['init', project, '--name', 'caption-shards'])).code).toBe(0);
  const store = await ProjectStore.open(project);
  await store.update((p) => void (p.settings.streams = []));
  // Untrained weights still map different features to different words: enough to compare runs.
  const vocab = Vocabulary.build(['a red screen', 'a blue screen', 'a green square moves', 'the disc shrinks']);
  const model = CaptionModel.create(
    {
      cell: 'gru',
      inputDim: 1280,
      vocabSize: vocab.tokens.length,
      embedDim: 8,
      encoderHidden: 8,
      decoderHidden: 8,
      dropout: 0,
    },
    4,
  );
  for (const name of model.params.names()) model.params.get(name).forEach((v, i, a) => (a[i] = v * 4));
  model.params.invalidate();
  await saveCaptioner(join(store.paths.captioners, 'cap'), {
    model,
    vocab,
    meta: {
      backboneId: 'mobilenet_v2_nsfwjs',
      featureDim: 1280,
      fps: store.project.settings.fps,
      steps: 8,
      maxLen: 6,
      normalization: { mean: new Array<number>(1280).fill(0.2), std: new Array<number>(1280).fill(0.3) },
      metrics: {},
      createdAt: '2026-01-01T00:00:00.000Z',
    },
  });
}, 120_000);

afterAll(async () => {
  await removeTempDir(dir);
});

async function filesOf(out: string): Promise<Map<string, string>> {
  const names = (await readdir(out)).filter((f) => f.endsWith('.json')).sort();
  return new Map(await Promise.all(names.map(async (n) => [n, await readFile(join(out, n), 'utf8')] as const)));
}

describe('sharded caption', () => {
  it('two shards at once write the same per-video files as one process; a rerun skips them', async () => {
    const one = join(dir, 'one');
    const single = await cli(['caption', project, '--list', list, '--out-dir', one, '--beam', '1']);
    expect(single.code, single.stderr).toBe(0);
    expect(single.stdout).toMatch(/4 captioned, 0 already done/);
    const want = await filesOf(one);
    expect(want.size).toBe(4);
    const texts = [...want.values()].map((t) => JSON.parse(t) as { captioner: string; captions: { text: string }[] });
    expect(texts.every((t) => t.captioner === 'cap@2026-01-01T00:00:00.000Z' && t.captions.length > 0)).toBe(true);

    const sharded = join(dir, 'sharded');
    const runs = await Promise.all(
      [0, 1].map((k) =>
        cli(['caption', project, '--list', list, '--shard', `${k}/2`, '--out-dir', sharded, '--beam', '1']),
      ),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(runs.map((r) => /shard \d\/2: (\d+) video/.exec(r.stdout)?.[1])).toEqual(['2', '2']);
    expect(await filesOf(sharded)).toEqual(want);

    const again = await cli([
      'caption',
      project,
      '--list',
      list,
      '--shard',
      '1/2',
      '--out-dir',
      sharded,
      '--beam',
      '1',
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/0 captioned, 2 already done/);
    const bad = await cli(['caption', project, '--list', list, '--out-dir', sharded, '--format', 'srt']);
    expect(bad.code).toBe(2);
  }, 240_000);
});
