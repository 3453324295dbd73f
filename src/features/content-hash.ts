import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { FramewiseError } from '../errors.js';

/** Files up to 32 MiB are hashed whole; above it, sampled (hashing a 20 GB recording would take minutes). */
const FULL_HASH_LIMIT = 32 << 20;
const SAMPLES = 32;
const SAMPLE_BYTES = 256 << 10;

/**
 * A content hash that keys the feature cache: the same bytes give the same key wherever the file is
 * moved or renamed. Large files are hashed from their size plus 32 evenly spaced 256 KiB samples
 * (first and last included): the container header, index and frame data all change when a video
 * is re-encoded or edited, so a sample hit is a content match in practice.
 */
export async function contentHash(file: string): Promise<string> {
  let size: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new FramewiseError('FILE_UNREADABLE', `${file} is not a regular file.`);
    size = st.size;
  } catch (e) {
    if (e instanceof FramewiseError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FramewiseError('FILE_NOT_FOUND', `File not found: ${file}`);
    throw new FramewiseError('FILE_UNREADABLE', `Cannot read ${file}: ${(e as Error).message}`);
  }
  const h = createHash('sha256');
  h.update(`size:${size};`);
  if (size <= FULL_HASH_LIMIT) {
    h.update('full;');
    for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  } else {
    h.update('sampled;');
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(SAMPLE_BYTES);
      for (let i = 0; i < SAMPLES; i++) {
        const pos = Math.floor(((size - SAMPLE_BYTES) * i) / (SAMPLES - 1));
        const { bytesRead } = await fh.read(buf, 0, SAMPLE_BYTES, pos);
        h.update(buf.subarray(0, bytesRead));
      }
    } finally {
      await fh.close();
    }
  }
  return h.digest('hex');
}
