/**
 * HTTP byte ranges for video playback, shared by serve mode (/media) and Electron's
 * framewise-media:// protocol. No I/O and no Electron import here: each transport opens the file
 * itself (Node stream vs. web Response) but both must answer a seek the same way, because a
 * <video> element seeks by issuing Range requests and stalls on a wrong Content-Range.
 */
import { extname } from 'node:path';

export type RangePlan =
  | { kind: 'full'; status: 200; start: 0; end: number; length: number }
  | { kind: 'partial'; status: 206; start: number; end: number; length: number }
  | { kind: 'unsatisfiable'; status: 416 };

/**
 * Decides what to send for a `Range` header against a file of `size` bytes (end is inclusive).
 * Follows RFC 9110 §14: an unknown unit is ignored (whole file), an invalid or unsatisfiable
 * `bytes` range is 416. A multi-range request is answered with the first range only, which is what
 * media elements ask for anyway and spares us multipart/byteranges.
 */
export function planRange(header: string | null | undefined, size: number): RangePlan {
  const full: RangePlan = { kind: 'full', status: 200, start: 0, end: size - 1, length: size };
  if (header === undefined || header === null || header.trim() === '') return full;
  const m = /^\s*([A-Za-z]+)\s*=\s*(.*)$/.exec(header);
  if (!m) return { kind: 'unsatisfiable', status: 416 };
  if (m[1]!.toLowerCase() !== 'bytes') return full;
  const first = m[2]!.split(',')[0]!.trim();
  const r = /^(\d*)-(\d*)$/.exec(first);
  if (!r || (r[1] === '' && r[2] === '')) return { kind: 'unsatisfiable', status: 416 };
  let start: number;
  let end: number;
  if (r[1] === '') {
    // Suffix range "-N": the last N bytes.
    const n = Number(r[2]);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable', status: 416 };
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(r[1]);
    end = r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1);
    if (!Number.isSafeInteger(start) || start >= size || Number(r[2] || start) < start) {
      return { kind: 'unsatisfiable', status: 416 };
    }
  }
  return { kind: 'partial', status: 206, start, end, length: end - start + 1 };
}

/** Response headers for a plan; `mime` from {@link mediaMimeType}. */
export function rangeHeaders(plan: RangePlan, size: number, mime: string): Record<string, string> {
  const common = { 'Accept-Ranges': 'bytes', 'Content-Type': mime, 'Cache-Control': 'no-cache' };
  switch (plan.kind) {
    case 'unsatisfiable':
      return { ...common, 'Content-Range': `bytes */${size}`, 'Content-Length': '0' };
    case 'partial':
      return {
        ...common,
        'Content-Range': `bytes ${plan.start}-${plan.end}/${size}`,
        'Content-Length': String(plan.length),
      };
    case 'full':
      return { ...common, 'Content-Length': String(size) };
  }
}

const VIDEO_MIME: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.ogv': 'video/ogg',
  '.ogg': 'video/ogg',
  '.avi': 'video/x-msvideo',
  '.mpg': 'video/mpeg',
  '.mpeg': 'video/mpeg',
  '.ts': 'video/mp2t',
  '.m2ts': 'video/mp2t',
  '.3gp': 'video/3gpp',
  '.wmv': 'video/x-ms-wmv',
  '.flv': 'video/x-flv',
};

/** Content-Type of a video file by extension; octet-stream when unknown (with nosniff, never guessed). */
export function mediaMimeType(file: string): string {
  return VIDEO_MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
}
