/**
 * Serve-mode security with the real core services behind the server (test/serve/* uses a stub core
 * and already covers: token on every route incl. /events and /media, Host/Origin/Fetch-Metadata,
 * CSP on index.html, the usual ../ and %2e%2e traversals, 413 for bodies over 1 MiB). This file
 * adds: the listening address, more traversal encodings, what /media serves for a real project,
 * that project.save cannot point a video at another file, and the CSP's content.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerHandle } from '../../src/serve/server.js';
import { CSP } from '../../src/serve/security.js';
import { createCoreServices } from '../../src/services/core-services.js';
import type { ProjectSnapshot } from '../../src/services/contract.js';
import { makeTempDir, makeVideo, removeTempDir } from '../fixtures/videos.js';
import { raw } from '../serve/helpers.js';

const TOKEN = 'd'.repeat(64);
let dir: string;
let server: ServerHandle;
let port: number;
let videoId: string;
let snap: ProjectSnapshot;
const auth = { Authorization: `Bearer ${TOKEN}` };

const api = (method: string, args: unknown, headers: Record<string, string> = auth) =>
  raw(port, `/api/${method}`, {
    method: 'POST',
    body: JSON.stringify(args),
    headers: { 'Content-Type': 'application/json', ...headers },
  });

beforeAll(async () => {
  dir = await makeTempDir('fw-security-');
  const rendererDir = join(dir, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Framewise</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), '1');
  await writeFile(join(dir, 'secret.txt'), 'top secret');
  server = await startServer({
    port: 0,
    token: TOKEN,
    rendererDir,
    services: (emit) => createCoreServices({ transport: 'serve', emit }),
  });
  port = server.port;
  const video = await makeVideo(dir, 'clip.mp4');
  expect((await api('project.create', { dir: join(dir, 'project'), name: 'Sec' })).status).toBe(200);
  const added = (await api('project.addVideos', { paths: [video] })).json<{
    ok: boolean;
    result: { snapshot: ProjectSnapshot };
  }>();
  snap = added.result.snapshot;
  videoId = snap.project.videos[0]!.id;
});

afterAll(async () => {
  await server?.close();
  await removeTempDir(dir);
});

describe('listening address', () => {
  it('the socket is bound to 127.0.0.1 only (kernel socket table)', () => {
    // /proc/net/tcp lists LISTEN sockets (state 0A) as hex "ADDR:PORT"; 0100007F is 127.0.0.1.
    const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
    const listening = ['/proc/net/tcp', '/proc/net/tcp6']
      .flatMap((f) => {
        try {
          return readFileSync(f, 'utf8').split('\n').slice(1);
        } catch {
          return [];
        }
      })
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c[1]?.endsWith(`:${hexPort}`) && c[3] === '0A')
      .map((c) => c[1]!.split(':')[0]);
    expect(listening).toEqual(['0100007F']);
  });

  it('connections to the machine’s other addresses are refused', async () => {
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && !i.internal && i.family === 'IPv4')
      .map((i) => i!.address);
    for (const host of others) {
      const result = await new Promise<string>((resolve) => {
        const s = connect({ host, port }, () => {
          s.destroy();
          resolve('connected');
        });
        s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        s.setTimeout(2000, () => {
          s.destroy();
          resolve('timeout');
        });
      });
      expect(result, host).not.toBe('connected');
    }
  });
});

describe('token on every route and method', () => {
  const cases: [string, string][] = [
    ['OPTIONS', '/api/system.info'],
    ['HEAD', '/'],
    ['HEAD', '/events'],
    ['POST', '/events'],
    ['GET', '/events?token='],
    ['HEAD', '/media/x'],
    ['GET', '/media/x?token=%00'],
    ['DELETE', '/api/project.current'],
  ];
  it.each(cases)('%s %s without a valid token → 401 and nothing of the core', async (method, path) => {
    const res = await raw(port, path.replace('/media/x', `/media/${videoId}`), { method });
    expect(res.status).toBe(401);
    expect(res.text).not.toContain('framewise-project');
  });
});

describe('path traversal and files outside the project (real core)', () => {
  it('streams the project video, and only that', async () => {
    const ok = await raw(port, `/media/${videoId}`, { headers: auth });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('video/mp4');
    const attempts = [
      `/media/${encodeURIComponent(join(dir, 'secret.txt'))}`,
      `/media/${encodeURIComponent(join(dir, 'clip.mp4'))}`,
      `/media/${videoId}%2f..%2f..%2fsecret.txt`,
      `/media/${videoId}/../secret.txt`,
      '/media/..%5c..%5csecret.txt',
      '/media/%252e%252e%252fsecret.txt',
      '/media/C:%5cWindows%5cwin.ini',
      '/media/%2fetc%2fpasswd',
      '/media/vid_doesnotexist',
    ];
    for (const p of attempts) {
      const res = await raw(port, p, { headers: auth });
      expect(res.status, p).toBe(404);
      expect(res.text, p).not.toContain('top secret');
    }
  });

  it('refuses absolute paths, backslashes and double encoding on the static route', async () => {
    const attempts = [
      '/%2fetc%2fpasswd',
      `/${encodeURIComponent(join(dir, 'secret.txt'))}`,
      '/..\\secret.txt',
      '/assets\\..\\..\\secret.txt',
      '/%5c..%5c..%5csecret.txt',
      '/assets/%252e%252e/%252e%252e/secret.txt',
      '/assets/.%2e/.%2e/secret.txt',
      '/assets/%c0%ae%c0%ae/secret.txt',
      '/C:%5cWindows%5cwin.ini',
      '/file:%2f%2f%2fetc%2fpasswd',
    ];
    for (const p of attempts) {
      const res = await raw(port, p, { headers: auth });
      expect(res.status, p).toBe(404);
      expect(res.text, p).not.toContain('top secret');
      expect(res.text, p).not.toContain('root:');
    }
  });

  it('a request target in absolute form is read as "/" and cannot reach outside', async () => {
    const res = await raw(port, `http://127.0.0.1:${port}/../secret.txt`, { headers: auth });
    // The server reads only origin-form targets ("/…"); anything else is treated as "/", the app page.
    expect(res.text).not.toContain('top secret');
    expect(res.text).toContain('<title>Framewise</title>');
  });

  it('project.save cannot add a video or repoint one at another file (so /media cannot be aimed anywhere)', async () => {
    const secret = join(dir, 'secret.txt');
    const repointed = {
      ...snap.project,
      videos: snap.project.videos.map((v) => ({ ...v, path: secret })),
    };
    const a = await api('project.save', { project: repointed });
    expect(a.status).toBe(400);
    expect(a.json().error?.message).toMatch(/cannot add videos or change their paths/);
    const added = {
      ...snap.project,
      videos: [...snap.project.videos, { id: 'vid_evil', path: secret, addedAt: new Date().toISOString() }],
    };
    expect((await api('project.save', { project: added })).status).toBe(400);
    for (const id of [videoId, 'vid_evil']) {
      const res = await raw(port, `/media/${id}`, { headers: auth });
      expect(res.text).not.toContain('top secret');
    }
    // A legitimate save (same videos, other fields) still works.
    const renamed = await api('project.save', { project: { ...snap.project, name: 'Renamed' } });
    expect(renamed.status).toBe(200);
  });

  it('project.addVideos refuses a non-video file, so it never becomes servable', async () => {
    const res = (await api('project.addVideos', { paths: [join(dir, 'secret.txt')] })).json<{
      ok: boolean;
      result: { rejected: { code: string }[] };
    }>();
    expect(res.result.rejected.map((r) => r.code)).toEqual(['NOT_A_VIDEO']);
  });

  it('a video removed from the project is no longer served', async () => {
    const video = await makeVideo(dir, 'removable.mp4', { source: 'moving-box' });
    const added = (await api('project.addVideos', { paths: [video] })).json<{
      ok: boolean;
      result: { snapshot: ProjectSnapshot };
    }>();
    const id = added.result.snapshot.project.videos.find((v) => v.path.endsWith('removable.mp4'))!.id;
    expect((await raw(port, `/media/${id}`, { headers: auth })).status).toBe(200);
    expect((await api('project.removeVideo', { videoId: id })).status).toBe(200);
    expect((await raw(port, `/media/${id}`, { headers: auth })).status).toBe(404);
  });
});

describe('headers and limits', () => {
  it('the CSP is strict: self only, no inline/eval script, no objects, no framing', async () => {
    const res = await raw(port, '/', { headers: auth });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toBe(CSP);
    const directives = Object.fromEntries(
      csp.split(';').map((d) => {
        const [k, ...v] = d.trim().split(/\s+/);
        return [k!, v];
      }),
    );
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-eval|\*|http:|https:/);
    for (const r of [res, await raw(port, `/media/${videoId}`, { headers: auth }), await api('system.info', {})]) {
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('an oversized body is refused with 413 and the server keeps serving', async () => {
    const big = JSON.stringify({ paths: ['x'.repeat(2 * 1024 * 1024)] });
    const res = await api('project.addVideos', big as unknown);
    expect(res.status).toBe(413);
    const info = await api('system.info', {});
    expect(info.status).toBe(200);
    expect(info.json().ok).toBe(true);
  });
});
