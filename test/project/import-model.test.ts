/**
 * Model import: a model exported (ZIP) from one project opens in a fresh project and predicts the
 * same probabilities there; one trained on other features or other classes is refused, and an
 * existing model is never replaced.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzipEntries } from '../../src/export/zip.js';
import { loadCaptioner, saveCaptioner } from '../../src/captioning/captioner-io.js';
import { CaptionModel } from '../../src/captioning/model.js';
import { Vocabulary } from '../../src/captioning/tokenizer.js';
import { initBackend } from '../../src/models/backend.js';
import { predictVideo } from '../../src/project/predict.js';
import { createCoreServices, type CoreServices } from '../../src/services/core-services.js';
import { loadModel, saveModel, type TrainedModel } from '../../src/training/model-io.js';
import { train } from '../../src/training/train.js';
import { makeTempDir, removeTempDir } from '../fixtures/videos.js';
import { orderTask } from '../training/synthetic.js';
import { cli } from '../cli/spawn-cli.js';

// The features of the default backbone without streams: what a project with streams [] extracts.
const BACKBONE = 'mobilenet_v2_nsfwjs';
const synthetic = orderTask({ videos: 2, segmentsPerVideo: 4, dim: 1280, seed: 5 });
const data = {
  ...synthetic,
  backboneId: BACKBONE,
  videos: synthetic.videos.map((v) => ({ ...v, backboneId: BACKBONE })),
};
let dir: string;
let core: CoreServices;
let model: TrainedModel;
let zipFile: string;

async function freshProject(name: string, classes: string[], streams: string[] = []): Promise<string> {
  const root = join(dir, name);
  const snap = await core.api['project.create']({ dir: root, name });
  const p = structuredClone(snap.project);
  p.classes = classes.map((c, i) => ({ id: `${name}-${i}`, name: c, color: '#123456' }));
  p.settings.streams = streams;
  await core.api['project.save']({ project: p, baseRevision: snap.revision });
  return root;
}

beforeAll(async () => {
  await initBackend('wasm');
  dir = await makeTempDir('fw-import-model-');
  core = createCoreServices({ transport: 'serve', emit: () => undefined });
  const config = { clipLength: 8, batchSize: 8, epochs: 1, seed: 2 };
  model = (await train({ ...config, head: { kind: 'recurrent', cell: 'lstm', hidden: 5 } }, data)).model;
  const source = await freshProject('source', ['A then B', 'B then A']);
  await saveModel(join(source, 'models', 'walk'), model);
  const r = await core.api['export.file']({ kind: 'model', name: 'walk', destPath: dir });
  zipFile = r.path!;
}, 120_000);

afterAll(async () => {
  await core?.dispose();
  await removeTempDir(dir);
});

describe('models.import', () => {
  it('a model ZIP opens in a fresh project, its classes mapped by name, and predicts the same', async () => {
    const root = await freshProject('fresh', [' b then a', 'A then B', 'other']);
    const r = await core.api['models.import']({ path: zipFile });
    expect(r.name).toBe('walk');
    expect(r.addedClasses).toEqual([]);
    expect((await core.api['models.list']({})).map((m) => m.name)).toEqual(['walk']);
    const imported = await loadModel(join(root, 'models', 'walk'), { backboneId: BACKBONE, featureDim: 1280 });
    expect(imported.meta.classes.map((c) => c.id)).toEqual(['fresh-1', 'fresh-0']);
    const video = { ...data.videos[1]!, durationSec: data.videos[1]!.times.length / data.fps };
    const want = await predictVideo(model, video, 'v');
    const got = await predictVideo(imported, video, 'v');
    expect(got.curves.classes.map((c) => c.label)).toEqual(['A then B', 'B then A']);
    const a = want.curves.classes.flatMap((c) => c.probabilities);
    const b = got.curves.classes.flatMap((c) => c.probabilities);
    expect(b.length).toBe(a.length);
    expect(a.length).toBeGreaterThan(0);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBe(a[i]);
    // Predicted segments name the project's own class ids.
    expect(got.segments.every((s) => ['fresh-0', 'fresh-1'].includes(s.classId))).toBe(true);
  });

  it('never replaces a model: the same name again is a CONFLICT, --name imports beside it', async () => {
    await expect(core.api['models.import']({ path: zipFile })).rejects.toMatchObject({ code: 'CONFLICT' });
    const r = await core.api['models.import']({ path: zipFile, name: 'walk-2' });
    expect(r.name).toBe('walk-2');
    const names = await readdir(join(dir, 'fresh', 'models'));
    expect(names.sort()).toEqual(['walk', 'walk-2']);
  });

  it('other feature streams or a missing class: MODEL_MISMATCH, nothing written', async () => {
    await freshProject('motion', ['A then B', 'B then A'], ['motion']);
    await expect(core.api['models.import']({ path: zipFile })).rejects.toMatchObject({
      code: 'MODEL_MISMATCH',
      message: expect.stringMatching(
        /"mobilenet_v2_nsfwjs" 1280-d.*this project extracts "mobilenet_v2_nsfwjs\+motion\d+"/,
      ),
    });
    expect(await readdir(join(dir, 'motion', 'models'))).toEqual([]);

    await freshProject('fewer', ['A then B']);
    await expect(core.api['models.import']({ path: zipFile })).rejects.toMatchObject({
      code: 'MODEL_MISMATCH',
      message: expect.stringMatching(/classes this project does not have: B then A/),
    });
    expect(await readdir(join(dir, 'fewer', 'models'))).toEqual([]);
    const r = await core.api['models.import']({ path: zipFile, addClasses: true });
    expect(r.addedClasses).toEqual(['B then A']);
    expect(r.snapshot.project.classes.map((c) => c.name)).toEqual(['A then B', 'B then A']);
  });

  it('an unzipped folder and a deflated ZIP (zipped again by another tool) import too; junk does not', async () => {
    const unzipped = join(dir, 'unzipped');
    for (const e of unzipEntries(await readFile(zipFile))) {
      await mkdir(join(unzipped, e.name, '..'), { recursive: true });
      await writeFile(join(unzipped, e.name), e.data);
    }
    const root = await freshProject('folders', ['A then B', 'B then A']);
    expect((await core.api['models.import']({ path: unzipped })).name).toBe('walk');
    expect((await core.api['models.import']({ path: join(unzipped, 'walk'), name: 'inner' })).name).toBe('inner');
    let python = true;
    try {
      execFileSync('/usr/bin/python3', ['-c', 'import zipfile']);
    } catch {
      python = false;
    }
    if (python) {
      const deflated = join(dir, 'deflated.zip');
      execFileSync('/usr/bin/python3', [
        '-c',
        'import sys,zipfile,os\nz=zipfile.ZipFile(sys.argv[1],"w",zipfile.ZIP_DEFLATED)\n' +
          'for n in sorted(os.listdir(sys.argv[2])): z.write(os.path.join(sys.argv[2],n),"walk/"+n)\nz.close()',
        deflated,
        join(unzipped, 'walk'),
      ]);
      expect(unzipEntries(await readFile(deflated)).length).toBe(3);
      expect((await core.api['models.import']({ path: deflated, name: 'deflated' })).name).toBe('deflated');
      const m = await loadModel(join(root, 'models', 'deflated'));
      expect(Array.from(m.head.params.get(m.head.params.names()[0]!))).toEqual(
        Array.from(model.head.params.get(model.head.params.names()[0]!)),
      );
    }
    const junk = join(dir, 'junk.zip');
    await writeFile(junk, 'not a zip at all');
    await expect(core.api['models.import']({ path: junk })).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
    await expect(core.api['models.import']({ path: 'relative.zip' })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    expect((await readdir(join(root, 'models'))).sort()).toEqual(
      ['deflated', 'inner', 'walk'].filter((n) => python || n !== 'deflated'),
    );
  });

  it('a captioner ZIP lands in captioners/ with the same weights and vocabulary; other streams refused', async () => {
    const vocab = Vocabulary.build(['a red screen', 'a blue screen']);
    const capModel = CaptionModel.create(
      {
        cell: 'gru',
        inputDim: 1280,
        vocabSize: vocab.tokens.length,
        embedDim: 4,
        encoderHidden: 5,
        decoderHidden: 5,
        dropout: 0,
      },
      2,
    );
    const meta = { ...model.meta, steps: 8, maxLen: 6 };
    const { classes: _classes, clipLength: _clipLength, ...capMeta } = meta;
    await core.api['project.open']({ dir: join(dir, 'source') });
    await saveCaptioner(join(dir, 'source', 'captioners', 'talk'), { model: capModel, vocab, meta: capMeta });
    const zip = (await core.api['export.file']({ kind: 'captioner', name: 'talk', destPath: dir })).path!;
    const root = await freshProject('captions', []);
    const r = await core.api['models.import']({ path: zip });
    expect(r).toMatchObject({ name: 'talk', kind: 'captioner', addedClasses: [] });
    const back = await loadCaptioner(join(root, 'captioners', 'talk'));
    expect([...back.vocab.tokens]).toEqual([...vocab.tokens]);
    for (const n of capModel.params.names())
      expect(Array.from(back.model.params.get(n))).toEqual(Array.from(capModel.params.get(n)));
    expect((await core.api['models.list']({})).map((m) => [m.name, m.kind])).toEqual([['talk', 'captioner']]);
    await expect(core.api['models.import']({ path: zip })).rejects.toMatchObject({ code: 'CONFLICT' });
    await freshProject('captions-motion', [], ['motion']);
    await expect(core.api['models.import']({ path: zip })).rejects.toMatchObject({
      code: 'MODEL_MISMATCH',
      message: expect.stringMatching(/^Captioner "talk" has "mobilenet_v2_nsfwjs" 1280-d features/),
    });
  });

  it('framewise import-model: the CLI imports the ZIP and reports a mismatch with exit code 1', async () => {
    const root = await freshProject('cli', ['A then B', 'B then A']);
    const ok = await cli(['import-model', root, zipFile, '--name', 'from-cli', '--json']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ name: 'from-cli', dir: join(root, 'models', 'from-cli') });
    const other = await freshProject('cli-motion', ['A then B', 'B then A'], ['motion']);
    const bad = await cli(['import-model', other, zipFile]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/this project extracts "mobilenet_v2_nsfwjs\+motion\d+"/);
    expect((await cli(['import-model', root])).code).toBe(2);
  }, 60_000);
});
