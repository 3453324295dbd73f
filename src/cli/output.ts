/** Terminal output for the CLI: a progress line on a TTY, nothing on a pipe; errors to stderr. */
import { toFramewiseError, type FramewiseError } from '../errors.js';

export interface Out {
  json: boolean;
  /** Prints a human line (suppressed with --json). */
  line(s: string): void;
  progress(label: string, done: number, total: number, extra?: string): void;
  endProgress(): void;
  error(e: unknown): FramewiseError;
}

export function createOut(opts: { json: boolean; stdout?: NodeJS.WriteStream; stderr?: NodeJS.WriteStream }): Out {
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const tty = Boolean(stderr.isTTY);
  let active = false;
  return {
    json: opts.json,
    line(s) {
      if (opts.json) return;
      if (active) this.endProgress();
      stdout.write(s + '\n');
    },
    progress(label, done, total, extra = '') {
      if (!tty) return;
      const width = 28;
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(frac * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const cols = stderr.columns ?? 100;
      const text = `${label} ${bar} ${Math.round(frac * 100)
        .toString()
        .padStart(3)}% ${done}/${total} ${extra}`;
      stderr.write('\r' + text.slice(0, cols - 1).padEnd(Math.min(cols - 1, text.length)) + '\x1b[K');
      active = true;
    },
    endProgress() {
      if (active && tty) stderr.write('\n');
      active = false;
    },
    error(e) {
      const err = toFramewiseError(e);
      if (active) this.endProgress();
      stderr.write(`error [${err.code}]: ${err.message}\n`);
      return err;
    },
  };
}

export function formatDuration(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '--:--';
  const s = Math.max(0, Math.round(sec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0
    ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}`
    : `${m}:${String(r).padStart(2, '0')}`;
}
