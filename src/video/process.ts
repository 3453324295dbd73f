import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Readable } from 'node:stream';
import { FramewiseError } from '../errors.js';
import { ffmpegInstallHint } from './install-hint.js';

export interface ProcessOptions {
  signal?: AbortSignal;
  /** Used in messages, e.g. `reading "clip.mp4"` → "Cancelled reading "clip.mp4"." */
  purpose: string;
  /** How much of stderr is kept for error messages (its end). Default 16 KiB. */
  stderrTailBytes?: number;
  /** Time between SIGTERM and SIGKILL when stopping. Default 2000 ms. */
  killGraceMs?: number;
  /**
   * startProcess only: give the child this descriptor as stdout (the write end of a FIFO the
   * caller reads) instead of a new pipe; `stdout` is then an empty stream.
   */
  stdoutFd?: number;
}

export interface RunOptions extends ProcessOptions {
  /** stdout beyond this is an error (protects against runaway output). Default 64 MiB. */
  maxStdoutBytes?: number;
}

export interface ProcessExit {
  /** Exit code, or null when the process was ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Last `stderrTailBytes` of stderr, decoded as UTF-8. */
  stderrTail: string;
  /** True when the process was stopped because the AbortSignal fired. */
  aborted: boolean;
}

export interface RunResult extends ProcessExit {
  stdout: Buffer;
}

export interface StreamingProcess {
  readonly pid: number | undefined;
  readonly stdout: Readable;
  /**
   * Settles once the process has exited and its pipes are closed. Rejects only when it could not
   * be started (FFMPEG_NOT_FOUND); a non-zero exit or an abort is reported in the value.
   */
  readonly exited: Promise<ProcessExit>;
  /** Current stderr tail (grows while the process runs). */
  stderrTail(): string;
  /** Closes stdout, sends SIGTERM and SIGKILL after the grace period; resolves when it is gone. */
  stop(): Promise<ProcessExit>;
}

const DEFAULT_STDERR_TAIL = 16 * 1024;
const DEFAULT_GRACE_MS = 2000;
const DEFAULT_MAX_STDOUT = 64 * 1024 * 1024;

/** Keeps the last `limit` bytes of a stream without holding all of it. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.limit && this.chunks.length > 1) {
      this.size -= this.chunks.shift()?.length ?? 0;
    }
  }

  toString(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
  }
}

export function abortedError(purpose: string, cause?: unknown): FramewiseError {
  return new FramewiseError('ABORTED', `Cancelled ${purpose}.`, cause === undefined ? undefined : { cause });
}

function spawnError(command: string, purpose: string, err: NodeJS.ErrnoException): FramewiseError {
  if (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'ENOTDIR') {
    return new FramewiseError(
      'FFMPEG_NOT_FOUND',
      `Could not start "${command}" while ${purpose} (${err.code}). ${ffmpegInstallHint()}`,
      { cause: err, details: { command } },
    );
  }
  return new FramewiseError('INTERNAL', `Could not start "${command}" while ${purpose}: ${err.message}`, {
    cause: err,
    details: { command },
  });
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/**
 * Spawns a process with stdout as a stream the caller must consume (or `stop()`), stderr captured
 * as a bounded tail, stdin closed. The AbortSignal stops the process like `stop()`.
 */
export function startProcess(command: string, args: readonly string[], options: ProcessOptions): StreamingProcess {
  const { signal, purpose } = options;
  const graceMs = options.killGraceMs ?? DEFAULT_GRACE_MS;
  const tail = new TailBuffer(options.stderrTailBytes ?? DEFAULT_STDERR_TAIL);
  if (signal?.aborted) throw abortedError(purpose, signal.reason);

  // windowsHide: no console window flashing up from the Electron app on Windows.
  const child = spawn(command, args, { stdio: ['ignore', options.stdoutFd ?? 'pipe', 'pipe'], windowsHide: true });
  const stdout = options.stdoutFd === undefined ? child.stdout : Readable.from([]);
  const stderr = child.stderr;
  if (!stdout || !stderr) throw new FramewiseError('INTERNAL', `No pipes for "${command}" while ${purpose}.`);
  // Drain stderr continuously: a full stderr pipe would block ffmpeg as surely as a full stdout.
  stderr.on('data', (chunk: Buffer) => tail.push(chunk));

  let aborted = false;
  let killTimer: NodeJS.Timeout | undefined;

  const terminate = (): void => {
    // Closing our end first makes a writer blocked on a full pipe fail at once (EPIPE) instead of
    // sleeping through SIGTERM.
    stdout.destroy();
    if (!isRunning(child)) return;
    child.kill('SIGTERM');
    killTimer ??= setTimeout(() => {
      if (isRunning(child)) child.kill('SIGKILL');
    }, graceMs);
  };

  const onAbort = (): void => {
    aborted = true;
    terminate();
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  const exited = new Promise<ProcessExit>((resolve, reject) => {
    let settled = false;
    const finish = (): void => {
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
    };
    // `on`, not `once`: 'error' can fire again (a failed kill()), and an unheard 'error' would crash.
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (settled) return;
      // Only a failure to start has no pid; a failed kill() is followed by 'close' as usual.
      if (child.pid !== undefined) return;
      finish();
      reject(spawnError(command, purpose, err));
    });
    child.once('close', (code, sig) => {
      if (settled) return;
      finish();
      resolve({ code, signal: sig, stderrTail: tail.toString(), aborted });
    });
  });
  // The caller may never await `exited` (e.g. after stop()); don't turn that into an unhandled rejection.
  exited.catch(() => undefined);

  return {
    pid: child.pid,
    stdout,
    exited,
    stderrTail: () => tail.toString(),
    stop: async () => {
      terminate();
      return exited;
    },
  };
}

/** Runs a process to completion, collecting stdout. Rejects with ABORTED / FFMPEG_NOT_FOUND only. */
export async function runProcess(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const maxStdout = options.maxStdoutBytes ?? DEFAULT_MAX_STDOUT;
  const proc = startProcess(command, args, options);
  const chunks: Buffer[] = [];
  let size = 0;
  let overflow = false;
  proc.stdout.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxStdout) {
      overflow = true;
      void proc.stop();
      return;
    }
    chunks.push(chunk);
  });
  // Destroying stdout on stop emits 'error' on some Node versions; the exit status carries the news.
  proc.stdout.on('error', () => undefined);
  const exit = await proc.exited;
  if (exit.aborted) throw abortedError(options.purpose, options.signal?.reason);
  if (overflow) {
    throw new FramewiseError(
      'INTERNAL',
      `"${command}" produced more than ${maxStdout} bytes of output while ${options.purpose}.`,
    );
  }
  return { ...exit, stdout: Buffer.concat(chunks) };
}

/**
 * The most useful lines of an ffmpeg/ffprobe stderr for a person: the last `count` non-empty
 * lines, without the "[mov,mp4 @ 0x55d…]" context prefixes and without a leading "<file>: ".
 */
export function lastStderrLines(stderr: string, file: string, count = 2): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => l.replace(/^\[[^\]]* @ 0x[0-9a-f]+\]\s*/i, ''))
    .map((l) => (l.startsWith(`${file}: `) ? l.slice(file.length + 2) : l));
  return lines.slice(-count).join('; ');
}

/**
 * How to name a local file on an ffmpeg command line: absolute and with the `file:` protocol, so
 * names like "clip:1.mp4" or "-x.mp4" are never read as a protocol or an option.
 */
export function fileArg(file: string): string {
  return `file:${path.resolve(file)}`;
}
