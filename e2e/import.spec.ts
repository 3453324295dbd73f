/**
 * Import in the app (serve mode): a Kinetics CSV chosen as a file (the browser sends its content)
 * onto trimmed `<id>_<start>_<end>` clips, and a UCF101-style class folder tree typed as a path,
 * each previewed first; the timeline then shows the right segments.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, expect } from './support/serve-fixture.js';
import { createProject } from './support/project.js';
import { makeColorVideo, makeTestVideo } from './support/video.js';

test('import a Kinetics CSV and a UCF101-style folder tree, previewed first', async ({ page, serve }) => {
  const dir = `${serve.projectDir}-import`;
  const clips = `${serve.projectDir}-kinetics`;
  const ucf = `${serve.projectDir}-ucf/UCF101`;
  await mkdir(clips, { recursive: true });
  makeTestVideo(clips, 'abc_30_40.mp4');
  makeColorVideo(clips, 'xyz_000005_000015.mp4', 1, 1);
  for (const c of ['Punch', 'Walk']) await mkdir(join(ucf, c), { recursive: true });
  makeColorVideo(join(ucf, 'Punch'), 'v_Punch_g01_c01.mp4', 3, 1);
  makeColorVideo(join(ucf, 'Walk'), 'v_Walk_g01_c01.mp4', 2, 1);
  await writeFile(join(ucf, '..', 'testlist01.txt'), 'Walk/v_Walk_g01_c01.avi\n');

  await page.goto(serve.url);
  await createProject(page, dir, 'Import');
  await page.getByTestId('video-paths').fill(clips);
  await page.getByTestId('add-videos-button').click();
  await expect(page.getByTestId('library-item')).toHaveCount(2);

  // Kinetics: times in the source video (31–33 s of abc, 5–15 s of xyz) land on the clips' own times.
  await page.getByTestId('import-toggle').click();
  const csv =
    'label,youtube_id,time_start,time_end,split\nwave,abc,31,33,train\njump,xyz,5,15,train\nrun,gone,0,10,val\n';
  await page
    .getByTestId('import-file')
    .setInputFiles({ name: 'kinetics.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByTestId('import-format')).toHaveText('Kinetics CSV');
  await expect(page.getByTestId('import-count')).toHaveText('2');
  await expect(page.getByTestId('import-warning')).toHaveText([
    '1 row(s) name a video not in the project nor on disk: gone',
  ]);
  await expect(page.getByTestId('import-row')).toHaveText([
    /abc_30_40\.mp4\s*1\.00 s\s*3\.00 s\s*wave/,
    /xyz_000005_000015\.mp4\s*0\.00 s\s*2\.00 s\s*jump/,
  ]);
  // The preview saved nothing.
  await expect(page.getByTestId('class-item')).toHaveCount(0);
  await page.getByTestId('import-apply').click();
  await expect(page.getByTestId('import-done')).toHaveText('Imported 2 segment(s), new classes: wave, jump.');
  await expect(page.getByTestId('class-item')).toHaveCount(2);
  await page.getByTestId('library-item').filter({ hasText: 'abc_30_40' }).locator('button.item').click();
  await expect(page.getByTestId('timeline-segment')).toHaveCount(1);
  await expect(page.getByTestId('timeline-segment')).toHaveAttribute('aria-label', 'wave, 1.00 s to 3.00 s');

  // UCF101 class folders by path: the videos are added, one whole-video segment each, official split kept.
  await page.getByTestId('import-path').fill(ucf);
  await page.getByTestId('import-preview').click();
  await expect(page.getByTestId('import-format')).toHaveText('Class folders (UCF101 / HMDB style)');
  await expect(page.getByTestId('import-report')).toContainText(
    '2 segment(s) to add, 2 new video(s), new classes: Punch, Walk.',
  );
  await expect(page.getByTestId('import-report')).toContainText('Official split: 1 for training, 1 held out as test.');
  await expect(page.getByTestId('library-item')).toHaveCount(2);
  await page.getByTestId('import-apply').click();
  await expect(page.getByTestId('import-done')).toHaveText(
    'Imported 2 segment(s), 2 new video(s), new classes: Punch, Walk.',
  );
  await expect(page.getByTestId('library-item')).toHaveCount(4);
  await expect(page.getByTestId('class-item')).toHaveCount(4);
  await page.getByTestId('library-item').filter({ hasText: 'v_Walk_g01_c01' }).locator('button.item').click();
  await expect(page.getByTestId('timeline-segment')).toHaveAttribute('aria-label', 'Walk, 0.00 s to 3.00 s');
});
