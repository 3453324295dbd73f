/**
 * Custom protocols: framewise://app/ serves the built renderer (instead of file://, so the page has
 * a real origin, a CSP header and no access to other local files), framewise-media://video/<id>
 * streams project videos with the same Range logic serve mode uses.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { protocol } from 'electron';
import { mediaMimeType, planRange, rangeHeaders } from '../src/transport/range.js';
import { findStaticFile } from '../src/transport/static-files.js';
import { APP_SCHEME, MEDIA_HOST, MEDIA_SCHEME } from './bridge.js';

/** Must run before app 'ready': privileges cannot be granted later. */
export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    // stream: lets <video> play from a streamed Response and seek with Range requests.
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } },
  ]);
}

const VIDEO_ID = /^[A-Za-z0-9_-]{1,128}$/;
const NOSNIFF = { 'X-Content-Type-Options': 'nosniff' };

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { ...NOSNIFF, 'Content-Type': 'text/plain' } });
}

export function handleAppProtocol(rendererDir: string, csp: string): void {
  protocol.handle(APP_SCHEME, async (req) => {
    const url = new URL(req.url);
    if (url.host !== 'app') return notFound();
    const file = await findStaticFile(rendererDir, url.pathname);
    if (!file) return notFound();
    const headers: Record<string, string> = { ...NOSNIFF, 'Content-Type': file.mime };
    if (file.mime.startsWith('text/html')) headers['Content-Security-Policy'] = csp;
    return new Response(await readFile(file.path), { status: 200, headers });
  });
}

export function handleMediaProtocol(resolveMedia: (videoId: string) => string | null): void {
  protocol.handle(MEDIA_SCHEME, async (req) => {
    const url = new URL(req.url);
    let id = '';
    try {
      id = decodeURIComponent(url.pathname.slice(1));
    } catch {
      // Malformed escape: falls through to 404.
    }
    const file = url.host === MEDIA_HOST && VIDEO_ID.test(id) ? resolveMedia(id) : null;
    const st = file ? await stat(file).catch(() => null) : null;
    if (!file || !st?.isFile()) return notFound();
    const plan = planRange(req.headers.get('range'), st.size);
    const headers = { ...NOSNIFF, ...rangeHeaders(plan, st.size, mediaMimeType(file)) };
    if (plan.kind === 'unsatisfiable' || req.method === 'HEAD' || st.size === 0) {
      return new Response(null, { status: plan.status, headers });
    }
    const body = Readable.toWeb(
      createReadStream(file, { start: plan.start, end: plan.end }),
    ) as ReadableStream<Uint8Array>;
    return new Response(body, { status: plan.status, headers });
  });
}
