import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Api } from '../../src/services/contract.js';
import { startServer, type ServeServices } from '../../src/serve/server.js';
import { raw } from './helpers.js';

const token = 'c'.repeat(64);

function services(onDispose: () => void): ServeServices {
  return { api: {} as Api, resolveMedia: () => null, projectRoot: () => null, dispose: async () => onDispose() };
}

describe('server lifecycle', () => {
  it('binds to 127.0.0.1 only and prints a URL with the token', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-life-'));
    const s = await startServer({ rendererDir: dir, services: services(() => undefined) });
    try {
      expect(s.url).toBe(`http://127.0.0.1:${s.port}/?token=${s.token}`);
      expect(s.token).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await s.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('close() ends open event streams and disposes services it created', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-life-'));
    let disposed = 0;
    const s = await startServer({ rendererDir: dir, token, services: () => services(() => disposed++) });
    const ended = new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: s.port, path: `/events?token=${token}`, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve());
        res.on('close', () => resolve());
        // Once the stream is open, close the server under it.
        void s.close();
      });
      req.on('error', reject);
      req.end();
    });
    await ended;
    await s.close(); // idempotent
    expect(disposed).toBe(1);
    await rm(dir, { recursive: true, force: true });
  });

  it('does not dispose services it was handed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-life-'));
    let disposed = 0;
    const s = await startServer({ rendererDir: dir, token, services: services(() => disposed++) });
    await s.close();
    expect(disposed).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('explains a missing renderer build instead of a bare 404', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-life-'));
    const s = await startServer({ rendererDir: join(dir, 'missing'), token, services: services(() => undefined) });
    try {
      const res = await raw(s.port, '/', { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).toBe(503);
      expect(res.text).toContain('npm run build:renderer');
    } finally {
      await s.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a busy port clearly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-life-'));
    const a = await startServer({ rendererDir: dir, token, services: services(() => undefined) });
    try {
      await expect(
        startServer({ port: a.port, rendererDir: dir, services: services(() => undefined) }),
      ).rejects.toThrow(/already in use/);
    } finally {
      await a.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a short token', async () => {
    await expect(
      startServer({ rendererDir: '/nonexistent', token: 'short', services: services(() => undefined) }),
    ).rejects.toThrow(/at least 16/);
  });
});
