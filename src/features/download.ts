/**
 * Download-on-first-use: streams a URL to a temp file next to the destination while hashing it, checks
 * size and sha256, then renames into place. The destination therefore only ever holds a verified file.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { FramewiseError } from '../errors.js';
import { tempPathFor } from './backbones/cache.js';

export interface DownloadProgress {
  receivedBytes: number;
  /** From the manifest, else Content-Length; undefined when neither is known. */
  totalBytes: number | undefined;
}

export interface DownloadOptions {
  url: string;
  /** Final path; written only after verification. */
  dest: string;
  /** Expected sha256, hex. */
  sha256: string;
  /** Expected size in bytes; enforced while streaming. */
  bytes?: number;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Injected for tests; default: global fetch. */
  fetch?: typeof fetch;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
}

function isAbort(e: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (e instanceof Error && e.name === 'AbortError');
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as { cause?: unknown }).cause;
  // undici reports "fetch failed" / "terminated" with the useful part (ECONNREFUSED, socket closed) in `cause`.
  return cause instanceof Error ? `${e.message} (${cause.message})` : e.message;
}

export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  const { url, dest, signal, onProgress } = options;
  const expectedHash = options.sha256.toLowerCase();
  const doFetch = options.fetch ?? fetch;
  const fail = (message: string, cause?: unknown): FramewiseError =>
    new FramewiseError('DOWNLOAD_FAILED', `Downloading ${url} failed: ${message}`, { cause, details: { url } });

  if (signal?.aborted) throw new FramewiseError('ABORTED', `Download of ${url} was cancelled.`);
  const tmp = tempPathFor(dest);
  try {
    await mkdir(path.dirname(dest), { recursive: true });
    await open(tmp, 'w').then((fh) => fh.close());
  } catch (cause) {
    throw new FramewiseError(
      'DOWNLOAD_FAILED',
      `Cannot save the download of ${url}: ${path.dirname(dest)} is not writable (${(cause as Error).message}).`,
      { cause, details: { url, dest } },
    );
  }
  let completed = false;
  try {
    let response: Response;
    try {
      response = await doFetch(url, { signal, redirect: 'follow' });
    } catch (e) {
      if (isAbort(e, signal)) throw new FramewiseError('ABORTED', `Download of ${url} was cancelled.`, { cause: e });
      throw fail(`${describe(e)}. Check the network connection or the URL.`, e);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw fail(`the server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`);
    }
    if (!response.body) throw fail('the server sent no body.');

    const header = Number(response.headers.get('content-length') ?? NaN);
    const headerBytes = Number.isFinite(header) && header >= 0 ? header : undefined;
    if (options.bytes !== undefined && headerBytes !== undefined && headerBytes !== options.bytes) {
      await response.body.cancel().catch(() => undefined);
      throw fail(`the server announces ${headerBytes} bytes but ${options.bytes} were expected.`);
    }
    const totalBytes = options.bytes ?? headerBytes;

    const hash = createHash('sha256');
    let received = 0;
    const fh = await open(tmp, 'w');
    try {
      const reader = response.body.getReader();
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (e) {
          if (isAbort(e, signal))
            throw new FramewiseError('ABORTED', `Download of ${url} was cancelled.`, { cause: e });
          throw fail(`the connection broke after ${received} bytes (${describe(e)}).`, e);
        }
        if (chunk.done) break;
        const bytes = chunk.value;
        received += bytes.length;
        if (options.bytes !== undefined && received > options.bytes) {
          await reader.cancel().catch(() => undefined);
          throw fail(`received more than the expected ${options.bytes} bytes.`);
        }
        hash.update(bytes);
        await fh.write(bytes);
        onProgress?.({ receivedBytes: received, totalBytes });
      }
      await fh.sync();
    } finally {
      await fh.close();
    }

    if (signal?.aborted) throw new FramewiseError('ABORTED', `Download of ${url} was cancelled.`);
    const expectedSize = options.bytes ?? headerBytes;
    if (expectedSize !== undefined && received !== expectedSize) {
      throw fail(`the file is truncated: got ${received} of ${expectedSize} bytes.`);
    }
    const actual = hash.digest('hex');
    if (actual !== expectedHash) {
      throw new FramewiseError(
        'CHECKSUM_MISMATCH',
        `The file downloaded from ${url} is corrupt or was changed: sha256 ${actual}, expected ${expectedHash}.`,
        { details: { url, expected: expectedHash, actual } },
      );
    }
    await rename(tmp, dest);
    completed = true;
    return { path: dest, bytes: received, sha256: actual };
  } finally {
    if (!completed) await rm(tmp, { force: true });
  }
}
