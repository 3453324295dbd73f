/**
 * Training options in the app (serve mode): a run with non-default options (2 bidirectional GRU
 * layers, learning rate, batch, no early stopping, balanced weights, seed) is cancelled, the page is
 * reloaded (nothing of the run left in memory), then the run is resumed from its checkpoint: the resumed job starts after the checkpoint's epoch and finishes the
 * epochs asked for, and the saved model has the chosen architecture.
 */
import { readFile } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test, expect } from './support/serve-fixture.js';
import { createProject } from './support/project.js';
import { makeColorVideo } from './support/video.js';

/** The epochs of each training job, from the server's event stream (as the page gets them). */
function collectEpochs(origin: string, token: string): { epochs: Map<string, number[]>; stop: () => void } {
  const epochs = new Map<string, number[]>();
  const ac = new AbortController();
  void (async () => {
    const res = await fetch(`${origin}/events?token=${token}`, { signal: ac.signal });
    const reader = res.body!.getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += new TextDecoder().decode(value);
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        if (!l.startsWith('data: ')) continue;
        const e = JSON.parse(l.slice(6)) as { type: string; jobId?: string; epoch?: { epoch: number } };
        if (e.type === 'training' && e.jobId && e.epoch)
          epochs.set(e.jobId, [...(epochs.get(e.jobId) ?? []), e.epoch.epoch]);
      }
    }
  })().catch(() => undefined);
  return { epochs, stop: () => ac.abort() };
}

test('train with non-default options, cancel, resume', async ({ page, serve }) => {
  test.setTimeout(240_000);
  const dir = `${serve.projectDir}-train-options`;
  const tree = `${serve.projectDir}-train-tree`;
  for (const c of ['red', 'blue']) await mkdir(join(tree, c), { recursive: true });
  for (const [i, s] of [1.6, 1.8, 2.0].entries()) {
    makeColorVideo(join(tree, 'red'), `r${i}.mp4`, s, 0.4);
    makeColorVideo(join(tree, 'blue'), `b${i}.mp4`, 0.4, s);
  }
  const events = collectEpochs(serve.origin, serve.token);

  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(serve.url);
  await createProject(page, dir, 'Training options');
  await page.getByTestId('import-toggle').click();
  await page.getByTestId('import-path').fill(tree);
  await page.getByTestId('import-preview').click();
  await page.getByTestId('import-apply').click();
  await expect(page.getByTestId('library-item')).toHaveCount(6);

  await page.getByTestId('tab-training').click();
  await page.getByTestId('train-head').selectOption('gru');
  await page.getByTestId('train-hidden').fill('16');
  await page.getByTestId('train-epochs').fill('1000');
  await page.getByTestId('train-name').fill('run1');
  await page.getByTestId('train-clip').fill('4');
  await page.getByTestId('train-options').locator('summary').click();
  await page.getByTestId('train-layers').selectOption('2');
  await page.getByTestId('train-bidirectional').check();
  await page.getByTestId('train-lr').fill('0.003');
  await page.getByTestId('train-batch').fill('2');
  await page.getByTestId('train-patience').fill('0');
  await page.getByTestId('train-class-weights').selectOption('balanced');
  await page.getByTestId('train-seed').fill('11');
  await expect(page.getByTestId('train-options').locator('summary')).toHaveText('More options (7 changed)');
  await page.getByTestId('train-start').click();

  // Cancel once a few epochs are checkpointed.
  const status = page.getByTestId('train-status');
  await expect(status).toHaveText('running', { timeout: 90_000 });
  await expect
    .poll(() => Math.max(0, ...[...events.epochs.values()].flat()), { timeout: 90_000 })
    .toBeGreaterThanOrEqual(3);
  await page.getByTestId('train-cancel').click();
  await expect(status).toHaveText('cancelled');
  const first = [...events.epochs.keys()][0]!;
  const checkpoint = JSON.parse(
    await readFile(join(dir, 'models', 'run1', 'run', 'checkpoint', 'meta.json'), 'utf8'),
  ) as { checkpoint: { epoch: number } };
  const reached = checkpoint.checkpoint.epoch + 1; // 0-based in the checkpoint, 1-based in events
  expect(reached).toBeGreaterThanOrEqual(3);

  // The app is closed and opened again: Resume comes from the run's files, not the page's memory,
  // and continues with the options the run was started with.
  await page.reload();
  await page.getByTestId('tab-training').click();
  await expect(page.getByTestId('train-resume')).toHaveAttribute('title', /\(\d+ epochs done, cancelled\)/);

  // Resume to a few more epochs than were reached: it continues, it does not start over.
  const target = reached + 3;
  await page.getByTestId('train-epochs').fill(String(target));
  await expect(page.getByTestId('train-resume')).toHaveText('Resume run1');
  await page.getByTestId('train-resume').click();
  await expect(status).toHaveText('done', { timeout: 120_000 });
  const resumedJob = [...events.epochs.keys()].find((k) => k !== first)!;
  expect(events.epochs.get(resumedJob)).toEqual([reached + 1, reached + 2, reached + 3].slice(0, target - reached));
  events.stop();

  const model = JSON.parse(await readFile(join(dir, 'models', 'run1', 'model.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  expect(JSON.stringify(model)).toMatch(/"layers":2/);
  expect(JSON.stringify(model)).toMatch(/"bidirectional":true/);
});
