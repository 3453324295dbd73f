/**
 * A UCF-101-sized project (13,320 videos, 101 classes, one labelled segment per video; generated,
 * no video decoding) through serve mode with the real core: open, edit one label, save. The
 * whole-project save is larger than the general 1 MiB body limit, so it checks the save limit, and
 * it prints the times (docs/reliability.md quotes them).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerHandle } from '../../src/serve/server.js';
import { createCoreServices } from '../../src/services/core-services.js';
import type { ProjectSnapshot } from '../../src/services/contract.js';
import { loadProject } from '../../src/store/project-store.js';
import { newProject, type Project } from '../../src/store/schema.js';
import { raw } from './helpers.js';

const TOKEN = 'u'.repeat(64);
const VIDEOS = 13_320;
const CLASSES = 101;

let dir: string;
let root: string;
let server: ServerHandle;

function ucfSized(): Project {
  const p = newProject('UCF-101 sized');
  const hex = (n: number, len: number) => n.toString(16).padStart(len, '0');
  for (let c = 0; c < CLASSES; c++)
    p.classes.push({ id: `cls_${hex(c, 12)}`, name: `Class${c}`, color: `#${hex((c * 2654435761) % 0xffffff, 6)}` });
  for (let i = 0; i < VIDEOS; i++) {
    const c = i % CLASSES;
    const id = `vid_${hex(i, 12)}`;
    p.videos.push({
      id,
      path: `videos/Class${c}/v_Class${c}_g${String((i % 25) + 1).padStart(2, '0')}_c${String(i % 7).padStart(2, '0')}.avi`,
      contentHash: hex(i * 7919, 64),
      durationSec: 7.21,
      fps: 25,
      width: 320,
      height: 240,
      codec: 'mpeg4',
      container: 'avi',
      pixelFormat: 'yuv420p',
      addedAt: '2026-12-01T10:00:00.000Z',
      split: i % 4 === 0 ? 'test' : 'train',
    });
    p.segments.push({
      id: `seg_${hex(i, 12)}`,
      videoId: id,
      start: 0,
      end: 7.21,
      classId: `cls_${hex(c, 12)}`,
      captions: [],
      source: 'user',
    });
  }
  return p;
}

async function call<T>(
  method: string,
  args: unknown,
): Promise<{ status: number; ms: number; result: T; bytes: number }> {
  const body = JSON.stringify(args);
  const t0 = performance.now();
  const res = await raw(server.port, `/api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body,
  });
  const ms = performance.now() - t0;
  const env = res.json<{ ok: boolean; result: T; error?: { message: string } }>();
  if (!env.ok) throw new Error(`${method}: ${res.status} ${env.error?.message}`);
  return { status: res.status, ms, result: env.result, bytes: Buffer.byteLength(body) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-ucf-scale-'));
  root = join(dir, 'ucf');
  await mkdir(root);
  await writeFile(join(root, 'project.json'), JSON.stringify(ucfSized(), null, 2) + '\n');
  const rendererDir = join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html>');
  server = await startServer({
    token: TOKEN,
    rendererDir,
    services: (emit) => createCoreServices({ transport: 'serve', emit }),
  });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a UCF-101-sized project in serve mode', () => {
  it('opens, saves an edited label (a body well over 1 MiB) and reopens with the edit', async () => {
    const open = await call<ProjectSnapshot>('project.open', { dir: root });
    expect(open.result.project.videos).toHaveLength(VIDEOS);

    const t0 = performance.now();
    const edited = structuredClone(open.result.project);
    const seg = edited.segments[4242]!;
    seg.classId = edited.classes[7]!.id;
    seg.end = 5.5;
    const editMs = performance.now() - t0;

    const save = await call<ProjectSnapshot>('project.save', { project: edited, baseRevision: open.result.revision });
    expect(save.bytes).toBeGreaterThan(4 * 1024 * 1024); // the old 1 MiB limit refused this with 413
    expect(save.result.revision).toBe(open.result.revision + 1);

    const t1 = performance.now();
    const { project } = await loadProject(root);
    const reloadMs = performance.now() - t1;
    expect(project.segments[4242]).toMatchObject({ classId: edited.classes[7]!.id, end: 5.5 });
    expect(
      project.segments.filter((s, i) => s.classId !== `cls_${(i % CLASSES).toString(16).padStart(12, '0')}`),
    ).toHaveLength(1);

    // Other methods keep the small limit.
    const big = await raw(server.port, '/api/project.addVideos', {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ paths: ['x'.repeat(2 * 1024 * 1024)] }),
    });
    expect(big.status).toBe(413);

    const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
    console.log(
      `UCF-101-sized project (${VIDEOS} videos): open ${open.ms.toFixed(0)} ms (response ${mib(Buffer.byteLength(JSON.stringify(open.result)))} MiB), ` +
        `edit ${editMs.toFixed(0)} ms (copy + change), save ${save.ms.toFixed(0)} ms (body ${mib(save.bytes)} MiB), reload from disk ${reloadMs.toFixed(0)} ms`,
    );
    // Generous bounds for a shared 2-core machine; the measured times are printed above.
    expect(open.ms).toBeLessThan(20_000);
    expect(save.ms).toBeLessThan(20_000);
  }, 120_000);
});
