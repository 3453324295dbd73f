/**
 * Model import in the app (serve mode): a GRU trained from the command line in one project is
 * exported as its model ZIP (export.file, as the Export dialog does), then imported into a fresh
 * project through Training → "Import a model…": refused first for the classes the fresh project
 * lacks, imported with "Add the model's classes", listed, and predicting on a new video. A model
 * trained on other feature streams (its folder, unzipped) is refused with the core's sentence.
 */
import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test, expect } from './support/serve-fixture.js';
import { callApi } from './support/api.js';
import { ROOT } from './support/paths.js';
import { createProject } from './support/project.js';
import { openTab } from './support/tabs.js';
import { makeColorVideo } from './support/video.js';

function framewise(...args: string[]): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/framewise.js'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`framewise ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

type Curves = { classes: { label: string; probabilities: number[] }[] };

test('import an exported model into a fresh project, predict with it; other streams are refused', async ({
  page,
  serve,
  request,
}) => {
  test.setTimeout(300_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const base = `${serve.projectDir}-mi`;
  const tree = `${base}-tree/UCF`;
  for (const c of ['blue', 'red']) await mkdir(join(tree, c), { recursive: true });
  for (const [i, s] of [1.6, 2.0].entries()) {
    makeColorVideo(join(tree, 'red'), `v_red_g0${i}.mp4`, s, 0.4);
    makeColorVideo(join(tree, 'blue'), `v_blue_g0${i}.mp4`, 0.4, s);
  }
  const train = ['--head', 'gru', '--hidden', '16', '--epochs', '8', '--clip-length', '4', '--background', 'off'];
  // The source project has the default features (appearance + motion), like the fresh one below.
  const source = `${base}-source`;
  framewise('init', source, '--name', 'Source');
  framewise('import', source, tree);
  framewise('train', source, ...train, '--name', 'walk');
  // Another project on appearance alone: its model's features are not the fresh project's.
  const other = `${base}-other`;
  framewise('init', other, '--name', 'Other', '--streams', 'appearance');
  framewise('import', other, tree);
  framewise('train', other, ...train, '--name', 'flat');

  // The model ZIP, exported by the core as the Export dialog's "Action model (ZIP)".
  const exports = `${base}-exports`;
  await mkdir(exports, { recursive: true });
  await callApi(request, serve, 'project.open', { dir: source });
  const zip = (await callApi(request, serve, 'export.file', { kind: 'model', name: 'walk', destPath: exports })).path!;
  expect(zip).toMatch(/\.zip$/);

  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(serve.url);
  await createProject(page, `${base}-fresh`, 'Imported');
  const clip = makeColorVideo(`${base}-tree`, 'new-clip.mp4', 1.6, 1.6);
  await page.getByTestId('file-chooser').setInputFiles([clip]);
  await expect(page.getByTestId('library-item')).toHaveCount(1, { timeout: 30_000 });

  await openTab(page, 'training');
  await expect(page.getByTestId('model-list')).toHaveCount(0);
  await page.getByTestId('import-model-toggle').click();
  const error = page.getByTestId('import-model-error');

  // The fresh project has no classes yet: refused, saying which.
  await page.getByTestId('import-model-path').fill(zip);
  await page.getByTestId('import-model-apply').click();
  await expect(error).toContainText(/predicts classes this project does not have: (red, blue|blue, red)/);
  await expect(page.getByTestId('model-list')).toHaveCount(0);

  // With "Add the model's classes": imported, listed, its classes in the project.
  await page.getByTestId('import-model-add-classes').check();
  await page.getByTestId('import-model-apply').click();
  await expect(page.getByTestId('import-model-done')).toContainText('Imported model walk; new classes:');
  await expect(error).toHaveCount(0);
  await expect(page.getByTestId('model-list')).toContainText('walk');
  await expect(page.getByTestId('model-list')).toContainText('GRU 16');
  await expect(page.getByTestId('class-item')).toHaveCount(2);

  // A model trained on other streams (its folder, as unzipped): refused, nothing added.
  await page.getByTestId('import-model-path').fill(join(other, 'models', 'flat'));
  await page.getByTestId('import-model-apply').click();
  await expect(error).toContainText(/Model "flat" has "[^"]+" \d+-d features; this project extracts "[^"]+" \d+-d\./);
  await expect(error).toContainText('Set the project’s backbone and feature streams');
  expect((await callApi(request, serve, 'models.list', {})).map((m) => m.name)).toEqual(['walk']);

  // The imported model predicts on the new video, in the classes it brought.
  await page.getByTestId('library-item').locator('button.item').click();
  await openTab(page, 'segments');
  await page.getByTestId('predict-button').click();
  await expect(page.getByTestId('predicted-segment').first()).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('probability-curves').locator('polyline')).toHaveCount(2);
  const snap = (await callApi(request, serve, 'project.current', {}))!;
  const names = new Map(snap.project.classes.map((c) => [c.id, c.name]));
  const predicted = snap.project.segments.filter((s) => s.source === 'prediction');
  expect(predicted.length).toBeGreaterThan(0);
  for (const s of predicted) expect(['red', 'blue']).toContain(names.get(s.classId ?? ''));
  // … with the probabilities the same model gives in the project it was trained in.
  const job = (await callApi(request, serve, 'jobs.list', {})).filter((j) => j.kind === 'predict').at(-1)!;
  const result = await callApi(request, serve, 'jobs.result', { jobId: job.jobId });
  if (result?.kind !== 'predict') throw new Error(`no prediction result: ${JSON.stringify(result)}`);
  expect(result.prediction.modelName).toBe('walk');
  const there = JSON.parse(framewise('predict', source, clip, '--model', 'walk', '--json')) as {
    videos: { curves: Curves }[];
  };
  const want = there.videos[0]!.curves.classes;
  const got = result.prediction.curves.classes;
  expect(got.map((c) => c.label).sort()).toEqual(want.map((c) => c.label).sort());
  let maxDiff = 0;
  for (const w of want) {
    const g = got.find((c) => c.label === w.label)!;
    expect(g.probabilities.length).toBe(w.probabilities.length);
    w.probabilities.forEach((p, i) => (maxDiff = Math.max(maxDiff, Math.abs(p - g.probabilities[i]!))));
  }
  expect(want[0]!.probabilities.length).toBeGreaterThan(0);
  console.log(`imported model vs its home project: max abs probability difference ${maxDiff.toExponential(2)}`);
  expect(maxDiff).toBeLessThanOrEqual(1e-4);
  expect(pageErrors).toEqual([]);
});
