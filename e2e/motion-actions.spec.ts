/**
 * Actions that are only motion, through the app in serve mode: clips from the motion-task generator
 * (bench/motion-tasks) where a box moves up or down, on a plain or a gradient background. Label four
 * clips a class with the keyboard, train, and predict two clips the model never saw: the top class
 * must be the one the clip shows. The frames of an "up" clip, taken as a set, are those of a "down"
 * clip run backwards, so only the order of motion tells them apart.
 *
 * Also checks the app's side of the CLI's options: the "no action" checkbox, an honest validation
 * headline, and the localisation controls reaching predict.start.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './support/serve-fixture.js';
import { callApi } from './support/api.js';
import { addSegmentByKeys } from './support/labelling.js';
import { createProject } from './support/project.js';
import type { VideoProbe } from './support/dom.js';
import { generateSet } from '../bench/motion-tasks/set.js';
import type { BackgroundKind } from '../bench/motion-tasks/backgrounds.js';
import { openTab } from './support/tabs.js';

type Motion = 'up' | 'down';
const CLASSES: readonly Motion[] = ['up', 'down'];
const DURATION = 3;

interface Clip {
  file: string;
  label: Motion;
}

/**
 * Every up and down clip of one generated set (the task also draws grow and shrink clips, unused),
 * copied under names of our own: uploads of two sets would otherwise clash on clip-000.mp4.
 */
async function motionClips(
  out: string,
  prefix: string,
  seed: number,
  perClass: number,
  background: BackgroundKind,
): Promise<Clip[]> {
  const setDir = join(out, `${prefix}-set`);
  // One shape for every clip: with two per class, the generator's shape cycling could otherwise
  // give each class its own shape, and a model could learn the shape instead of the motion.
  const truth = await generateSet({
    task: 'updown-growshrink',
    perClass,
    seed,
    out: setDir,
    backgrounds: [background],
    shapes: ['box'],
    size: { width: 256, height: 192 },
    fps: 24,
    durationSec: DURATION,
  });
  return truth.clips
    .filter((c): c is typeof c & { label: Motion } => c.label === 'up' || c.label === 'down')
    .map((c, i) => {
      const file = join(out, `${prefix}-${i}.mp4`);
      copyFileSync(join(setDir, c.file), file);
      return { file, label: c.label };
    });
}

const nameOf = (file: string): string => file.slice(file.lastIndexOf('/') + 1);

async function select(page: Page, file: string): Promise<void> {
  const item = page.getByTestId('library-item').filter({ hasText: nameOf(file) });
  await item.locator('button.item').click();
  await expect(item).toHaveClass(/selected/);
}

test('label up / down motion, train, and predict the right class on unseen clips', async ({ page, serve, request }) => {
  test.setTimeout(180_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.setViewportSize({ width: 1400, height: 1000 });

  // Training: two clips a class on each background; unseen: an up clip on the gradient and a down
  // clip on the plain colour, from other seeds.
  const dir = join(dirname(serve.videoPath), 'motion');
  mkdirSync(dir, { recursive: true });
  const train = [
    ...(await motionClips(dir, 'train-a', 101, 2, 'solid')),
    ...(await motionClips(dir, 'train-b', 102, 2, 'linear-gradient')),
  ];
  const unseenUp = (await motionClips(dir, 'new-a', 1101, 1, 'linear-gradient')).find((c) => c.label === 'up')!;
  const unseenDown = (await motionClips(dir, 'new-b', 1102, 1, 'solid')).find((c) => c.label === 'down')!;
  for (const cls of CLASSES) expect(train.filter((c) => c.label === cls)).toHaveLength(4);

  await page.goto(serve.url);
  await createProject(page, `${serve.projectDir}-motion`, 'Motion actions');
  await page.getByTestId('file-chooser').setInputFiles([...train, unseenUp, unseenDown].map((c) => c.file));
  await expect(page.getByTestId('library-item')).toHaveCount(train.length + 2, { timeout: 30_000 });
  for (const [i, name] of CLASSES.entries()) {
    await page.getByTestId('class-name').fill(name);
    await page.getByTestId('add-class').click();
    await expect(page.getByTestId('class-item')).toHaveCount(i + 1);
  }

  // One whole-clip segment per training clip, keyboard only: I, O, class key (1 up, 2 down), Enter.
  const video = page.getByTestId('player');
  const seek = async (t: number): Promise<void> => {
    await expect.poll(() => video.evaluate((el) => (el as unknown as VideoProbe).readyState)).toBeGreaterThanOrEqual(1);
    await video.evaluate((el, time) => void ((el as unknown as VideoProbe).currentTime = time), t);
  };
  for (const clip of train) {
    await select(page, clip.file);
    await addSegmentByKeys(page, seek, 0.05, DURATION - 0.05, String(CLASSES.indexOf(clip.label) + 1));
    await expect(page.getByTestId('timeline-segment')).toHaveCount(1);
  }
  await expect(page.getByTestId('class-count').first()).toHaveText('4');
  await expect(page.getByTestId('class-count').nth(1)).toHaveText('4');

  // Train a GRU on whole 3 s clips (12 frames at the project's 4 fps), "no action" on by default
  // (these clips are labelled end to end, so there is no unlabelled time to learn it from).
  await openTab(page, 'training');
  await expect(page.getByTestId('train-background')).toBeChecked();
  await expect(page.getByTestId('train-background-hint')).toContainText('no action');
  await page.getByTestId('train-head').selectOption('gru');
  await page.getByTestId('train-hidden').fill('32');
  await page.getByTestId('train-epochs').fill('60');
  await page.getByTestId('train-clip').fill('12');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-job')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('train-result')).toBeVisible();

  // The headline is top-1 only when the two validation videos hold both classes; else it says which is missing.
  // The server is shared with the other specs: this spec's training is the newest train job.
  const trainJob = (await callApi(request, serve, 'jobs.list', {})).filter((j) => j.kind === 'train').at(-1)!;
  const summary = (await callApi(request, serve, 'training.result', { jobId: trainJob.jobId }))!;
  expect(summary.classes.map((c) => c.name)).toEqual(['up', 'down']);
  const missing = summary.validation?.missingClasses ?? [];
  if (missing.length > 0) {
    await expect(page.getByTestId('val-not-measured')).toHaveText(
      `Not measured: the validation videos lack ${missing.map((m) => `“${m}”`).join(', ')}`,
    );
    await expect(page.getByTestId('val-top1')).toHaveCount(0);
    await expect(page.getByTestId('val-partial')).toContainText('Partial');
  } else if (summary.validation) {
    await expect(page.getByTestId('val-top1')).toBeVisible();
    await expect(page.getByTestId('val-not-measured')).toHaveCount(0);
  }

  // Predict the unseen clips with the default localisation: the top class is the clip's motion.
  await openTab(page, 'segments');
  const topClass = page.getByTestId('prediction-top-class').first();
  for (const clip of [unseenUp, unseenDown]) {
    await select(page, clip.file);
    await expect(page.getByTestId('localisation-threshold')).toHaveValue('0.5');
    // Half of the model's 12-frame clip at 4 fps.
    await expect(page.getByTestId('localisation-smoothingSec')).toHaveValue('1.5');
    await expect(page.getByTestId('localisation-minDurationSec')).toHaveValue('0');
    await page.getByTestId('predict-button').click();
    await expect(topClass).toBeVisible({ timeout: 60_000 });
    await expect(topClass, `top class of unseen ${clip.label} clip ${nameOf(clip.file)}`).toHaveAttribute(
      'data-class',
      clip.label,
    );
    await expect(page.getByTestId('predicted-segment').first()).toBeVisible();
    // The scores, in the report: how sure the model was, run after run.
    const scores = await page.getByTestId('prediction-top').textContent();
    test.info().annotations.push({ type: `unseen ${clip.label}`, description: scores?.trim() ?? '' });
  }

  // A minimum duration longer than the clip reaches predict.start: the prediction keeps no segment.
  await page.getByTestId('localisation-minDurationSec').fill('10');
  await page.getByTestId('localisation-minDurationSec').press('Enter');
  await expect(page.getByTestId('localisation-reset')).toBeVisible();
  await page.getByTestId('predict-button').click();
  await expect(page.getByTestId('predicted-segment')).toHaveCount(0, { timeout: 60_000 });
  await expect(topClass).toHaveAttribute('data-class', unseenDown.label);
  // A refused value says why and holds the Predict button back; "Defaults" brings the defaults back.
  await page.getByTestId('localisation-threshold').fill('1.5');
  await expect(page.getByTestId('localisation-error')).toHaveText('Threshold: a number between 0 and 1.');
  await expect(page.getByTestId('predict-button')).toBeDisabled();
  await page.getByTestId('localisation-reset').click();
  await expect(page.getByTestId('localisation-error')).toHaveCount(0);
  await expect(page.getByTestId('localisation-minDurationSec')).toHaveValue('0');
  await expect(page.getByTestId('predict-button')).toBeEnabled();

  await expect(page.locator('[data-testid="toast"][data-kind="error"]')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});
