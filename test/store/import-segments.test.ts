import { describe, it, expect } from 'vitest';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectStore } from '../../src/store/project-store.js';
import { importSegments, parseSegmentCsv, scanClassFolders } from '../../src/store/import-segments.js';

const fakeProbe = async (): Promise<{ durationSec: number }> => ({ durationSec: 10 });

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

  it('parses Kinetics-style CSV by header names', () => {
    const rows = parseSegmentCsv('label,youtube_id,time_start,time_end,split\nabseiling,--07WQ2iBlw,1,11,train\n');
    expect(rows).toEqual([{ video: '--07WQ2iBlw', start: 1, end: 11, label: 'abseiling' }]);
    expect(() => parseSegmentCsv('youtube_id,time_start\nx,1\n')).toThrow(/no label column/);
  });

  it('adds videos, classes and segments in one save; matches Kinetics ids to file names; reports unmatched', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-import-'));
    await writeFile(join(dir, 'a.mp4'), 'x');
    await writeFile(join(dir, '--07WQ2iBlw_000001_000011.mp4'), 'x');
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
});
