/**
 * POST /upload: serve mode's way in for dropped files (browsers hide their paths). Streams into the
 * project's videos/ folder under a safe, free name; refuses bad names, oversized bodies, cut-off
 * uploads, missing tokens and requests without an open project, leaving no partial file behind.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerHandle } from '../../src/serve/server.js';
import { uploadFileName } from '../../src/serve/upload.js';
import type { Api } from '../../src/services/contract.js';
import { raw } from './helpers.js';
import { FramewiseError } from '../../src/errors.js';

const TOKEN = 'u'.repeat(32);
let dir: string;
let server: ServerHandle;
let projectOpen = true;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-upload-'));
  const api = {
    // The stub accepts anything that does not say "corrupt" (the real probe is tested elsewhere).
    'video.probe': async ({ path }: { path: string }) => {
      if ((await readFile(path, 'utf8')).includes('corrupt'))
        throw new FramewiseError('CORRUPT_VIDEO', `${path} is not a readable video.`);
      return {};
    },
  } as unknown as Api;
  server = await startServer({
    token: TOKEN,
    rendererDir: dir,
    maxUploadBytes: 1000,
    services: {
      api,
      resolveMedia: () => null,
      projectRoot: () => (projectOpen ? dir : null),
      dispose: async () => undefined,
    },
  });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const auth = { Authorization: `Bearer ${TOKEN}` };
const upload = (name: string, body: Buffer, headers: Record<string, string> = auth) =>
  raw(server.port, `/upload?name=${encodeURIComponent(name)}`, { method: 'POST', headers, body });
const leftovers = async (): Promise<string[]> =>
  (await readdir(join(dir, 'videos')).catch(() => [])).filter((f) => f.startsWith('.'));

describe('uploadFileName', () => {
  it('keeps the base name, strips folders and odd characters, wants a video extension', () => {
    expect(uploadFileName('C:\\fakepath\\My clip.MP4')).toBe('My clip.MP4');
    expect(uploadFileName('../../etc/evil.mkv')).toBe('evil.mkv');
    expect(uploadFileName('a<b>:c.webm')).toBe('a_b__c.webm');
    expect(() => uploadFileName('notes.txt')).toThrow(/video file extension/);
    expect(() => uploadFileName('.hidden.mp4')).toThrow(/usable/);
    expect(() => uploadFileName('')).toThrow(/usable/);
  });
});

describe('POST /upload', () => {
  it('stores the bytes in <project>/videos and picks a free name for a second file', async () => {
    const body = Buffer.from('not really a video, the core probes it later');
    const r1 = await upload('clip.mp4', body);
    expect(r1.status).toBe(200);
    const p1 = r1.json<{ ok: boolean; result: { path: string } }>().result.path;
    expect(p1).toBe(join(dir, 'videos', 'clip.mp4'));
    expect(await readFile(p1)).toEqual(body);
    const r2 = await upload('clip.mp4', Buffer.from('second'));
    expect(r2.json<{ result: { path: string } }>().result.path).toBe(join(dir, 'videos', 'clip (2).mp4'));
    expect(await leftovers()).toEqual([]);
  });

  it('refuses oversized uploads, bad names, no token, wrong method, other origins', async () => {
    const big = await upload('big.mp4', Buffer.alloc(1001));
    expect(big.status).toBe(400);
    expect(big.json().error?.message).toMatch(/upload limit/);
    expect((await upload('x.txt', Buffer.from('x'))).json().error?.code).toBe('NOT_A_VIDEO');
    expect((await upload('x.mp4', Buffer.from('x'), {})).status).toBe(401);
    expect((await raw(server.port, '/upload?name=x.mp4', { method: 'PUT', headers: auth })).status).toBe(405);
    const cross = await upload('x.mp4', Buffer.from('x'), { ...auth, Origin: 'http://evil.example' });
    expect(cross.status).toBe(403);
    expect(await readdir(join(dir, 'videos'))).not.toContain('big.mp4');
    expect(await leftovers()).toEqual([]);
  });

  it('a connection dropped mid-upload leaves no file, partial or final', async () => {
    await new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port: server.port,
        path: '/upload?name=cut.mp4',
        method: 'POST',
        headers: { ...auth, 'Content-Length': '900' },
      });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.write(Buffer.alloc(300));
      setTimeout(() => req.destroy(), 100);
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(await readdir(join(dir, 'videos'))).not.toContain('cut.mp4');
    expect(await leftovers()).toEqual([]);
  });

  it('a file the core cannot read as a video is refused and deleted', async () => {
    const r = await upload('broken.mp4', Buffer.from('corrupt bytes'));
    expect(r.status).toBe(422);
    expect(r.json().error?.code).toBe('CORRUPT_VIDEO');
    expect(await readdir(join(dir, 'videos'))).not.toContain('broken.mp4');
    expect(await leftovers()).toEqual([]);
  });

  it('needs an open project', async () => {
    projectOpen = false;
    try {
      const r = await upload('clip.mp4', Buffer.from('x'));
      expect(r.status).toBe(400);
      expect(r.json().error?.message).toMatch(/Open or create a project/);
    } finally {
      projectOpen = true;
    }
  });
});
