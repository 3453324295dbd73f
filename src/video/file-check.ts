import { open, stat } from 'node:fs/promises';
import { FramewiseError } from '../errors.js';

/**
 * Maps a filesystem error for `file` to the user-facing error. Kept separate so the EACCES branch
 * can be tested even where the suite runs as root (root can read a chmod-000 file).
 */
export function fileErrorFromErrno(file: string, err: unknown): FramewiseError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new FramewiseError('FILE_NOT_FOUND', `Video file not found: "${file}".`, { cause: err });
    case 'EACCES':
    case 'EPERM':
      return new FramewiseError('FILE_UNREADABLE', `No permission to read "${file}".`, { cause: err });
    case 'EISDIR':
      return new FramewiseError('FILE_UNREADABLE', `"${file}" is a folder, not a video file.`, { cause: err });
    default:
      return new FramewiseError(
        'FILE_UNREADABLE',
        `Could not read "${file}": ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
  }
}

/**
 * Checks that `file` is a readable, non-empty regular file before handing it to ffprobe, so the
 * common mistakes get a precise message instead of ffprobe's generic one. Returns its size.
 */
export async function checkVideoFile(file: string): Promise<number> {
  let size: number;
  try {
    const st = await stat(file);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!st.isFile()) {
      throw new FramewiseError('FILE_UNREADABLE', `"${file}" is not a regular file (device, socket or pipe).`);
    }
    size = st.size;
    // stat() succeeds on a file we may not read (mode 000 for a normal user); opening tells us.
    const handle = await open(file, 'r');
    await handle.close();
  } catch (err) {
    if (err instanceof FramewiseError) throw err;
    throw fileErrorFromErrno(file, err);
  }
  if (size === 0) throw new FramewiseError('NOT_A_VIDEO', `"${file}" is empty (0 bytes), so it is not a video.`);
  return size;
}

/**
 * True when the start of the file looks like text (UTF-8/ASCII without control bytes). Used only
 * to word the error when ffprobe already rejected the file: a text file is "not a video", random
 * bytes are more likely a damaged one.
 */
export async function looksLikeText(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    if (bytesRead === 0) return false;
    const head = buf.subarray(0, bytesRead);
    for (const byte of head) {
      const control = byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c;
      if (control || byte === 0x7f) return false;
    }
    // Cutting at 4096 may split a multi-byte character; fatal decoding of the rest must still pass.
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, Math.max(0, bytesRead - 3)));
    return true;
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}
