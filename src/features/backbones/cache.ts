/** Cache folder layout and the small file helpers the model cache needs (atomic writes, hashing). */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { atomicWriteFile } from '../../util/atomic-write.js';
import path from 'node:path';
import { defaultCacheRoot } from '../../util/cache-root.js';

export { defaultCacheRoot };

/** Where ONNX backbones are kept: `<cacheRoot>/models`. */
export function modelCacheDir(cacheRoot: string = defaultCacheRoot()): string {
  return path.join(cacheRoot, 'models');
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A temp path next to `file` (same filesystem, so rename is atomic), unique per process and call. */
export function tempPathFor(file: string): string {
  return `${file}.${process.pid}.${randomBytes(4).toString('hex')}.part`;
}

/** Atomic write (temp + fsync + rename), creating the folder first. */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await atomicWriteFile(file, data);
}
