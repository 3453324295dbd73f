/**
 * Evaluation in the app (serve mode): two models trained from the command line on a UCF101-style
 * tree with its testlist; the older one is evaluated on the official test split and its confusion
 * matrix shown as a heat map; the labels of a test video change from the command line, and after a
 * server restart the report is still there (kept in the model folder) and says it is out of date;
 * a second evaluation adds a row to the compare table.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, startServe } from './support/serve-fixture.js';
import { ROOT } from './support/paths.js';
import { makeColorVideo } from './support/video.js';

function framewise(...args: string[]): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/framewise.js'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`framewise ${args.join(' ')}: ${r.stderr}`);
}

async function openProject(page: Page, dir: string): Promise<void> {
  await expect(page.getByTestId('shell')).toHaveAttribute('data-loaded', 'true');
  if (await page.getByTestId('change-project').isVisible()) await page.getByTestId('change-project').click();
  await page.getByTestId('project-dir').fill(dir);
  await page.getByTestId('open-project').click();
  await expect(page.getByTestId('project-name')).toHaveText('Eval');
}

/** The heat map's cells as rows of numbers. */
async function heatMap(page: Page): Promise<number[][]> {
  const rows = page.getByTestId('eval-heatmap').locator('tbody tr');
  const out: number[][] = [];
  for (const row of await rows.all())
    out.push((await row.getByTestId('heat-cell').allTextContents()).map((t) => Number(t)));
  return out;
}

test('evaluate an older model, restart the server, the heat map is still there', async ({ page, serve }) => {
  test.setTimeout(300_000);
  const dir = `${serve.projectDir}-eval`;
  const tree = `${serve.projectDir}-eval-tree/UCF`;
  for (const c of ['blue', 'red']) await mkdir(join(tree, c), { recursive: true });
  for (const [i, s] of [1.6, 1.8, 2.0].entries()) {
    makeColorVideo(join(tree, 'red'), `v_red_g0${i}.mp4`, s, 0.4);
    makeColorVideo(join(tree, 'blue'), `v_blue_g0${i}.mp4`, 0.4, s);
  }
  await writeFile(join(tree, 'testlist01.txt'), 'red/v_red_g02.avi\nblue/v_blue_g02.avi\n');
  framewise('init', dir, '--name', 'Eval');
  framewise('import', dir, tree);
  const train = ['--head', 'gru', '--hidden', '16', '--epochs', '8', '--clip-length', '4', '--background', 'off'];
  framewise('train', dir, ...train, '--split', 'official', '--name', 'older');
  framewise('train', dir, ...train, '--name', 'newer');

  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(serve.url);
  await openProject(page, dir);
  await page.getByTestId('tab-evaluation').click();
  const panel = page.getByTestId('evaluation-panel');
  await panel.scrollIntoViewIfNeeded();
  await expect(page.getByTestId('eval-report')).toHaveCount(0);
  await page.getByTestId('eval-model').selectOption('older');
  await page.getByTestId('eval-split').selectOption('test');
  await page.getByTestId('eval-run').click();
  await expect(page.getByTestId('eval-report')).toHaveAttribute('data-model', 'older', { timeout: 120_000 });
  await expect(page.getByTestId('eval-report')).toContainText('on 2 video(s), 2 segment(s) (test)');
  // One test video per class: each row of the matrix (the true class) holds exactly one clip.
  const before = await heatMap(page);
  expect(before.map((r) => r.reduce((a, b) => a + b, 0))).toEqual([1, 1]);
  const diag = before[0]![0]! + before[1]![1]!;
  await expect(page.getByTestId('eval-top1')).toHaveText(`${(diag / 2) * 100} %`);
  await expect(page.getByTestId('eval-map')).toContainText('mAP @ tIoU 0.3:');
  const stored = JSON.parse(await readFile(join(dir, 'models', 'older', 'eval.json'), 'utf8')) as {
    confusion: number[][];
  };
  expect(stored.confusion).toEqual(before);

  await expect(page.getByTestId('eval-stale')).toHaveCount(0);
  // The labels of a test video change from the command line while no app is looking: the report
  // that comes back says it is out of date.
  const extra = join(`${serve.projectDir}-eval-tree`, 'extra.csv');
  await writeFile(extra, 'file,start,end,label\nv_red_g02.mp4,0.2,0.9,blue\n');
  framewise('import', dir, extra);

  // A new server process: the report comes back from the model folder, nothing re-evaluated.
  const tmp = await mkdtemp(join(tmpdir(), 'framewise-e2e-restart-'));
  const second = await startServe(tmp);
  try {
    await page.goto(second.url);
    await openProject(page, dir);
    await page.getByTestId('tab-evaluation').click();
    await page.getByTestId('evaluation-panel').scrollIntoViewIfNeeded();
    await expect(page.getByTestId('eval-report')).toHaveAttribute('data-model', 'older');
    expect(await heatMap(page)).toEqual(before);
    await expect(page.getByTestId('eval-heatmap').getByTestId('heat-cell')).toHaveCount(4);
    await expect(page.getByTestId('eval-stale')).toHaveAttribute('data-stale', 'labels');

    // The newer model, on all labelled videos: both are listed for comparison.
    await page.getByTestId('eval-model').selectOption('newer');
    await page.getByTestId('eval-split').selectOption('all');
    await page.getByTestId('eval-run').click();
    await expect(page.getByTestId('eval-report')).toHaveAttribute('data-model', 'newer', { timeout: 120_000 });
    // The segment added from the command line is one of them.
    await expect(page.getByTestId('eval-report')).toContainText('on 6 video(s), 7 segment(s) (all)');
    await expect(page.getByTestId('eval-stale')).toHaveCount(0);
    await expect(page.getByTestId('eval-compare-row')).toHaveCount(2);
  } finally {
    second.child.kill('SIGTERM');
    await rm(tmp, { recursive: true, force: true });
  }
});
