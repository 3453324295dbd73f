import { request } from 'node:http';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FramewiseError } from '../../src/errors.js';
import type { Api, ApiEvent, ProjectSnapshot } from '../../src/services/contract.js';
import { newProject } from '../../src/store/schema.js';
import { startServer, type ServerHandle, type ServeServices } from '../../src/serve/server.js';

export const TOKEN = 'a'.repeat(64);

export interface Fixture {
  dir: string;
  rendererDir: string;
  videoPath: string;
  /** Outside the project: must never be served. */
  secretPath: string;
  videoBytes: Buffer;
  server: ServerHandle;
  emit: (e: ApiEvent) => void;
  calls: { method: string; args: unknown }[];
  /** Absolute URL for a path, without token. */
  at(path: string): string;
  auth: Record<string, string>;
  cleanup(): Promise<void>;
}

function snapshot(root: string): ProjectSnapshot {
  return { root, project: newProject('Test'), revision: 0, features: {}, playback: {} };
}

const IMPORT_REPORT = {
  format: 'segment-csv' as const,
  segmentCount: 0,
  segments: [],
  newVideos: [],
  newClasses: [],
  split: null,
  warnings: [],
};

/** A stub core: the server is the unit under test, not the services. */
function stubServices(dir: string, videoPath: string, calls: Fixture['calls']): ServeServices {
  const record = (method: string, args: unknown): void => void calls.push({ method, args });
  const api: Api = {
    'system.info': async (a) => {
      record('system.info', a);
      return {
        version: '0.0.0-test',
        featureBackend: null,
        featureFallback: null,
        ffmpeg: { path: '/usr/bin/ffmpeg', source: 'system', version: '6' },
        platform: 'test',
        transport: 'serve',
        demoDir: '/tmp/Framewise demo',
        backbones: [],
        streams: [],
      };
    },
    'project.create': async (a) => (record('project.create', a), snapshot(a.dir)),
    'project.open': async (a) => {
      record('project.open', a);
      throw new FramewiseError('FILE_NOT_FOUND', `No Framewise project in ${a.dir}.`);
    },
    'project.current': async () => null,
    'project.recent': async () => [],
    'project.save': async () => snapshot(dir),
    'project.addVideos': async () => ({ snapshot: snapshot(dir), rejected: [] }),
    'project.removeVideo': async () => snapshot(dir),
    'video.probe': async () => {
      throw new Error('boom: an unexpected bug');
    },
    'video.thumbnail': async () => ({ mime: 'image/jpeg', base64: '' }),
    'video.filmstrip': async () => ({ mime: 'image/jpeg', times: [], images: [] }),
    'video.frameTimes': async () => ({ variable: false, times: null }),
    'features.extract': async () => ({ jobId: 'job_1' }),
    'training.start': async (a) => (record('training.start', a), { jobId: 'job_2' }),
    'training.result': async () => null,
    'training.runs': async () => [],
    'models.list': async () => [],
    'models.import': async () => {
      throw new Error('not in this fake');
    },
    'predict.start': async (a) => (record('predict.start', a), { jobId: 'job_3' }),
    'captioning.train': async () => ({ jobId: 'job_4' }),
    'captioning.run': async () => ({ jobId: 'job_5' }),
    'captioning.get': async () => null,
    'video.proxy': async () => ({ jobId: 'job_6' }),
    'export.file': async () => ({ fileName: 'x.csv', mime: 'text/csv', bytes: 0, path: null, base64: '' }),
    'demo.create': async () => ({ jobId: 'job_7' }),
    'jobs.result': async () => null,
    'jobs.cancel': async () => ({ cancelled: true }),
    'project.versions': async () => [],
    'project.restoreVersion': async () => snapshot(dir),
    'project.restoreVideo': async () => snapshot(dir),
    'project.settingsCost': async () => ({ videos: 0, toExtract: 0, featuresChange: false }),
    'project.relink': async () => ({ relinked: [], missing: [], scanned: 0, snapshot: snapshot(dir) }),
    'project.importPreview': async () => IMPORT_REPORT,
    'project.import': async () => ({ ...IMPORT_REPORT, snapshot: snapshot(dir) }),
    'models.evaluate': async () => ({ jobId: 'job_8' }),
    'models.evaluations': async () => [],
    'suggest.start': async () => ({ jobId: 'suggest-1' }),
    'predict.batch': async () => ({ jobId: 'job_9' }),
    'captioning.batch': async () => ({ jobId: 'caption-batch-1' }),
    'jobs.list': async () => [],
  };
  return {
    api,
    resolveMedia: (id) => (id === 'vid_1' ? videoPath : null),
    projectRoot: () => null,
    dispose: async () => undefined,
  };
}

export async function setup(opts: { heartbeatMs?: number } = {}): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'fw-serve-'));
  const rendererDir = join(dir, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(
    join(rendererDir, 'index.html'),
    '<!doctype html><title>Framewise</title><script src="./assets/app.js"></script>',
  );
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log("hi")');
  await writeFile(join(rendererDir, 'assets', 'style.css'), 'body{}');
  const videoBytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
  const videoPath = join(dir, 'clip.mp4');
  await writeFile(videoPath, videoBytes);
  const secretPath = join(dir, 'secret.txt');
  await writeFile(secretPath, 'top secret');
  const calls: Fixture['calls'] = [];
  let emit: (e: ApiEvent) => void = () => undefined;
  const server = await startServer({
    port: 0,
    token: TOKEN,
    rendererDir,
    heartbeatMs: opts.heartbeatMs ?? 60_000,
    services: (e) => {
      emit = e;
      return stubServices(dir, videoPath, calls);
    },
  });
  return {
    dir,
    rendererDir,
    videoPath,
    secretPath,
    videoBytes,
    server,
    emit: (e) => emit(e),
    calls,
    at: (p) => `http://127.0.0.1:${server.port}${p}`,
    auth: { Authorization: `Bearer ${TOKEN}` },
    cleanup: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  json<T = { ok: boolean; result?: unknown; error?: { code: string; message: string } }>(): T;
}

/**
 * node:http rather than fetch: fetch normalizes "../" away and will not send a forged Host
 * header, and those are exactly what the security tests need to send.
 */
export function raw(
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const text = body.toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}
