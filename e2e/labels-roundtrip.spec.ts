/**
 * The person's own labels leave the app and come back unchanged: exported as CSV or as
 * ActivityNet-style JSON from the Export dialog (a download), imported into a new project on the
 * same videos through the Import panel, the segments — files, times, classes, captions (every one
 * of them in JSON; the CSV has a column for one) — are the same.
 */
import { mkdir, readFile } from 'node:fs/promises';
import type { APIRequestContext } from '@playwright/test';
import type { Project } from '../src/store/schema.js';
import { test, expect, type ServeInfo } from './support/serve-fixture.js';
import { callApi } from './support/api.js';
import { createProject } from './support/project.js';
import { openTab } from './support/tabs.js';
import { makeColorVideo } from './support/video.js';

/** Every labelled segment as file name, times, class name and captions, sorted: what must survive. */
async function labelsOf(request: APIRequestContext, serve: ServeInfo): Promise<string[]> {
  const { project } = (await callApi(request, serve, 'project.current', {}))!;
  const classes = new Map(project.classes.map((c) => [c.id, c.name]));
  const files = new Map(project.videos.map((v) => [v.id, v.path.split(/[\\/]/).pop()!]));
  return project.segments
    .map((s) =>
      JSON.stringify([
        files.get(s.videoId),
        s.start.toFixed(3),
        s.end.toFixed(3),
        s.classId === null ? null : classes.get(s.classId),
        s.captions,
      ]),
    )
    .sort();
}

for (const format of ['csv', 'json'] as const)
  test(`labels exported as ${format.toUpperCase()} and imported into a new project give the same segments`, async ({
    page,
    serve,
    request,
  }) => {
    const clips = `${serve.projectDir}-roundtrip-${format}-clips`;
    await mkdir(clips, { recursive: true });
    makeColorVideo(clips, 'walk.mp4', 2, 2);
    makeColorVideo(clips, 'jump, high.mp4', 1.5, 1.5);

    await page.goto(serve.url);
    await createProject(page, `${serve.projectDir}-roundtrip-${format}-a`, 'Round trip A');
    await page.getByTestId('video-paths').fill(clips);
    await page.getByTestId('add-videos-button').click();
    const items = page.getByTestId('library-item');
    await expect(items).toHaveCount(2);

    // Labels as a person leaves them: two classes (one with quotes in its name), captions with commas
    // and quotes, a segment with a caption and no class, and two videos.
    const snap = (await callApi(request, serve, 'project.current', {}))!;
    const project: Project = structuredClone(snap.project);
    const [walk, jump] = ['walk.mp4', 'jump, high.mp4'].map((n) => project.videos.find((v) => v.path.endsWith(n))!.id);
    project.classes.push(
      { id: 'c-wave', name: 'wave', color: '#e6194b' },
      { id: 'c-sit', name: 'sit "down"', color: '#3cb44b' },
    );
    const seg = (
      id: string,
      videoId: string,
      start: number,
      end: number,
      classId: string | null,
      ...captions: string[]
    ) => ({
      id,
      videoId,
      start,
      end,
      classId,
      captions,
      source: 'user' as const,
    });
    project.segments.push(
      seg(
        's1',
        walk!,
        0.25,
        1.5,
        'c-wave',
        'a person waves, twice',
        ...(format === 'json' ? ['someone waves a hand'] : []),
      ),
      seg('s2', walk!, 2, 3.75, 'c-sit', 'she says "sit" and sits'),
      seg('s3', jump!, 0.5, 1.25, 'c-wave'),
      seg('s4', jump!, 1.5, 2.75, null, 'nothing happens here'),
    );
    await callApi(request, serve, 'project.save', { project, baseRevision: snap.revision });
    const before = await labelsOf(request, serve);
    expect(before).toHaveLength(4);

    // Export the labels from the app: the Export dialog's "Labels (CSV)" or "(JSON)", as a download.
    await items.filter({ hasText: 'walk.mp4' }).locator('button.item').click();
    await openTab(page, 'segments');
    await expect(page.getByTestId('timeline-segment')).toHaveCount(2);
    await page.getByTestId('export-open').click();
    await page.getByTestId(`export-kind-labels-${format}`).check();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
    const file = await readFile((await download.path())!, 'utf8');
    if (format === 'csv') expect(file.split('\r\n')[0]).toBe('file,start,end,label,caption');
    else {
      const db = (JSON.parse(file) as { database: Record<string, { annotations: { sentences: string[] }[] }> })
        .database;
      expect(Object.keys(db).sort()).toEqual(['jump, high', 'walk']);
      expect(db['walk']!.annotations[0]!.sentences).toEqual(['a person waves, twice', 'someone waves a hand']);
    }
    await page.getByTestId('export-close').click();

    // A new project on the same videos takes the file back through the Import panel.
    await createProject(page, `${serve.projectDir}-roundtrip-${format}-b`, 'Round trip B');
    await page.getByTestId('video-paths').fill(clips);
    await page.getByTestId('add-videos-button').click();
    await expect(items).toHaveCount(2);
    await page.getByTestId('import-toggle').click();
    await page.getByTestId('import-file').setInputFiles({
      name: `labels.${format}`,
      mimeType: format === 'csv' ? 'text/csv' : 'application/json',
      buffer: Buffer.from(file),
    });
    await expect(page.getByTestId('import-count')).toHaveText('4');
    await expect(page.getByTestId('import-format')).toHaveText(
      format === 'csv' ? 'Segment CSV (file,start,end,label)' : 'Labels JSON (ActivityNet layout)',
    );
    await expect(page.getByTestId('import-warning')).toHaveCount(0);
    await page.getByTestId('import-apply').click();
    await expect(page.getByTestId('import-done')).toContainText('Imported 4 segment(s)');

    expect(await labelsOf(request, serve)).toEqual(before);
  });
