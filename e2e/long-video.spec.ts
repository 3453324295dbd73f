/**
 * A one-hour video with a labelled hour of segments: zoom from the whole hour to single frames
 * (Ctrl+wheel, then the + key), scroll with the wheel, play with the playhead followed, and zoom
 * back out with the − key. Checks that it works (frame zoom reached, the DOM holds only what is in
 * view, the filmstrip has pictures at the zoom level, the playhead stays in view) and logs frame
 * times from the Performance API. The timing is reported, not asserted: the CI machine is shared.
 */
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { test, expect } from './support/serve-fixture.js';
import { createProject } from './support/project.js';
import { callApi } from './support/api.js';
import type { Segment } from '../src/store/schema.js';
import type { VideoProbe } from './support/dom.js';

const HOUR = 3600;
const FPS = 25;
const SEGMENTS_PER_CLASS = 300; // 900 segments in all: a labelled hour

function makeHourVideo(dir: string): string {
  const out = join(dir, 'hour.mp4');
  if (existsSync(out)) return out;
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', `testsrc=size=64x36:rate=${FPS}:d=${HOUR}`],
    ...['-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '250', '-movflags', '+faststart'],
    out,
  ]);
  return out;
}

/** In the page: one step per animation frame, each step's work (script, style, layout) timed. */
const DRIVE = `async (steps) => {
  const lanes = document.querySelector('[data-testid="timeline-lanes"]');
  const box = lanes.getBoundingClientRect();
  const work = [];
  const deltas = [];
  let last = performance.now();
  for (const s of steps) {
    await new Promise((r) => requestAnimationFrame(r));
    const t0 = performance.now();
    deltas.push(t0 - last);
    last = t0;
    lanes.dispatchEvent(new WheelEvent('wheel', {
      bubbles: true, cancelable: true, clientX: box.left + box.width * 0.3, clientY: box.top + 10,
      deltaX: s.dx || 0, deltaY: s.dy || 0, ctrlKey: !!s.ctrl,
    }));
    // Svelte applies state in a microtask; then force style and layout, as the frame would.
    await Promise.resolve();
    await Promise.resolve();
    void document.body.offsetHeight;
    work.push(performance.now() - t0);
  }
  return { work, deltas };
}`;

/** Animation-frame intervals over `ms` while the page plays or takes key presses. */
const WATCH = `(ms) => new Promise((done) => {
  const deltas = [];
  let last = performance.now();
  const end = last + ms;
  const tick = (t) => { deltas.push(t - last); last = t; if (t < end) requestAnimationFrame(tick); else done(deltas); };
  requestAnimationFrame(tick);
})`;

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? 0;
}

test('an hour zooms to single frames and scrolls; frame times are logged', async ({ page, serve, request }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  const dir = join(dirname(serve.videoPath), 'long-video');
  mkdirSync(dir, { recursive: true });
  const file = makeHourVideo(dir);

  await page.goto(serve.url);
  await createProject(page, `${serve.projectDir}-hour`, 'One hour');
  await page.getByTestId('video-paths').fill(file);
  await page.getByTestId('add-videos-button').click();
  await expect(page.getByTestId('library-item')).toHaveCount(1);

  // Three classes, each with a segment every 12 s over the hour (saved as another window would).
  const snap = (await callApi(request, serve, 'project.current', {}))!;
  const project = structuredClone(snap.project);
  const videoId = project.videos[0]!.id;
  project.classes = ['walk', 'run', 'jump'].map((name, i) => ({
    id: `c${i}`,
    name,
    color: ['#cc3333', '#33aa33', '#3366cc'][i]!,
  }));
  const segments: Segment[] = [];
  for (let c = 0; c < 3; c++)
    for (let k = 0; k < SEGMENTS_PER_CLASS; k++) {
      const start = k * 12 + c * 4;
      segments.push({
        id: `s${c}-${k}`,
        videoId,
        start,
        end: start + 3,
        classId: `c${c}`,
        captions: [],
        source: 'user',
      });
    }
  project.segments = segments;
  await callApi(request, serve, 'project.save', { project, baseRevision: snap.revision });
  await expect(page.getByTestId('timeline-lane')).toHaveCount(3);
  await expect(page.getByTestId('filmstrip').locator('img').first()).toBeVisible();
  const rendered = (): Promise<number> => page.getByTestId('timeline-segment').count();
  // Segments shown: the blocks in the DOM plus those drawn on the lanes' canvases (too narrow for
  // an element). All 900 at the whole hour, each exactly once.
  const shown = async (): Promise<number> =>
    (await rendered()) +
    (await page
      .getByTestId('timeline-lane')
      .getByTestId('lane-canvas')
      .evaluateAll((els) =>
        els.reduce((n, e) => n + Number((e as unknown as { dataset: { drawn?: string } }).dataset.drawn ?? 0), 0),
      ));
  const fitCount = await rendered();
  expect(await shown()).toBe(3 * SEGMENTS_PER_CLASS);
  expect(fitCount).toBeLessThan(10);
  // A press on a drawn segment selects it (it then becomes a focusable block with handles).
  const lane0 = page.getByTestId('timeline-lane').first();
  const laneBox = (await lane0.boundingBox())!;
  await lane0.click({ position: { x: (1801.5 / HOUR) * laneBox.width, y: laneBox.height / 2 } });
  await expect(page.locator('[data-segment-id="s0-150"]')).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('Escape');

  // Ctrl+wheel from the whole hour towards frames, 40 steps of 100 px.
  const zoomIn = await page.evaluate(
    `(${DRIVE})(${JSON.stringify(Array.from({ length: 45 }, () => ({ dy: -100, ctrl: true })))})`,
  );
  const zoomLevel = async (): Promise<number> =>
    parseFloat((await page.getByTestId('zoom-level').textContent()) ?? '0');
  // The + key the rest of the way: one frame then spans 40 px.
  await page.getByTestId('timeline').focus();
  const keyWatch = page.evaluate(`(${WATCH})(2500)`);
  for (let i = 0; i < 8 && !(await page.getByTestId('zoom-in').isDisabled()); i++) await page.keyboard.press('+');
  const keyDeltas = (await keyWatch) as number[];
  await expect(page.getByTestId('zoom-in')).toBeDisabled();
  // Fully in, a frame spans 40 px (MAX_FRAME_PX): zoom = 40 px × fps × duration / lanes' width.
  const width = await page.getByTestId('timeline-lanes').evaluate((el) => el.clientWidth);
  expect(await zoomLevel()).toBeGreaterThan((40 * FPS * HOUR) / width - 1);

  // Frame level: a tick per frame, a few segments in the DOM of the 900.
  const atFrames = await rendered();
  expect(atFrames).toBeLessThan(10);
  const rulerBefore = await page.locator('.tick-label').first().textContent();

  // Scroll along the hour with the wheel: 120 steps of 400 px.
  const scroll = await page.evaluate(`(${DRIVE})(${JSON.stringify(Array.from({ length: 120 }, () => ({ dx: 400 })))})`);
  await expect.poll(() => page.locator('.tick-label').first().textContent()).not.toBe(rulerBefore);

  // The filmstrip at this zoom shows different pictures per tile, not one stretched overview picture.
  await expect
    .poll(
      async () =>
        new Set(
          await page
            .getByTestId('filmstrip')
            .locator('img')
            .evaluateAll((els) => els.map((e) => (e as unknown as { src: string }).src)),
        ).size,
      { timeout: 20_000 },
    )
    .toBeGreaterThan(3);

  // Play at frame zoom: the view follows the playhead.
  const video = page.getByTestId('player');
  await video.evaluate(async (el) => {
    const v = el as unknown as VideoProbe;
    v.muted = true;
    v.currentTime = 600;
    await v.play();
  });
  const playDeltas = (await page.evaluate(`(${WATCH})(3000)`)) as number[];
  await expect(page.getByTestId('playhead')).toBeVisible();
  await video.evaluate((el) => (el as unknown as { pause(): void }).pause());

  // Back to the whole hour with the − key.
  await page.getByTestId('timeline').focus();
  for (let i = 0; i < 40 && (await zoomLevel()) > 1; i++) await page.keyboard.press('-');
  await expect(page.getByTestId('zoom-level')).toHaveText('1.0×');
  expect(await rendered()).toBe(fitCount);
  expect(await shown()).toBe(3 * SEGMENTS_PER_CLASS);

  const z = zoomIn as { work: number[]; deltas: number[] };
  const s = scroll as { work: number[]; deltas: number[] };
  const work = [...z.work, ...s.work];
  const deltas = [...z.deltas.slice(1), ...s.deltas.slice(1), ...keyDeltas.slice(1), ...playDeltas.slice(1)];
  const figures = {
    stepWorkP95Ms: Number(p95(work).toFixed(1)),
    stepWorkMaxMs: Number(Math.max(...work).toFixed(1)),
    frameIntervalP95Ms: Number(p95(deltas).toFixed(1)),
    zoomStepWorkP95Ms: Number(p95(z.work).toFixed(1)),
    scrollStepWorkP95Ms: Number(p95(s.work).toFixed(1)),
    playIntervalP95Ms: Number(p95(playDeltas.slice(1)).toFixed(1)),
    segmentsInDomAtFit: fitCount,
    segmentsInDomAtFrames: atFrames,
  };
  console.log(`long-video frame times: ${JSON.stringify(figures)}`);
  test.info().annotations.push({ type: 'frame-times', description: JSON.stringify(figures) });
  writeFileSync(join(dir, 'frame-times.json'), JSON.stringify(figures, null, 2));
});
