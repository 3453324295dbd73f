/**
 * Download-on-first-use against a local HTTP server on 127.0.0.1: success, checksum mismatch, HTTP
 * errors, abort, truncated and oversized bodies, refused connections; then the whole path from a user
 * manifest (models/*.json style) through the cache to a running engine.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FramewiseError } from '../../src/errors.js';
import { cachedModelPath, ensureOnnxModel } from '../../src/features/backbones/materialise.js';
import { getBackbone, loadRegistry } from '../../src/features/backbones/registry.js';
import { downloadFile } from '../../src/features/download.js';
import type { DownloadProgress } from '../../src/features/download.js';
import { createFeatureEngine } from '../../src/features/engines/select.js';
import { DataType, GraphBuilder, attr, encodeModel } from '../../src/features/onnx/onnx-model.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Per-channel mean of an image: the smallest real "backbone" (features = 3 numbers). */
function meanModel(layout: 'nhwc-uint8' | 'nchw-float32', size: number): Uint8Array {
  const g = new GraphBuilder('mean');
  let x: string;
  if (layout === 'nhwc-uint8') {
    g.addInput({ name: 'frames', elemType: DataType.UINT8, dims: ['N', size, size, 3] });
    const f = g.add('Cast', ['frames'], 'f', [attr.int('to', DataType.FLOAT)]);
    x = g.add('Transpose', [f], 'nchw', [attr.ints('perm', [0, 3, 1, 2])]);
  } else {
    x = g.addInput({ name: 'pixel_values', elemType: DataType.FLOAT, dims: ['batch', 3, size, size] });
  }
  const pooled = g.add('GlobalAveragePool', [x], 'pooled');
  g.addNode({ opType: 'Flatten', inputs: [pooled], outputs: ['features'], attributes: [attr.int('axis', 1)] });
  g.addOutput({ name: 'features', elemType: DataType.FLOAT, dims: ['N', 3] });
  return encodeModel({ graph: g.build() });
}

let server: Server;
let base: string;
let handler: Handler;
let requests: string[] = [];
let tmp: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'framewise-download-'));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  requests = [];
});

const payload = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31) % 256);
const serveBytes =
  (bytes: Uint8Array, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(bytes.length),
      ...headers,
    });
    res.end(Buffer.from(bytes));
  };

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(FramewiseError);
    return (e as FramewiseError).code;
  }
  return 'resolved';
}

async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.endsWith('.part'));
}

describe('downloadFile', () => {
  it('downloads, verifies and renames into place, reporting progress', async () => {
    handler = serveBytes(payload);
    const dest = path.join(tmp, 'good', 'model.onnx');
    const progress: DownloadProgress[] = [];
    const result = await downloadFile({
      url: `${base}/model.onnx`,
      dest,
      sha256: sha256(payload).toUpperCase(),
      bytes: payload.length,
      onProgress: (p) => progress.push(p),
    });
    expect(result).toEqual({ path: dest, bytes: payload.length, sha256: sha256(payload) });
    expect(Buffer.compare(await readFile(dest), payload)).toBe(0);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toEqual({ receivedBytes: payload.length, totalBytes: payload.length });
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]!.receivedBytes).toBeGreaterThan(progress[i - 1]!.receivedBytes);
    }
    expect(await leftovers(path.dirname(dest))).toEqual([]);
  });

  it('deletes the temp file and keeps dest absent on a checksum mismatch', async () => {
    handler = serveBytes(payload);
    const dest = path.join(tmp, 'bad-sum', 'model.onnx');
    const wrong = sha256(new Uint8Array([1, 2, 3]));
    let error: FramewiseError | undefined;
    try {
      await downloadFile({ url: `${base}/x`, dest, sha256: wrong, bytes: payload.length });
    } catch (e) {
      error = e as FramewiseError;
    }
    expect(error?.code).toBe('CHECKSUM_MISMATCH');
    expect(error?.message).toContain(wrong);
    expect(await readdir(path.dirname(dest))).toEqual([]);
  });

  it('reports HTTP errors as DOWNLOAD_FAILED with the status', async () => {
    handler = (_req, res) => {
      res.writeHead(404, 'Not Found');
      res.end('nope');
    };
    const dest = path.join(tmp, 'missing', 'model.onnx');
    const p = downloadFile({ url: `${base}/missing.onnx`, dest, sha256: sha256(payload) });
    await expect(p).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringMatching(/HTTP 404 Not Found/),
    });
    expect(await readdir(path.dirname(dest))).toEqual([]);
  });

  it('stops with ABORTED when the signal fires mid-transfer and cleans up', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': String(payload.length) });
      res.write(Buffer.from(payload.subarray(0, 50_000)));
      // ...and never finishes.
    };
    const dest = path.join(tmp, 'abort', 'model.onnx');
    const controller = new AbortController();
    const p = downloadFile({
      url: `${base}/slow`,
      dest,
      sha256: sha256(payload),
      bytes: payload.length,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    expect(await codeOf(p)).toBe('ABORTED');
    expect(await readdir(path.dirname(dest))).toEqual([]);
    // Already-aborted signals fail fast without a request.
    const before = requests.length;
    expect(
      await codeOf(downloadFile({ url: `${base}/x`, dest, sha256: sha256(payload), signal: controller.signal })),
    ).toBe('ABORTED');
    expect(requests.length).toBe(before);
  });

  it('fails on a connection that drops before Content-Length bytes arrive', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': String(payload.length) });
      res.write(Buffer.from(payload.subarray(0, 100_000)), () => res.destroy());
    };
    const dest = path.join(tmp, 'dropped', 'model.onnx');
    const p = downloadFile({ url: `${base}/dropped`, dest, sha256: sha256(payload), bytes: payload.length });
    await expect(p).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED' });
    expect(await readdir(path.dirname(dest))).toEqual([]);
  });

  it('fails on a cleanly ended but short body (no Content-Length)', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      res.end(Buffer.from(payload.subarray(0, 1000)));
    };
    const dest = path.join(tmp, 'short', 'model.onnx');
    const p = downloadFile({ url: `${base}/short`, dest, sha256: sha256(payload), bytes: payload.length });
    await expect(p).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringMatching(/truncated: got 1000 of 300000/),
    });
    expect(await leftovers(path.dirname(dest))).toEqual([]);
  });

  it('fails when the server sends more than expected or announces another size', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      res.end(Buffer.from(payload));
    };
    const dest = path.join(tmp, 'big', 'model.onnx');
    await expect(
      downloadFile({ url: `${base}/big`, dest, sha256: sha256(payload), bytes: 1000 }),
    ).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringMatching(/more than the expected 1000 bytes/),
    });
    handler = serveBytes(payload);
    await expect(
      downloadFile({ url: `${base}/big`, dest, sha256: sha256(payload), bytes: 1000 }),
    ).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringMatching(/announces 300000 bytes but 1000/),
    });
    expect(await readdir(path.dirname(dest))).toEqual([]);
  });

  it('checks that the destination is writable before connecting', async () => {
    const file = path.join(tmp, 'a-file');
    await writeFile(file, 'x');
    const before = requests.length;
    const p = downloadFile({ url: `${base}/m.onnx`, dest: path.join(file, 'm.onnx'), sha256: sha256(payload) });
    await expect(p).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED', message: expect.stringMatching(/not writable/) });
    expect(requests.length).toBe(before);
  });

  it('reports refused connections as DOWNLOAD_FAILED', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const p = downloadFile({
      url: `http://127.0.0.1:${port}/m.onnx`,
      dest: path.join(tmp, 'refused', 'm.onnx'),
      sha256: sha256(payload),
    });
    await expect(p).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringMatching(/ECONNREFUSED|fetch failed/),
    });
  });
});

describe('user manifests with url sources', () => {
  const SIZE = 8;
  let manifestDir: string;
  let cacheRoot: string;
  const models = { 'nhwc-uint8': meanModel('nhwc-uint8', SIZE), 'nchw-float32': meanModel('nchw-float32', SIZE) };

  beforeAll(async () => {
    manifestDir = path.join(tmp, 'manifests');
    cacheRoot = path.join(tmp, 'cache');
    await mkdir(manifestDir, { recursive: true });
    for (const [layout, bytes] of Object.entries(models)) {
      const id = `mean_${layout.replace('-', '_')}`;
      const manifest = {
        id,
        name: `Channel mean (${layout})`,
        inputWidth: SIZE,
        inputHeight: SIZE,
        featureDim: 3,
        normalisation: { scale: [1, 0.5, 2], offset: [0, 1, -1] },
        source: { kind: 'url', url: `${base}/${id}.onnx`, sha256: sha256(bytes), bytes: bytes.length, format: 'onnx' },
        onnx: { layout },
        license: 'CC0-1.0',
        origin: 'test fixture',
      };
      await writeFile(path.join(manifestDir, `${id}.json`), JSON.stringify(manifest));
    }
    await writeFile(path.join(manifestDir, 'broken.json'), '{ "id": "broken", "source": {} }');
    const shipped = await getBackbone('mobilenet_v2_nsfwjs');
    await writeFile(path.join(manifestDir, 'dup.json'), JSON.stringify({ ...shipped, name: 'Impostor' }));
    handler = (req, res) => {
      const id = (req.url ?? '').slice(1).replace(/\.onnx$/, '');
      const bytes =
        id === 'mean_nhwc_uint8'
          ? models['nhwc-uint8']
          : id === 'mean_nchw_float32'
            ? models['nchw-float32']
            : undefined;
      if (!bytes) {
        res.writeHead(404);
        res.end();
        return;
      }
      serveBytes(bytes)(req, res);
    };
  });

  it('lists user manifests next to the shipped ones and reports broken ones', async () => {
    const registry = await loadRegistry({ manifestDirs: [manifestDir] });
    const ids = registry.backbones.map((b) => b.id);
    expect(ids).toEqual(expect.arrayContaining(['mobilenet_v2_nsfwjs', 'mean_nhwc_uint8', 'mean_nchw_float32']));
    expect(registry.backbones.find((b) => b.id === 'mean_nhwc_uint8')?.builtin).toBe(false);
    expect(registry.problems.join('\n')).toMatch(/broken\.json: "name" must be a non-empty string/);
    expect(registry.problems.join('\n')).toMatch(/dup\.json: backbone id "mobilenet_v2_nsfwjs" is already defined/);
    expect(registry.backbones.find((b) => b.id === 'mobilenet_v2_nsfwjs')?.name).not.toBe('Impostor');
  });

  it('downloads on first use, caches, runs, and re-downloads a corrupted cache file', async () => {
    const opts = { manifestDirs: [manifestDir], cacheRoot };
    const frames = Uint8Array.from(
      { length: 2 * SIZE * SIZE * 3 },
      (_, i) => (i % 3) * 10 + (i >= SIZE * SIZE * 3 ? 100 : 0),
    );
    const progress: DownloadProgress[] = [];
    const engine = await createFeatureEngine('mean_nhwc_uint8', { ...opts, onProgress: (p) => progress.push(p) });
    expect(requests).toEqual(['/mean_nhwc_uint8.onnx']);
    expect(progress.at(-1)?.receivedBytes).toBe(models['nhwc-uint8'].length);
    expect(engine.backend).toMatch(/^onnxruntime-node .* cpu/);
    // The graph itself takes raw bytes (our converted models normalise inside the graph).
    expect(Array.from(await engine.embed(frames, 2))).toEqual([0, 10, 20, 100, 110, 120]);
    await engine.dispose();

    const again = await createFeatureEngine('mean_nhwc_uint8', opts);
    await again.dispose();
    expect(requests.length).toBe(1);

    const spec = await getBackbone('mean_nhwc_uint8', opts);
    const file = cachedModelPath(spec, cacheRoot);
    await writeFile(file, 'garbage');
    expect((await ensureOnnxModel(spec, { cacheRoot })).origin).toBe('downloaded');
    expect(requests.length).toBe(2);
  });

  it('normalises in JS for float32 NCHW models', async () => {
    const engine = await createFeatureEngine('mean_nchw_float32', { manifestDirs: [manifestDir], cacheRoot });
    const frames = Uint8Array.from({ length: SIZE * SIZE * 3 }, (_, i) => [10, 20, 30][i % 3] as number);
    // x * scale + offset per channel: 10*1+0, 20*0.5+1, 30*2-1
    expect(Array.from(await engine.embed(frames, 1))).toEqual([10, 11, 59]);
    await engine.dispose();
  });

  it('surfaces DOWNLOAD_FAILED when the release is missing, without a tfjs fallback', async () => {
    const spec = { ...(await getBackbone('mean_nhwc_uint8', { manifestDirs: [manifestDir] })) };
    spec.id = 'gone';
    spec.source = { ...spec.source, url: `${base}/gone.onnx` } as typeof spec.source;
    expect(await codeOf(createFeatureEngine(spec, { cacheRoot }))).toBe('DOWNLOAD_FAILED');
    expect(await codeOf(createFeatureEngine(spec, { cacheRoot, prefer: 'tfjs-wasm', strict: true }))).toBe(
      'BACKBONE_UNAVAILABLE',
    );
  });
});
