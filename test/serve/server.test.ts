import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP } from '../../src/serve/security.js';
import { raw, setup, TOKEN, type Fixture } from './helpers.js';

let f: Fixture;
let port: number;
beforeAll(async () => {
  f = await setup({ heartbeatMs: 50 });
  port = f.server.port;
});
afterAll(async () => {
  await f.cleanup();
});

const post = (method: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  raw(port, `/api/${method}`, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`, ...headers },
  });

describe('token', () => {
  const routes: [string, string][] = [
    ['GET', '/'],
    ['GET', '/index.html'],
    ['GET', '/assets/app.js'],
    ['GET', '/no/such/file'],
    ['POST', '/api/system.info'],
    ['POST', '/api/no.such.method'],
    ['GET', '/events'],
    ['GET', '/media/vid_1'],
  ];

  it.each(routes)('%s %s without a token is 401', async (method, path) => {
    const res = await raw(port, path, { method, body: method === 'POST' ? '{}' : undefined });
    expect(res.status).toBe(401);
    expect(res.text).toMatch(/token/i);
  });

  it.each(routes)('%s %s with a wrong token is 401 (header, query and cookie)', async (method, path) => {
    const body = method === 'POST' ? '{}' : undefined;
    const wrong = 'b'.repeat(64);
    const sep = path.includes('?') ? '&' : '?';
    for (const res of await Promise.all([
      raw(port, path, { method, body, headers: { Authorization: `Bearer ${wrong}` } }),
      raw(port, `${path}${sep}token=${wrong}`, { method, body }),
      raw(port, path, { method, body, headers: { Cookie: `framewise_token_${port}=${wrong}` } }),
      raw(port, `${path}${sep}token=${TOKEN.slice(0, 10)}`, { method, body }),
    ])) {
      expect(res.status).toBe(401);
    }
  });

  it('a wrong Authorization header does not fall back to a valid cookie', async () => {
    const res = await raw(port, '/assets/app.js', {
      headers: { Authorization: 'Bearer nope', Cookie: `framewise_token_${port}=${TOKEN}` },
    });
    expect(res.status).toBe(401);
  });

  it('the first page load with ?token= sets an HttpOnly SameSite=Strict cookie that then works for assets', async () => {
    const page = await raw(port, `/?token=${TOKEN}`);
    expect(page.status).toBe(200);
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toContain(`framewise_token_${port}=${TOKEN}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const asset = await raw(port, '/assets/app.js', {
      headers: { Cookie: `framewise_token_${port}=${TOKEN}`, 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(asset.status).toBe(200);
    expect(asset.text).toContain('console.log');
  });

  it('refuses cookie-only requests that another site started (Sec-Fetch-Site)', async () => {
    for (const site of ['cross-site', 'same-site']) {
      const res = await raw(port, '/media/vid_1', {
        headers: { Cookie: `framewise_token_${port}=${TOKEN}`, 'Sec-Fetch-Site': site },
      });
      expect(res.status).toBe(403);
    }
  });
});

describe('Host and Origin', () => {
  it('refuses a foreign Host (DNS rebinding) even with the right token', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1:${port + 1}`,
      '127.0.0.1',
      `[::1]:${port}`,
    ]) {
      const res = await raw(port, `/?token=${TOKEN}`, { headers: { Host: host } });
      expect(res.status, host).toBe(403);
    }
  });

  it('accepts 127.0.0.1:<port> and localhost:<port>', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      const res = await raw(port, `/?token=${TOKEN}`, { headers: { Host: host } });
      expect(res.status, host).toBe(200);
    }
  });

  it('refuses a cross-origin POST, accepts a same-origin one', async () => {
    const evil = await post('system.info', '{}', { Origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    const otherPort = await post('system.info', '{}', { Origin: `http://127.0.0.1:${port + 1}` });
    expect(otherPort.status).toBe(403);
    const nullOrigin = await post('system.info', '{}', { Origin: 'null' });
    expect(nullOrigin.status).toBe(403);
    const same = await post('system.info', '{}', { Origin: `http://127.0.0.1:${port}` });
    expect(same.status).toBe(200);
  });
});

describe('static files', () => {
  it('serves index.html with the strict CSP and security headers', async () => {
    const res = await raw(port, '/', { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(CSP);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.text).toContain('<title>Framewise</title>');
  });

  it('serves assets with their MIME type and nosniff', async () => {
    const js = await raw(port, '/assets/app.js', { headers: f.auth });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    const css = await raw(port, '/assets/style.css', { headers: f.auth });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('lists no directories', async () => {
    for (const p of ['/assets', '/assets/']) {
      const res = await raw(port, p, { headers: f.auth });
      expect(res.status, p).toBe(404);
      expect(res.text).not.toContain('app.js');
    }
  });

  it('refuses path traversal', async () => {
    const attempts = [
      '/../secret.txt',
      '/../../../../etc/passwd',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/%00index.html',
      '/%E0%A4%A',
      '//etc/passwd',
    ];
    for (const p of attempts) {
      const res = await raw(port, p, { headers: f.auth });
      expect(res.status, p).toBe(404);
      expect(res.text, p).not.toContain('top secret');
      expect(res.text, p).not.toContain('root:');
    }
  });

  it('allows only GET and HEAD', async () => {
    const res = await raw(port, '/', { method: 'PUT', headers: f.auth, body: 'x' });
    expect(res.status).toBe(405);
  });
});

describe('media', () => {
  const get = (path: string, headers: Record<string, string> = {}) =>
    raw(port, path, { headers: { Authorization: `Bearer ${TOKEN}`, ...headers } });

  it('streams a project video with Content-Type by extension', async () => {
    const res = await get('/media/vid_1');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('video/mp4');
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['content-length']).toBe('1000');
    expect(res.body.equals(f.videoBytes)).toBe(true);
  });

  it('accepts the token as a query parameter (for <video src>)', async () => {
    const res = await raw(port, `/media/vid_1?token=${TOKEN}`);
    expect(res.status).toBe(200);
  });

  it('serves only videos of the open project', async () => {
    for (const p of [
      '/media/vid_2',
      '/media/',
      '/media/..%2fsecret.txt',
      '/media/..%2Fclip.mp4',
      '/media/%2e%2e%2fsecret.txt',
      `/media/${encodeURIComponent(f.videoPath)}`,
      `/media/${encodeURIComponent(f.secretPath)}`,
      '/media/vid_1/../../secret.txt',
    ]) {
      const res = await get(p);
      expect(res.status, p).toBe(404);
      expect(res.text, p).not.toContain('top secret');
    }
  });

  it('answers Range requests with 206 and the right bytes', async () => {
    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=100-199', 100, 199],
      ['bytes=900-', 900, 999],
      ['bytes=-100', 900, 999],
      ['bytes=990-5000', 990, 999],
      ['bytes=0-0', 0, 0],
      ['bytes=10-19, 30-39', 10, 19],
    ];
    for (const [range, start, end] of cases) {
      const res = await get('/media/vid_1', { Range: range });
      expect(res.status, range).toBe(206);
      expect(res.headers['content-range'], range).toBe(`bytes ${start}-${end}/1000`);
      expect(res.headers['content-length'], range).toBe(String(end - start + 1));
      expect(res.body.equals(f.videoBytes.subarray(start, end + 1)), range).toBe(true);
    }
  });

  it('answers an unsatisfiable or malformed range with 416 and bytes */size', async () => {
    for (const range of ['bytes=1000-', 'bytes=5000-6000', 'bytes=20-10', 'bytes=-0', 'bytes=abc', 'bytes=-']) {
      const res = await get('/media/vid_1', { Range: range });
      expect(res.status, range).toBe(416);
      expect(res.headers['content-range'], range).toBe('bytes */1000');
      expect(res.body.length).toBe(0);
    }
  });

  it('ignores a range in an unknown unit (whole file)', async () => {
    const res = await get('/media/vid_1', { Range: 'items=0-5' });
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(1000);
  });

  it('answers HEAD with headers only', async () => {
    const res = await raw(port, '/media/vid_1', { method: 'HEAD', headers: f.auth });
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('1000');
    expect(res.body.length).toBe(0);
  });
});

describe('API', () => {
  it('round-trips a call: args in, { ok, result } out', async () => {
    const res = await post('project.create', JSON.stringify({ dir: '/tmp/p', name: 'P' }));
    expect(res.status).toBe(200);
    const body = res.json<{ ok: true; result: { root: string; project: { name: string } } }>();
    expect(body.ok).toBe(true);
    expect(body.result.root).toBe('/tmp/p');
    expect(f.calls.at(-1)).toEqual({ method: 'project.create', args: { dir: '/tmp/p', name: 'P' } });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('treats an empty body as no arguments', async () => {
    const res = await post('system.info', '');
    expect(res.status).toBe(200);
    expect(res.json<{ result: { transport: string } }>().result.transport).toBe('serve');
  });

  it('unknown method is 404', async () => {
    const res = await post('system.shutdown', '{}');
    expect(res.status).toBe(404);
    expect(res.json().error?.code).toBe('NOT_FOUND');
    const proto = await post('__proto__', '{}');
    expect(proto.status).toBe(404);
  });

  it('bad JSON is 400', async () => {
    const res = await post('system.info', '{"dir": ');
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      ok: false,
      error: { code: 'BAD_ARGUMENT', message: 'Request body is not valid JSON.' },
    });
  });

  it('bad arguments are 400 and name the field', async () => {
    for (const body of ['[1,2]', '"x"', 'null', '{"dir": 5, "name": "x"}']) {
      const res = await post('project.create', body);
      expect(res.status, body).toBe(400);
      expect(res.json().error?.code).toBe('BAD_ARGUMENT');
    }
    const res = await post('project.addVideos', '{"paths": ["a", 3]}');
    expect(res.json().error?.message).toContain('"paths"');
  });

  it('a body over 1 MiB is 413', async () => {
    const big = JSON.stringify({ paths: ['x'.repeat(1024 * 1024)] });
    const res = await post('project.addVideos', big);
    expect(res.status).toBe(413);
    expect(res.json().error?.code).toBe('BAD_ARGUMENT');
  });

  it('a chunked body over 1 MiB (no Content-Length) is 413', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/project.addVideos',
          method: 'POST',
          agent: false,
          headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 20; i++) req.write(chunk);
      req.end();
    });
    expect(status).toBe(413);
  });

  it('maps core errors to a readable message and an HTTP status', async () => {
    const known = await post('project.open', JSON.stringify({ dir: '/nope' }));
    expect(known.status).toBe(422);
    expect(known.json().error).toEqual({ code: 'FILE_NOT_FOUND', message: 'No Framewise project in /nope.' });
    const bug = await post('video.probe', JSON.stringify({ path: '/x.mp4' }));
    expect(bug.status).toBe(500);
    expect(bug.json().error).toEqual({ code: 'INTERNAL', message: 'boom: an unexpected bug' });
  });

  it('only POST', async () => {
    const res = await raw(port, '/api/system.info', { headers: f.auth });
    expect(res.status).toBe(405);
  });
});

describe('events (SSE)', () => {
  it('delivers emitted events and heartbeats to a connected client', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: `/events?token=${TOKEN}`, agent: false }, (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if (text.includes(': connected') && !text.includes('data:')) {
            f.emit({ type: 'backend', featureBackend: 'stub-engine', featureFallback: null });
          }
          if (text.includes('data:') && text.includes(': heartbeat')) {
            req.destroy();
            resolve(text);
          }
        });
      });
      req.on('error', reject);
      req.end();
    });
    const data = received.split('\n').find((l) => l.startsWith('data: '));
    expect(JSON.parse(data!.slice('data: '.length))).toEqual({
      type: 'backend',
      featureBackend: 'stub-engine',
      featureFallback: null,
    });
  });
});
