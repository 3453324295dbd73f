import { describe, it, expect } from 'vitest';
import { copyFile, mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { ProjectStore, newId } from '../../src/store/project-store.js';
import { importSegments, parseSegmentCsv, scanClassFolders } from '../../src/store/import-segments.js';
import type { ProjectVideo } from '../../src/store/schema.js';
import { toLabelsCsv } from '../../src/export/labels-csv.js';
import { describeVideo } from '../../src/store/video-entry.js';
import { makeVideo } from '../fixtures/videos.js';

/** A 10 s video entry whose content hash is the file's bytes' (so copies share it). */
const fakeProbe = async (file: string): Promise<ProjectVideo> => ({
  id: newId('vid'),
  path: file,
  durationSec: 10,
  contentHash: createHash('sha256')
    .update(await readFile(file))
    .digest('hex'),
  addedAt: new Date().toISOString(),
});

describe('segment import', () => {
  it('parses plain file,start,end,label CSV with or without a header, and LosslessCut start,end,label', () => {
    expect(parseSegmentCsv('a.mp4,1,2.5,wave\nb.mp4,0,3,"run, fast"\n')).toEqual([
      { video: 'a.mp4', start: 1, end: 2.5, label: 'wave' },
      { video: 'b.mp4', start: 0, end: 3, label: 'run, fast' },
    ]);
    expect(parseSegmentCsv('file,start,end,label\na.mp4,1,2,wave\n')).toEqual([
      { video: 'a.mp4', start: 1, end: 2, label: 'wave' },
    ]);
    expect(parseSegmentCsv('0.5,1.5,jump\n', '/v/x.mp4')).toEqual([
      { video: '/v/x.mp4', start: 0.5, end: 1.5, label: 'jump' },
    ]);
    expect(() => parseSegmentCsv('0.5,1.5,jump\n')).toThrow(/file,start,end,label/);
    expect(() => parseSegmentCsv('a.mp4,abc,2,wave\n')).toThrow(/line 1: start "abc"/);
  });

  it("reads Framewise's own labels CSV back: the caption column, caption-only rows, guarded cells", async () => {
    const csv = toLabelsCsv([
      { file: 'a.mp4', start: 1, end: 2, label: 'wave', captions: ['a hand waves, "hi"'] },
      { file: 'a.mp4', start: 3, end: 4, label: '', captions: ['nothing happens'] },
      { file: 'a.mp4', start: 5, end: 6, label: '=sum', captions: ['-then stops'] },
      { file: 'a.mp4', start: 7, end: 8, label: '', captions: [] },
    ]);
    const rows = parseSegmentCsv(csv);
    expect(rows).toEqual([
      { video: 'a.mp4', start: 1, end: 2, label: 'wave', captions: ['a hand waves, "hi"'] },
      { video: 'a.mp4', start: 3, end: 4, label: '', captions: ['nothing happens'] },
      { video: 'a.mp4', start: 5, end: 6, label: '=sum', captions: ['-then stops'] },
      { video: 'a.mp4', start: 7, end: 8, label: '' },
    ]);
    const dir = await mkdtemp(join(tmpdir(), 'fw-import-captions-'));
    await writeFile(join(dir, 'a.mp4'), 'x');
    const store = await ProjectStore.create(join(dir, 'p'), 'p');
    const res = await importSegments(store, rows, fakeProbe, { baseDir: dir });
    expect(res).toMatchObject({ segments: 3, newClasses: ['wave', '=sum'] });
    const names = new Map(store.project.classes.map((c) => [c.id, c.name]));
    expect(
      store.project.segments.map((x) => [x.start, x.classId === null ? null : names.get(x.classId), x.captions]),
    ).toEqual([
      [1, 'wave', ['a hand waves, "hi"']],
      [3, null, ['nothing happens']],
      [5, '=sum', ['-then stops']],
    ]);
  });

  it('parses Kinetics-style CSV by header names', () => {
    const rows = parseSegmentCsv('label,youtube_id,time_start,time_end,split\nabseiling,--07WQ2iBlw,1,11,train\n');
    expect(rows).toEqual([{ video: '--07WQ2iBlw', start: 1, end: 11, label: 'abseiling' }]);
    expect(() => parseSegmentCsv('youtube_id,time_start\nx,1\n')).toThrow(/no label column/);
  });

  it('adds videos, classes and segments in one save; matches Kinetics ids to file names; reports unmatched', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-import-'));
    await writeFile(join(dir, 'a.mp4'), 'x');
    await writeFile(join(dir, '--07WQ2iBlw_000001_000011.mp4'), 'y');
    const store = await ProjectStore.create(join(dir, 'p'), 'p');
    const first = await importSegments(
      store,
      [
        { video: 'a.mp4', start: 1, end: 2, label: 'wave' },
        { video: '--07WQ2iBlw_000001_000011.mp4', label: 'abseiling' },
      ],
      fakeProbe,
      { baseDir: dir },
    );
    expect(first).toMatchObject({ segments: 2, newVideos: 2, newClasses: ['wave', 'abseiling'], unmatched: [] });
    const res = await importSegments(
      store,
      [
        { video: '--07WQ2iBlw', start: 1, end: 11, label: 'abseiling' },
        { video: 'missing', start: 0, end: 1, label: 'wave' },
      ],
      fakeProbe,
      { baseDir: dir },
    );
    expect(res).toMatchObject({ segments: 1, newVideos: 0, newClasses: [], unmatched: ['missing'] });
    const again = await ProjectStore.open(join(dir, 'p'));
    expect(again.project.segments).toHaveLength(3);
    expect(again.project.classes.map((c) => c.name)).toEqual(['wave', 'abseiling']);
    // A row without times covers the whole video.
    const whole = again.project.segments.find((s) => s.start === 0 && s.end === 10);
    expect(whole).toBeDefined();
  });

  it('refuses a segment whose end is before its start, saving nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-import-'));
    await writeFile(join(dir, 'a.mp4'), 'x');
    const store = await ProjectStore.create(join(dir, 'p'), 'p');
    await expect(
      importSegments(store, [{ video: 'a.mp4', start: 3, end: 2, label: 'x' }], fakeProbe, { baseDir: dir }),
    ).rejects.toThrow(/end must be after start/);
    expect((await ProjectStore.open(join(dir, 'p'))).project.videos).toHaveLength(0);
  });

  it('scans UCF101-style class folders and reads the official test list', async () => {
    const root = await mkdtemp(join(tmpdir(), 'fw-ucf-'));
    await mkdir(join(root, 'ApplyEyeMakeup'));
    await mkdir(join(root, 'Archery'));
    await writeFile(join(root, 'ApplyEyeMakeup', 'v_ApplyEyeMakeup_g01_c01.avi'), 'x');
    await writeFile(join(root, 'Archery', 'v_Archery_g01_c01.avi'), 'x');
    await writeFile(join(root, 'Archery', 'readme.txt'), 'x');
    await writeFile(join(root, 'testlist01.txt'), 'Archery/v_Archery_g01_c01.avi\n');
    const { rows, heldOut } = await scanClassFolders(root);
    expect(rows.map((r) => r.label)).toEqual(['ApplyEyeMakeup', 'Archery']);
    expect([...heldOut]).toEqual(['v_Archery_g01_c01.avi']);
  });

  it('makes Kinetics source times relative to a trimmed <id>_<start>_<end> clip, picking the clip by time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-import-'));
    await writeFile(join(dir, 'abc_000030_000040.mp4'), '1');
    await writeFile(join(dir, 'abc_000100_000110.mp4'), '2');
    const store = await ProjectStore.create(join(dir, 'p'), 'p');
    await importSegments(
      store,
      [
        { video: 'abc_000030_000040.mp4', label: 'a' },
        { video: 'abc_000100_000110.mp4', label: 'a' },
      ],
      fakeProbe,
      { baseDir: dir },
    );
    const csv = 'label,youtube_id,time_start,time_end\nb,abc,30,40\nc,abc,100,110\nd,abc,32,35\n';
    const res = await importSegments(store, parseSegmentCsv(csv), fakeProbe, { baseDir: join(dir, 'elsewhere') });
    expect(res).toMatchObject({ segments: 3, newVideos: 0, unmatched: [], ambiguous: [] });
    const name = (videoId: string) =>
      store.project.videos
        .find((v) => v.id === videoId)!
        .path.split('/')
        .pop();
    const byClass = (label: string) => {
      const id = store.project.classes.find((c) => c.name === label)!.id;
      return store.project.segments.filter((s) => s.classId === id).map((s) => [name(s.videoId), s.start, s.end]);
    };
    expect(byClass('b')).toEqual([['abc_000030_000040.mp4', 0, 10]]);
    expect(byClass('c')).toEqual([['abc_000100_000110.mp4', 0, 10]]);
    expect(byClass('d')).toEqual([['abc_000030_000040.mp4', 2, 5]]);
  });

  it('matches clip.mp4 to the project video …/videos/clip.mp4 by file name, then by stem; ambiguous names are reported', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-import-'));
    for (const sub of ['videos', 'other', 'more']) await mkdir(join(dir, sub));
    await writeFile(join(dir, 'videos', 'clip.mp4'), 'c');
    await writeFile(join(dir, 'other', 'twin.mp4'), 't1');
    await writeFile(join(dir, 'more', 'twin.mp4'), 't2');
    const store = await ProjectStore.create(join(dir, 'p'), 'p');
    const rows = ['videos/clip.mp4', 'other/twin.mp4', 'more/twin.mp4'].map((video) => ({ video, label: 'x' }));
    expect((await importSegments(store, rows, fakeProbe, { baseDir: dir })).newVideos).toBe(3);
    // The CSV lives in a folder of its own: clip.mp4 is not beside it.
    const csvDir = join(dir, 'labels');
    const res = await importSegments(
      store,
      parseSegmentCsv('clip.mp4,1,2,wave\nclip,3,4,jump\ntwin.mp4,0,1,wave\nnothing.mp4,0,1,wave\n'),
      fakeProbe,
      { baseDir: csvDir },
    );
    expect(res.segments).toBe(2);
    expect(res.newVideos).toBe(0);
    expect(res.unmatched).toEqual(['nothing.mp4']);
    expect(res.ambiguous).toEqual([
      { video: 'twin.mp4', candidates: [join(dir, 'other', 'twin.mp4'), join(dir, 'more', 'twin.mp4')] },
    ]);
    const clip = store.project.videos.find((v) => v.path.endsWith('clip.mp4'))!;
    expect(
      store.project.segments.filter((s) => s.videoId === clip.id && s.start > 0).map((s) => [s.start, s.end]),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('a copy of a project video (same content, other path) is the same video, not a second one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-import-'));
    await writeFile(join(dir, 'a.mp4'), 'same bytes');
    await copyFile(join(dir, 'a.mp4'), join(dir, 'copy.mp4'));
    const store = await ProjectStore.create(join(dir, 'p'), 'p');
    await importSegments(store, [{ video: 'a.mp4', start: 0, end: 1, label: 'x' }], fakeProbe, { baseDir: dir });
    const res = await importSegments(store, [{ video: 'copy.mp4', start: 2, end: 3, label: 'x' }], fakeProbe, {
      baseDir: dir,
    });
    expect(res).toMatchObject({ newVideos: 0, segments: 1, sameContent: [{ file: join(dir, 'copy.mp4') }] });
    expect(store.project.videos).toHaveLength(1);
    expect(new Set(store.project.segments.map((s) => s.videoId))).toEqual(new Set([store.project.videos[0]!.id]));
  });

  it('uses the UCF101 testlist for the split: listed videos are marked test, the others train', async () => {
    const root = await mkdtemp(join(tmpdir(), 'fw-ucf-'));
    for (const c of ['Archery', 'Bowling']) {
      await mkdir(join(root, c));
      for (const g of ['g01', 'g08']) await writeFile(join(root, c, `v_${c}_${g}_c01.avi`), `${c}${g}`);
    }
    await writeFile(join(root, 'testlist01.txt'), 'Archery/v_Archery_g01_c01.avi\r\nBowling/v_Bowling_g01_c01.avi\r\n');
    const store = await ProjectStore.create(join(root, 'p'), 'p');
    const { rows, heldOut } = await scanClassFolders(root);
    const res = await importSegments(store, rows, fakeProbe, { baseDir: root, heldOut });
    expect(res.split).toEqual({ train: 2, test: 2 });
    const split = Object.fromEntries(store.project.videos.map((v) => [v.path.split('/').pop(), v.split]));
    expect(split).toEqual({
      'v_Archery_g01_c01.avi': 'test',
      'v_Archery_g08_c01.avi': 'train',
      'v_Bowling_g01_c01.avi': 'test',
      'v_Bowling_g08_c01.avi': 'train',
    });
    // It is in the file, so training can use it after a restart.
    expect((await ProjectStore.open(join(root, 'p'))).project.videos.filter((v) => v.split === 'test')).toHaveLength(2);
  });

  it('imported videos carry codec, fps and frame size (probed, like videos added in the app)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-import-'));
    await makeVideo(dir, 'real.mp4', { durationSec: 1, fps: 12, width: 96, height: 64 });
    const store = await ProjectStore.create(join(dir, 'p'), 'p');
    await importSegments(store, [{ video: 'real.mp4', label: 'x' }], (f) => describeVideo(f), { baseDir: dir });
    expect(store.project.videos[0]).toMatchObject({ codec: 'h264', fps: 12, width: 96, height: 64 });
    expect(store.project.videos[0]!.contentHash).toMatch(/^[0-9a-f]{16,}$/);
    expect(store.project.segments[0]!.end).toBeCloseTo(1, 1);
  });
});
