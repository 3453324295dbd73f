/** Display formatting; pure, unit-tested under Node. */

/** 3.2 → "0:03", 75 → "1:15", 3725 → "1:02:05". */
export function formatDuration(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec) || sec < 0) return '–';
  const total = Math.round(sec);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function formatEta(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec)) return '–';
  if (sec < 1) return '<1 s';
  if (sec < 60) return `${Math.round(sec)} s`;
  return formatDuration(sec);
}

export function formatRate(perSec: number): string {
  if (!Number.isFinite(perSec) || perSec <= 0) return '–';
  return perSec >= 100 ? `${Math.round(perSec)} fps` : `${perSec.toFixed(1)} fps`;
}

export function percent(done: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.max(0, Math.min(100, (done / total) * 100));
}

export function basename(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

/** Splits pasted text into paths: one per line; surrounding quotes (as copied from a file manager) removed. */
export function parsePathList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim().replace(/^(['"])(.*)\1$/, '$2'))
    .filter((l) => l !== '');
}

/** 1.234 → "1.23 s" (segment boundaries). */
export function formatSeconds(sec: number): string {
  return Number.isFinite(sec) ? `${sec.toFixed(2)} s` : '–';
}
