/**
 * The whole used-by story in serve mode, in Debian's Chromium: import videos through the file
 * chooser, label two classes with the keyboard and write captions, train an LSTM and a captioner,
 * predict on a new video, accept a predicted segment (and undo it), caption the video and see the
 * caption during playback, export SRT and CSV (download) and the model (saved to a typed path),
 * and check the exported files. Screenshots of each stage are saved as artifacts (and, with
 * FRAMEWISE_DOC_SCREENSHOTS=1, into docs/images for the user guide).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './support/serve-fixture.js';
import { callApi } from './support/api.js';
import { addSegmentByKeys } from './support/labelling.js';
import { createProject } from './support/project.js';
import { ARTIFACTS, ROOT } from './support/paths.js';
import { makeColorVideo } from './support/video.js';
import type { VideoProbe } from './support/dom.js';
import { openTab } from './support/tabs.js';
import { generatedFor } from '../src/export/caption-merge.js';

const DOCS_IMAGES = join(ROOT, 'docs', 'images');

/** The caption written on every training segment of a class: the one sentence the captioner can learn for it. */
const CAPTION_OF = { red: 'the screen is red', blue: 'the screen is blue' } as const;
type Color = keyof typeof CAPTION_OF;

interface Span {
  start: number;
  end: number;
}

/** The clip predicted on: red until 2.2 s, then blue until 4 s. */
const FRESH_SWITCH = 2.2;
const FRESH_TRUTH: (Span & { label: Color })[] = [
  { start: 0, end: FRESH_SWITCH, label: 'red' },
  { start: FRESH_SWITCH, end: 4, label: 'blue' },
];

function overlap(a: Span, b: Span): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
}

/** The true action a span of the fresh clip mostly lies in. */
function truthOf(span: Span): Color {
  return FRESH_TRUTH.reduce((best, t) => (overlap(span, t) > overlap(span, best) ? t : best)).label;
}

/** The whole page as a test artifact; for the docs, just `part` (or the window), small JPEGs. */
async function shot(page: Page, name: string, part?: Locator): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  if (process.env['FRAMEWISE_DOC_SCREENSHOTS'] === '1') {
    mkdirSync(DOCS_IMAGES, { recursive: true });
    const opts = { path: join(DOCS_IMAGES, `${name}.jpg`), type: 'jpeg' as const, quality: 60 };
    if (part) await part.screenshot(opts);
    else await page.screenshot(opts);
  }
}

test('import, label, train LSTM + captioner, predict, accept, caption, export', async ({ page, serve, request }) => {
  test.setTimeout(240_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.setViewportSize({ width: 1400, height: 1000 });

  // Four red-then-blue clips with different switch times, and a new one to predict on.
  const dir = join(dirname(serve.videoPath), 'colors');
  mkdirSync(dir, { recursive: true });
  const switches = [1.6, 2.0, 2.4, 1.8];
  const paths = switches.map((s, i) => makeColorVideo(dir, `color${i}.mp4`, s, 4 - s));
  const fresh = makeColorVideo(dir, 'new-clip.mp4', FRESH_SWITCH, 4 - FRESH_SWITCH);

  await page.goto(serve.url);
  const projectDir = `${serve.projectDir}-ltp`;
  await createProject(page, projectDir, 'Label train predict');
  await expect(page.getByTestId('classes-empty')).toBeVisible();

  // Import with the file chooser: the browser uploads them into the project's videos/ folder.
  await page.getByTestId('file-chooser').setInputFiles([...paths, fresh]);
  const items = page.getByTestId('library-item');
  await expect(items).toHaveCount(5, { timeout: 30_000 });

  for (const [i, name] of ['red', 'blue'].entries()) {
    await page.getByTestId('class-name').fill(name);
    await page.getByTestId('add-class').click();
    await expect(page.getByTestId('class-item')).toHaveCount(i + 1);
  }
  await expect(page.getByTestId('hint-segments')).toContainText('red (0/2)');

  // Two segments per training video, keyboard only (I, O, class number, Enter), then a caption each.
  // The blue one starts 0.2 s early, as a person's In often does: a predicted segment starts up to
  // a frame off too, and a captioner that only ever saw one-colour segments called a blue segment
  // that began with one red frame "red" (2 runs in 10 here).
  const video = page.getByTestId('player');
  const seek = async (t: number): Promise<void> => {
    await expect.poll(() => video.evaluate((el) => (el as unknown as VideoProbe).readyState)).toBeGreaterThanOrEqual(1);
    await video.evaluate((el, time) => void ((el as unknown as VideoProbe).currentTime = time), t);
  };
  const itemFor = (name: string) => items.filter({ hasText: name });
  for (const [i, s] of switches.entries()) {
    await itemFor(`color${i}.mp4`).locator('button.item').click();
    await expect(itemFor(`color${i}.mp4`)).toHaveClass(/selected/);
    for (const [k, [start, end]] of [
      [0.1, s - 0.1],
      [s - 0.2, 3.9],
    ].entries()) {
      await addSegmentByKeys(page, seek, start!, end!, k === 0 ? '1' : '2');
      await expect(page.getByTestId('timeline-segment')).toHaveCount(k + 1);
    }
    for (const [k, color] of (['red', 'blue'] as const).entries()) {
      await page.getByTestId('timeline-segment').nth(k).click();
      const caption = page.getByTestId('segment-caption');
      await caption.fill(CAPTION_OF[color]);
      await caption.press('Enter');
      await expect(page.getByTestId('segment-item').nth(k)).toContainText(CAPTION_OF[color]);
    }
  }
  await expect(page.getByTestId('class-count').first()).toHaveText('4');
  await expect(page.getByTestId('class-count').nth(1)).toHaveText('4');
  await expect(page.getByTestId('hint-segments')).toHaveCount(0);
  await page.evaluate('window.scrollTo(0, 0)');
  await shot(page, 'labelling');

  // Undo and redo the last caption edit with the keyboard.
  await page.evaluate('document.activeElement && document.activeElement.blur()');
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('segment-item').nth(1)).not.toContainText(CAPTION_OF.blue);
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByTestId('segment-item').nth(1)).toContainText(CAPTION_OF.blue);

  // Train a small LSTM on 4-frame clips; progress reaches the end, curves and metrics appear.
  await openTab(page, 'training');
  await page.getByTestId('train-head').selectOption('lstm');
  await page.getByTestId('train-hidden').fill('16');
  await page.getByTestId('train-epochs').fill('10');
  await page.getByTestId('train-clip').fill('4');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-job')).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
  await expect(page.getByTestId('train-progress')).toHaveJSProperty('value', 100);
  await expect(page.getByTestId('loss-curve-train')).toHaveAttribute('points', /\d+(\.\d+)?,\d+(\.\d+)? .+/);
  await expect(page.getByTestId('acc-curve')).toBeVisible();
  await expect(page.getByTestId('train-result')).toBeVisible();
  // The report says which input the model was trained on and the probe scores it was chosen by.
  await expect(page.getByTestId('train-input-choice')).toContainText(
    /Input: (absolute|relative) \(validation top-1 [\d.]+ relative vs [\d.]+ absolute/,
  );
  await expect(page.getByTestId('model-list')).toContainText('LSTM 16');
  await shot(page, 'training', page.getByTestId('training-panel'));

  // Train a captioner on the captioned segments.
  await openTab(page, 'captioning');
  // A project of the default streams is told what colour-naming captions need.
  await expect(page.getByTestId('hint-object-stream')).toBeVisible();
  await expect(page.getByTestId('cap-cell')).toHaveValue('gru');
  await page.getByTestId('cap-hidden').fill('64');
  await page.getByTestId('cap-epochs').fill('100');
  await page.getByTestId('cap-train').click();
  await expect(page.getByTestId('cap-job')).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
  await expect(page.getByTestId('cap-result')).toBeVisible();

  // Predict on the new video: predicted segments on their lane, probability curves under it.
  await itemFor('new-clip.mp4').locator('button.item').click();
  await expect(itemFor('new-clip.mp4')).toHaveClass(/selected/);
  await openTab(page, 'segments');
  await page.getByTestId('predict-button').click();
  const predicted = page.getByTestId('predicted-segment');
  await expect(predicted.first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('probability-curves').locator('polyline')).toHaveCount(2);
  const nPredicted = await predicted.count();
  // The model got it right: each true action is mostly covered by a segment of its class, and
  // every predicted segment carries the class of the action it mostly lies in.
  const snap = (await callApi(request, serve, 'project.current', {}))!;
  const freshId = snap.project.videos.find((v) => v.path.endsWith('new-clip.mp4'))!.id;
  const className = new Map(snap.project.classes.map((c) => [c.id, c.name]));
  const predictedSpans = snap.project.segments
    .filter((x) => x.videoId === freshId && x.source === 'prediction')
    .map((x) => ({ start: x.start, end: x.end, label: className.get(x.classId ?? '') }));
  expect(predictedSpans).toHaveLength(nPredicted);
  for (const truth of FRESH_TRUTH) {
    const best = predictedSpans.reduce((a, b) => (overlap(b, truth) > overlap(a, truth) ? b : a));
    expect(best.label, `segment over the true ${truth.label} action`).toBe(truth.label);
    expect(overlap(best, truth)).toBeGreaterThan(0.5 * (truth.end - truth.start));
  }
  for (const x of predictedSpans) expect(x.label, `predicted ${x.start}–${x.end} s`).toBe(truthOf(x));

  // Accept one prediction with the keyboard (A), then undo it (Ctrl+Z).
  await predicted.first().click();
  await page.keyboard.press('a');
  await expect(page.getByTestId('timeline-segment')).toHaveCount(1);
  await expect(predicted).toHaveCount(nPredicted - 1);
  await page.evaluate('document.activeElement && document.activeElement.blur()');
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('timeline-segment')).toHaveCount(0);
  await expect(predicted).toHaveCount(nPredicted);

  // Caption the new video (per predicted segment); the caption shows during playback.
  await openTab(page, 'captioning');
  await page.getByTestId('caption-video').click();
  const texts = page.getByTestId('caption-text');
  await expect(texts.first()).toBeVisible({ timeout: 60_000 });
  // Each caption is the training sentence of the action its span lies in, word for word.
  const generated = (await callApi(request, serve, 'captioning.get', { videoId: freshId }))!.captions;
  expect(generated.length).toBeGreaterThan(0);
  for (const c of generated) expect(c.text, `caption ${c.start}–${c.end} s`).toBe(CAPTION_OF[truthOf(c)]);
  expect(await texts.allTextContents()).toEqual(generated.map((c) => c.text));
  await seek(0.5);
  await expect(page.getByTestId('caption-now')).toHaveText(CAPTION_OF.red);
  await seek(3.5);
  await expect(page.getByTestId('caption-now')).toHaveText(CAPTION_OF.blue);
  await page.evaluate('window.scrollTo(0, 0)');
  await shot(page, 'predictions');

  // Export captions (SRT) and predictions (CSV) as downloads.
  await openTab(page, 'segments');
  await page.getByTestId('export-open').click();
  await expect(page.getByTestId('export-dialog')).toBeVisible();
  await page.getByTestId('export-kind-captions-srt').check();
  const [srtDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
  expect(srtDownload.suggestedFilename()).toBe('new-clip.srt');
  const srt = await readFile(await srtDownload.path(), 'utf8');
  const time = (h: string, m: string, sec: string, ms: string): number =>
    Number(h) * 3600 + Number(m) * 60 + Number(sec) + Number(ms) / 1000;
  const cues = [...srt.matchAll(/(\d\d):(\d\d):(\d\d),(\d{3}) --> (\d\d):(\d\d):(\d\d),(\d{3})\r?\n(.+)/g)].map(
    (m) => ({
      start: time(m[1]!, m[2]!, m[3]!, m[4]!),
      end: time(m[5]!, m[6]!, m[7]!, m[8]!),
      text: m[9]!.trim(),
    }),
  );
  expect(srt).toMatch(/^1\r?\n00:00:\d\d,\d{3} --> /);
  expect(cues.map((c) => c.text)).toEqual(generated.map((c) => c.text));
  for (const c of cues) expect(c.text, `cue ${c.start}–${c.end} s`).toBe(CAPTION_OF[truthOf(c)]);

  await page.getByTestId('export-kind-predictions-csv').check();
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
  expect(csvDownload.suggestedFilename()).toBe('new-clip-predictions.csv');
  const lines = (await readFile(await csvDownload.path(), 'utf8')).trim().split(/\r\n/);
  expect(lines[0]).toBe('video,start,end,label,score,caption');
  expect(lines.length).toBe(nPredicted + 1);
  for (const row of lines.slice(1)) {
    expect(row).toMatch(/^new-clip\.mp4,\d+\.\d{3},\d+\.\d{3},(red|blue),\d\.\d{4},the screen is (red|blue)$/);
    const [, start, end, label, , caption] = row.split(',');
    const truth = truthOf({ start: Number(start), end: Number(end) });
    expect(label, row).toBe(truth);
    expect(caption, row).toBe(CAPTION_OF[truth]);
  }

  // The model, saved where the person typed (serve mode has no native dialog).
  await page.getByTestId('export-kind-model').check();
  await page.getByTestId('export-path').fill(projectDir);
  await page.getByTestId('export-save-path').click();
  await expect(page.getByTestId('export-saved')).toContainText('.zip');
  const saved = (await page.getByTestId('export-saved').textContent())!.replace(/^Saved: /, '').trim();
  expect(dirname(saved)).toBe(projectDir);
  expect(existsSync(saved)).toBe(true);
  await shot(page, 'export', page.getByTestId('export-dialog'));
  await page.getByTestId('export-close').click();

  // The inspector offers each generated caption on its segment: G takes one as it is, another is
  // taken and edited; the SRT then has the taken text and the edit (the person's text wins).
  const freshSegs = (await callApi(request, serve, 'project.current', {}))!.project.segments
    .filter((x) => x.videoId === freshId && x.source === 'prediction')
    .sort((a, b) => a.start - b.start);
  expect(freshSegs.length).toBeGreaterThanOrEqual(2);
  const [firstSeg, lastSeg] = [freshSegs[0]!, freshSegs.at(-1)!];
  const firstText = generatedFor(generated, firstSeg)!.text;
  const lastText = generatedFor(generated, lastSeg)!.text;
  const field = page.getByTestId('inspector-segment-caption');
  await page.locator(`[data-segment-id="${firstSeg.id}"]`).click();
  await expect(page.getByTestId('inspector-suggestion-text')).toHaveText(firstText);
  await expect(field).toHaveAttribute('placeholder', firstText);
  await page.evaluate('document.activeElement && document.activeElement.blur()');
  await page.keyboard.press('g');
  await expect(field).toHaveValue(firstText);
  await expect(page.getByTestId('inspector-caption-suggestion')).toHaveCount(0);
  await page.locator(`[data-segment-id="${lastSeg.id}"]`).click();
  await expect(page.getByTestId('inspector-suggestion-text')).toHaveText(lastText);
  await page.getByTestId('inspector-accept-suggestion').click();
  await expect(field).toHaveValue(lastText);
  const edited = `${lastText}, then it fades`;
  await field.fill(edited);
  await field.press('Enter');
  const captionOfSeg = async (id: string): Promise<string | undefined> =>
    (await callApi(request, serve, 'project.current', {}))!.project.segments.find((x) => x.id === id)?.captions[0];
  await expect.poll(() => captionOfSeg(lastSeg.id)).toBe(edited);
  expect(await captionOfSeg(firstSeg.id)).toBe(firstText);

  await page.getByTestId('export-open').click();
  await page.getByTestId('export-kind-captions-srt').check();
  const [editedDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-download').click(),
  ]);
  const editedSrt = await readFile(await editedDownload.path(), 'utf8');
  const cueTexts = [...editedSrt.matchAll(/ --> .+\r?\n(.+)/g)].map((m) => m[1]!.trim());
  expect(cueTexts).toHaveLength(generated.length);
  expect(cueTexts.at(-1)).toBe(edited);
  expect(cueTexts[0]).toBe(firstText);
  expect(cueTexts.slice(0, -1)).toEqual(generated.slice(0, -1).map((c) => c.text));
  await page.getByTestId('export-close').click();

  await expect(page.locator('[data-testid="toast"][data-kind="error"]')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});
